package chat

import (
	"bytes"
	"net/http"
	"path"
	"strconv"
	"unicode/utf8"

	"eplatform/app/media"
	"eplatform/app/problem"
)

// Upload is a file sent with a message.
type Upload struct {
	Name string
	Data []byte
}

// checkedFile is an attachment whose type was established from its bytes.
type checkedFile struct {
	Type        string // image | video | audio | document
	ContentType string
	Ext         string
}

// audioTypes are the audio formats http.DetectContentType recognises, with the
// extension we store them under.
var audioTypes = map[string]string{
	"audio/mpeg": ".mp3", "audio/wave": ".wav", "audio/aiff": ".aiff", "audio/basic": ".au", "audio/midi": ".mid",
}

// CheckFile establishes what an attachment is by its content: an image (fully
// decoded), a video, an audio file, or a document (PDF, Office, Markdown, TeX, plain
// text). Anything else — executables, archives, HTML — is refused, since it would be
// served from our origin.
func CheckFile(name string, data []byte) (checkedFile, error) {
	if len(data) > MaxFileBytes {
		return checkedFile{}, problem.TooLarge("File exceeds maximum size of 5MB.")
	}
	if len(data) == 0 {
		return checkedFile{}, problem.Invalid("The file is empty.")
	}
	sniffed := http.DetectContentType(data)
	switch sniffed {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
		c, err := media.CheckPostMedia(media.Image, name, data)
		if err != nil {
			return checkedFile{}, err
		}
		return checkedFile{Type: "image", ContentType: c.ContentType, Ext: c.Ext}, nil
	}
	if ext, ok := audioTypes[sniffed]; ok {
		return checkedFile{Type: "audio", ContentType: sniffed, Ext: ext}, nil
	}
	if c, err := media.CheckPostMedia(media.Video, name, data); err == nil {
		return checkedFile{Type: "video", ContentType: c.ContentType, Ext: c.Ext}, nil
	}
	if c, err := media.CheckPostMedia(media.Document, name, data); err == nil {
		return checkedFile{Type: "document", ContentType: c.ContentType, Ext: c.Ext}, nil
	}
	if sniffed == "text/plain; charset=utf-8" && utf8.Valid(data) && !bytes.ContainsRune(data, 0) {
		return checkedFile{Type: "document", ContentType: "text/plain; charset=utf-8", Ext: ".txt"}, nil
	}
	return checkedFile{}, problem.Invalid("Send an image, a video, an audio file or a document (PDF, Word, Excel, PowerPoint, Markdown, TeX or text).")
}

// FileURL is where a message's attachment is served, to the conversation's members
// only (see web's chat file handler). The stored name is random; the URL carries it so
// that a replaced file gets a new URL.
func FileURL(messageID int64, storedPath string) string {
	return "/chat/files/" + strconv.FormatInt(messageID, 10) + "/" + path.Base(storedPath)
}

// IsInline reports whether an attachment is shown in the page (images, audio, video)
// rather than downloaded.
func IsInline(fileType string) bool {
	return fileType == "image" || fileType == "video" || fileType == "audio"
}
