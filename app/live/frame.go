package live

import (
	"encoding/json"
	"errors"
	"html"
	"unicode"
	"unicode/utf8"
)

// Messages of the error frames the hub itself sends. The first three are the
// original's wording, which its clients may match on.
const (
	msgInvalidFormat = "Invalid message format. Please send valid JSON."
	msgTypeRequired  = "Message type is required."
	msgUnknownType   = "Unknown message type: "
	msgInternal      = "An error occurred while processing your message."
)

// maxTypeEcho is how many characters of an unknown type are echoed back.
const maxTypeEcho = 50

// ClientError returns an error whose message a Handler may show to the client: the hub
// sends it back as {"type":"error","message":msg}. Any other error a handler returns is
// logged and answered with a generic message, so internal details never leak.
func ClientError(msg string) error { return &clientError{msg: msg} }

type clientError struct{ msg string }

func (e *clientError) Error() string { return e.msg }

// clientMessage returns what to tell the client about err, and whether it is safe to
// show (otherwise the caller logs err).
func clientMessage(err error) (string, bool) {
	var ce *clientError
	if errors.As(err, &ce) {
		return ce.msg, true
	}
	return msgInternal, false
}

type errorFrame struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

type typeOnly struct {
	Type string `json:"type"`
}

// parseFrame returns a client frame's type, or the message of the error frame to send
// back when the frame is not a JSON object with a non-empty string "type".
func parseFrame(data []byte) (typ, problem string) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return "", msgInvalidFormat
	}
	raw, ok := fields["type"]
	if !ok {
		return "", msgTypeRequired
	}
	if err := json.Unmarshal(raw, &typ); err != nil || typ == "" {
		return "", msgTypeRequired
	}
	return typ, ""
}

// unknownType is the error message for a type no handler is registered for. The type
// comes from the client, so it is cut to maxTypeEcho characters, stripped of control
// characters and HTML-escaped: the original's clients put messages into innerHTML.
func unknownType(typ string) string {
	short := make([]rune, 0, maxTypeEcho)
	for _, r := range typ {
		if len(short) == maxTypeEcho {
			break
		}
		if r == utf8.RuneError || unicode.IsControl(r) {
			r = '?'
		}
		short = append(short, r)
	}
	return msgUnknownType + html.EscapeString(string(short))
}
