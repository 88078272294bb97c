package media

import (
	"bytes"
	"eplatform/app/problem"
	"fmt"
	"image"
	"net/http"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kinds of post media.
const (
	Image    = "image"
	Video    = "video"
	Document = "document"
)

// Size limits of post media (the web form limits, which the API shares).
var MaxSize = map[string]int64{Image: 5 << 20, Video: 20 << 20, Document: 10 << 20}

// Checked is an upload whose type was established from its bytes.
type Checked struct {
	Kind        string
	ContentType string // what we serve it as
	Ext         string // ".pdf", what we store it with
}

// IsUploadError reports whether err is the media rules' refusal of an upload: a
// problem of kind Invalid (400) or TooLarge (413) whose message is safe to show.
func IsUploadError(err error) (*problem.Error, bool) {
	p, ok := problem.As(err)
	return p, ok && (p.Kind == problem.KindInvalid || p.Kind == problem.KindTooLarge)
}

var officeTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

// CheckPostMedia establishes what an upload for a post really is. kind is the form
// field it came in (image, video or document); name is the uploader's file name, used
// only to tell apart formats that share a container (docx and xlsx are both zip files,
// Markdown and TeX are both text).
func CheckPostMedia(kind, name string, data []byte) (Checked, error) {
	limit, ok := MaxSize[kind]
	if !ok {
		return Checked{}, problem.Invalid("Unknown media field " + kind + ".")
	}
	if int64(len(data)) > limit {
		return Checked{}, problem.TooLarge(fmt.Sprintf("The %s is too large: at most %d MB.", kind, limit>>20))
	}
	if len(data) == 0 {
		return Checked{}, problem.Invalid("The file is empty.")
	}
	sniffed := http.DetectContentType(data)
	ext := strings.ToLower(filepath.Ext(name))
	switch kind {
	case Image:
		switch sniffed {
		case "image/jpeg", "image/png", "image/gif", "image/webp":
			// The header alone can lie; decode the whole image (after checking its
			// size, so a small file cannot claim gigapixels).
			cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
			if err == nil && (cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxDecodedPixels) {
				return Checked{}, problem.Invalid(ErrImageTooLarge.Error())
			}
			if err == nil {
				_, _, err = image.Decode(bytes.NewReader(data))
			}
			if err != nil {
				return Checked{}, problem.Invalid("The image is damaged or not an image.")
			}
			return Checked{Kind: Image, ContentType: sniffed, Ext: "." + strings.TrimPrefix(sniffed, "image/")}, nil
		}
		return Checked{}, problem.Invalid("Upload a JPG, PNG, GIF or WebP image.")
	case Video:
		switch {
		case sniffed == "video/webm":
			return Checked{Kind: Video, ContentType: "video/webm", Ext: ".webm"}, nil
		case sniffed == "application/ogg":
			return Checked{Kind: Video, ContentType: "video/ogg", Ext: ".ogv"}, nil
		case len(data) > 12 && string(data[4:8]) == "ftyp":
			if string(data[8:10]) == "qt" {
				return Checked{Kind: Video, ContentType: "video/quicktime", Ext: ".mov"}, nil
			}
			return Checked{Kind: Video, ContentType: "video/mp4", Ext: ".mp4"}, nil
		}
		return Checked{}, problem.Invalid("Upload an MP4, WebM, Ogg or MOV video.")
	default: // Document
		switch {
		case sniffed == "application/pdf":
			return Checked{Kind: Document, ContentType: "application/pdf", Ext: ".pdf"}, nil
		case bytes.HasPrefix(data, []byte("PK\x03\x04")) && officeTypes[ext] != "" && bytes.Contains(data, []byte("[Content_Types].xml")):
			return Checked{Kind: Document, ContentType: officeTypes[ext], Ext: ext}, nil
		case (ext == ".md" || ext == ".tex") && utf8.Valid(data) && !bytes.ContainsRune(data, 0):
			ct := "text/markdown; charset=utf-8"
			if ext == ".tex" {
				ct = "application/x-tex"
			}
			return Checked{Kind: Document, ContentType: ct, Ext: ext}, nil
		}
		return Checked{}, problem.Invalid("Upload a PDF, Word, Excel, PowerPoint, Markdown or TeX document.")
	}
}

// CleanName keeps the uploader's file name presentable: the base name only, no control
// characters, at most 255 bytes.
func CleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" || name == "" {
		name = "file"
	}
	for len(name) > 255 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}

// PostFileURL is the path where a post's file is served (see server.servePostMedia).
func PostFileURL(postID int64, storedPath string) string {
	return "/media/post/" + strconv.FormatInt(postID, 10) + "/" + path.Base(storedPath)
}
