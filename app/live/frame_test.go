package live_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"eplatform/app/live"
)

// FuzzParseFrame feeds arbitrary client frames to the parser: it must never panic,
// must accept exactly the JSON objects with a non-empty string type, and the echo of
// an unknown type must stay short and inert.
func FuzzParseFrame(f *testing.F) {
	for _, seed := range []string{
		`{"type":"ping"}`, `{"type":"chat_message","conversation_id":1,"content":"hi"}`,
		`{}`, `{"type":5}`, `{"type":""}`, `[]`, `null`, `not json`, `{"type":"<b>\u0000"}`,
		`{"type":"a","type":"b"}`, "{\"type\":\"\xff\"}", `{"type":"` + strings.Repeat("é", 80) + `"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		typ, problem := live.ParseFrame(data)
		var obj map[string]json.RawMessage
		isObject := json.Unmarshal(data, &obj) == nil && obj != nil
		var want string
		hasType := isObject && json.Unmarshal(obj["type"], &want) == nil && want != ""
		switch {
		case problem == "" && (!hasType || typ != want):
			t.Fatalf("accepted %q as type %q", data, typ)
		case problem != "" && hasType:
			t.Fatalf("refused %q (%s)", data, problem)
		case problem != "" && typ != "":
			t.Fatalf("refused %q but returned type %q", data, typ)
		}
		if problem != "" {
			return
		}
		msg := strings.TrimPrefix(live.UnknownType(typ), "Unknown message type: ")
		if strings.ContainsAny(msg, "<>\"'") || !utf8.ValidString(msg) {
			t.Fatalf("unknown type %q echoed unsafely as %q", typ, msg)
		}
		if n := utf8.RuneCountInString(msg); n > 50*6 {
			t.Fatalf("echo of %d runes", n)
		}
		for _, r := range msg {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("control character in echo %q", msg)
			}
		}
	})
}
