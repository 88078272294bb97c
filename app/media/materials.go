package media

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"eplatform/app/problem"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Size limits of subject materials.
const (
	MaxMaterialDocument = 25 << 20
	MaxMaterialVideo    = 200 << 20
	// MaxMaterialBody bounds a whole material upload request: the largest file plus
	// room for the other fields.
	MaxMaterialBody = MaxMaterialVideo + 1<<20
	// maxMaterialFields bounds the non-file fields of a material form together.
	maxMaterialFields = 64 << 10
)

// MaterialFile is a stored material file; Class is Document or Video, established
// from its bytes.
type MaterialFile struct {
	Class       string
	Path        string // under the media root: "materials/3f9a….pdf"
	Name        string // the uploader's file name, cleaned
	Size        int64
	ContentType string
}

// MaterialTypesHelp names what a material file may be, for messages and forms.
const MaterialTypesHelp = "a PDF, Word, Excel, PowerPoint, OpenDocument, Markdown, text, CSV, TeX or ZIP document up to 25 MB, " +
	"or an MP4, WebM, Ogg or MOV video up to 200 MB"

// materialType is what the first bytes (and, for containers, the name) say a file is.
type materialType struct {
	class, contentType, ext string
	text                    bool   // must be UTF-8 without NUL bytes throughout
	zipPart                 string // a container entry that must exist ("" for none)
	zipMimetype             string // ODF: the "mimetype" entry's content
	zip                     bool   // must be a readable ZIP archive
}

var ooxml = map[string]materialType{
	".docx": {contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", zipPart: "word/document.xml"},
	".xlsx": {contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", zipPart: "xl/workbook.xml"},
	".pptx": {contentType: "application/vnd.openxmlformats-officedocument.presentationml.presentation", zipPart: "ppt/presentation.xml"},
	".odt":  {contentType: "application/vnd.oasis.opendocument.text", zipMimetype: "application/vnd.oasis.opendocument.text"},
	".ods":  {contentType: "application/vnd.oasis.opendocument.spreadsheet", zipMimetype: "application/vnd.oasis.opendocument.spreadsheet"},
	".odp":  {contentType: "application/vnd.oasis.opendocument.presentation", zipMimetype: "application/vnd.oasis.opendocument.presentation"},
}

var legacyOffice = map[string]string{
	".doc": "application/msword",
	".xls": "application/vnd.ms-excel",
	".ppt": "application/vnd.ms-powerpoint",
}

var textTypes = map[string]string{
	".md":       "text/markdown; charset=utf-8",
	".markdown": "text/markdown; charset=utf-8",
	".txt":      "text/plain; charset=utf-8",
	".csv":      "text/csv; charset=utf-8",
	".tex":      "application/x-tex",
}

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// classifyMaterial tells what a material file is from its first bytes. The name only
// separates formats that share a container (docx and xlsx are both ZIP files, Markdown
// and CSV are both text); it never makes a file something its bytes are not.
func classifyMaterial(name string, head []byte) (materialType, bool) {
	ext := strings.ToLower(filepath.Ext(name))
	sniffed := http.DetectContentType(head)
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return materialType{class: Document, contentType: "application/pdf", ext: ".pdf"}, true
	case bytes.HasPrefix(head, oleMagic):
		if ct, ok := legacyOffice[ext]; ok {
			return materialType{class: Document, contentType: ct, ext: ext}, true
		}
		return materialType{}, false
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if t, ok := ooxml[ext]; ok {
			t.class, t.ext, t.zip = Document, ext, true
			return t, true
		}
		return materialType{class: Document, contentType: "application/zip", ext: ".zip", zip: true}, true
	case sniffed == "video/webm":
		return materialType{class: Video, contentType: "video/webm", ext: ".webm"}, true
	case bytes.HasPrefix(head, []byte("OggS")):
		return materialType{class: Video, contentType: "video/ogg", ext: ".ogv"}, true
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		if string(head[8:10]) == "qt" {
			return materialType{class: Video, contentType: "video/quicktime", ext: ".mov"}, true
		}
		return materialType{class: Video, contentType: "video/mp4", ext: ".mp4"}, true
	}
	if ct, ok := textTypes[ext]; ok && looksLikeText(head) {
		return materialType{class: Document, contentType: ct, ext: ext, text: true}, true
	}
	return materialType{}, false
}

// looksLikeText accepts UTF-8 without NUL bytes; the head may end inside a character.
func looksLikeText(head []byte) bool {
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	for i := len(head) - 1; i >= 0 && i >= len(head)-utf8.UTFMax; i-- {
		if utf8.RuneStart(head[i]) {
			if !utf8.FullRune(head[i:]) {
				head = head[:i]
			}
			break
		}
	}
	return utf8.Valid(head)
}

// textGuard checks a stream is UTF-8 without NUL bytes, across chunk boundaries.
type textGuard struct {
	carry []byte
	bad   bool
}

func (g *textGuard) Write(p []byte) (int, error) {
	if g.bad {
		return len(p), nil
	}
	b := append(append([]byte(nil), g.carry...), p...)
	cut := len(b)
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				cut = i
			}
			break
		}
	}
	if bytes.IndexByte(b[:cut], 0) >= 0 || !utf8.Valid(b[:cut]) {
		g.bad = true
	}
	g.carry = b[cut:]
	return len(p), nil
}

func (g *textGuard) ok() bool { return !g.bad && len(g.carry) == 0 }

// trackingReader remembers a read error, to tell the client's failures (a dropped
// connection, a body over the limit) from the disk's.
type trackingReader struct {
	r   io.Reader
	err error
}

func (t *trackingReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF {
		t.err = err
	}
	return n, err
}

// uploadReadError turns a failure to read the client's upload into an UploadError.
func uploadReadError(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return problem.TooLarge(fmt.Sprintf("The upload is too large: at most %d MB.", limit>>20))
	}
	return problem.Invalid("The upload could not be read. Please try again.")
}

func classLimit(class string) int64 {
	if class == Video {
		return MaxMaterialVideo
	}
	return MaxMaterialDocument
}

// SaveMaterial streams a material file to disk: its first 512 bytes decide what it is
// (by content), then the rest is copied to a temporary file under the media root —
// never held in memory — within the limit of its class (documents 25 MB, videos
// 200 MB), checked through (text must be UTF-8, containers must open), and renamed
// into place. On any error nothing is left behind.
func (s Store) SaveMaterial(name string, r io.Reader) (MaterialFile, error) {
	return s.saveFile("materials", name, r, true)
}

// Limits of a student's hand-in (a submission): one document of the material kinds.
const (
	MaxSubmissionBody = MaxMaterialDocument + 1<<20
	// maxSubmissionFields bounds the other fields: the hand-in's text (20 000
	// characters, up to 4 bytes each) and the form's few small fields.
	maxSubmissionFields = 96 << 10
)

// SubmissionTypesHelp names what a hand-in's file may be.
const SubmissionTypesHelp = "a PDF, Word, Excel, PowerPoint, OpenDocument, Markdown, text, CSV, TeX or ZIP document up to 25 MB"

// SaveSubmission streams a student's hand-in to disk like SaveMaterial, under
// "submissions/", accepting documents only (a video is refused by its first bytes,
// before the rest is read).
func (s Store) SaveSubmission(name string, r io.Reader) (MaterialFile, error) {
	return s.saveFile("submissions", name, r, false)
}

func (s Store) saveFile(dir, name string, r io.Reader, videos bool) (MaterialFile, error) {
	src := &trackingReader{r: r}
	head := make([]byte, 512)
	n, err := io.ReadFull(src, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		if !videos {
			return MaterialFile{}, uploadReadError(err, MaxMaterialDocument)
		}
		return MaterialFile{}, uploadReadError(err, MaxMaterialVideo)
	}
	head = head[:n]
	if n == 0 {
		return MaterialFile{}, problem.Invalid("The file is empty.")
	}
	t, ok := classifyMaterial(name, head)
	if !videos && (!ok || t.class != Document) {
		return MaterialFile{}, problem.Invalid("This file type is not accepted. Hand in " + SubmissionTypesHelp + ".")
	}
	if !ok {
		return MaterialFile{}, problem.Invalid("This file type is not accepted. Upload " + MaterialTypesHelp + ".")
	}
	limit := classLimit(t.class)

	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return MaterialFile{}, err
	}
	rel := path.Join(dir, hex.EncodeToString(b)+t.ext)
	full, err := s.resolve(rel)
	if err != nil {
		return MaterialFile{}, err
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
		return MaterialFile{}, err
	}
	tmp := full + ".part"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return MaterialFile{}, err
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()
	var guard *textGuard
	var w io.Writer = f
	if t.text {
		guard = &textGuard{}
		w = io.MultiWriter(f, guard)
	}
	if _, err := w.Write(head); err != nil {
		return MaterialFile{}, err
	}
	copied, err := io.Copy(w, io.LimitReader(src, limit-int64(n)+1))
	if src.err != nil {
		return MaterialFile{}, uploadReadError(src.err, limit)
	}
	if err != nil {
		return MaterialFile{}, err // the disk
	}
	size := int64(n) + copied
	if size > limit {
		what := "document"
		if t.class == Video {
			what = "video"
		}
		return MaterialFile{}, problem.TooLarge(fmt.Sprintf("The %s is too large: at most %d MB.", what, limit>>20))
	}
	if guard != nil && !guard.ok() {
		return MaterialFile{}, problem.Invalid("The text file is not valid UTF-8 text.")
	}
	if err := f.Close(); err != nil {
		return MaterialFile{}, err
	}
	if t.zip {
		if msg := checkZip(tmp, t); msg != "" {
			return MaterialFile{}, problem.Invalid(msg)
		}
	}
	if err := os.Rename(tmp, full); err != nil {
		return MaterialFile{}, err
	}
	done = true
	return MaterialFile{Class: t.class, Path: rel, Name: CleanName(name), Size: size, ContentType: t.contentType}, nil
}

// checkZip opens a stored archive and checks the entries its format needs; it returns
// a message for a damaged or mislabelled file.
func checkZip(file string, t materialType) string {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return "The archive is damaged or not a ZIP file."
	}
	defer zr.Close()
	switch {
	case t.zipPart != "":
		var types, main bool
		for _, f := range zr.File {
			types = types || f.Name == "[Content_Types].xml"
			main = main || f.Name == t.zipPart
		}
		if !types || !main {
			return "The document is damaged or is not what its name says (" + strings.TrimPrefix(t.ext, ".") + ")."
		}
	case t.zipMimetype != "":
		for _, f := range zr.File {
			if f.Name != "mimetype" {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(io.LimitReader(rc, 200)) // unreadable: no match, so not this type
			rc.Close()
			if strings.TrimSpace(string(b)) == t.zipMimetype {
				return ""
			}
		}
		return "The document is damaged or is not what its name says (" + strings.TrimPrefix(t.ext, ".") + ")."
	}
	return ""
}

// ErrNotMultipart is returned by ReadMaterialForm for a body that is not
// multipart/form-data.
var ErrNotMultipart = errors.New("media: not a multipart form")

// ReadMaterialForm reads a multipart form with at most one file, in the field named
// fileField, streaming the file to disk with SaveMaterial as it arrives (the other
// fields, 64 KB together at most, are returned as values). onFile runs before the
// file is read — a rate limit — and its error is returned as is. The caller bounds
// r.Body (MaxMaterialBody) and removes the returned file if it does not keep it.
// Refusals are *UploadError (400, or 413 with TooLarge), returned with the fields read
// before them.
func (s Store) ReadMaterialForm(r *http.Request, fileField string, onFile func() error) (url.Values, *MaterialFile, error) {
	return s.readUploadForm(r, fileField, onFile, s.SaveMaterial, maxMaterialFields, MaxMaterialVideo)
}

// ReadSubmissionForm is ReadMaterialForm for a student's hand-in: the file is saved
// with SaveSubmission (documents only, 25 MB), the other fields may hold up to 96 KB.
// The caller bounds r.Body with MaxSubmissionBody.
func (s Store) ReadSubmissionForm(r *http.Request, fileField string, onFile func() error) (url.Values, *MaterialFile, error) {
	return s.readUploadForm(r, fileField, onFile, s.SaveSubmission, maxSubmissionFields, MaxMaterialDocument)
}

func (s Store) readUploadForm(r *http.Request, fileField string, onFile func() error,
	save func(string, io.Reader) (MaterialFile, error), fieldBudget, maxFile int64) (url.Values, *MaterialFile, error) {
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" || params["boundary"] == "" {
		return nil, nil, ErrNotMultipart
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	values := url.Values{}
	var file *MaterialFile
	// A refusal still returns the fields read before it, so a form can be shown again
	// as it was sent.
	fail := func(err error) (url.Values, *MaterialFile, error) {
		if file != nil {
			_ = s.Remove(file.Path) // clean-up after the error returned; a left file is only space
		}
		return values, nil, err
	}
	budget := fieldBudget
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(uploadReadError(err, maxFile))
		}
		name := part.FormName()
		if name == "" {
			part.Close()
			continue
		}
		if part.FileName() != "" || name == fileField {
			if name != fileField {
				part.Close()
				return fail(problem.Invalid("Unexpected file field " + strconv.Quote(name) + "."))
			}
			if part.FileName() == "" {
				// An empty file input (no file chosen) sends an empty part.
				if _, err := io.Copy(io.Discard, io.LimitReader(part, 1)); err != nil {
					return fail(uploadReadError(err, maxFile))
				}
				part.Close()
				continue
			}
			if file != nil {
				part.Close()
				return fail(problem.Invalid("Attach one file only."))
			}
			if onFile != nil {
				if err := onFile(); err != nil {
					part.Close()
					return fail(err)
				}
			}
			saved, err := save(part.FileName(), part)
			part.Close()
			if err != nil {
				return fail(err)
			}
			file = &saved
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, budget+1))
		part.Close()
		if err != nil {
			return fail(uploadReadError(err, maxFile))
		}
		budget -= int64(len(b))
		if budget < 0 {
			return fail(problem.TooLarge("The form fields are too long."))
		}
		values.Add(name, string(b))
	}
	return values, file, nil
}

// SubmissionFileURL is where a hand-in's file is served (only to its student, the
// subject's instructor and admins; see the web package).
func SubmissionFileURL(submissionID int64, storedPath string) string {
	return "/media/submission/" + strconv.FormatInt(submissionID, 10) + "/" + path.Base(storedPath)
}

// MaterialFileURL is where a material's file is served (only to those who may see
// the material; see the web package).
func MaterialFileURL(materialID int64, storedPath string) string {
	return "/media/material/" + strconv.FormatInt(materialID, 10) + "/" + path.Base(storedPath)
}
