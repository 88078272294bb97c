package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"eplatform/app/form"
	"eplatform/app/httpx"
	"eplatform/app/limit"
	"eplatform/app/media"
)

// maxJSONBody bounds JSON request bodies; uploads have their own limits.
const maxJSONBody = 1 << 20

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) { httpx.WriteJSON(w, status, v) }

// detail writes {"detail": msg}, the shape of every non-validation error.
func detail(w http.ResponseWriter, status int, msg string) { httpx.Detail(w, status, msg) }

// fieldErrors writes a 400 with {"field": ["message", ...]}.
func fieldErrors(w http.ResponseWriter, errs form.Errors) {
	writeJSON(w, http.StatusBadRequest, errs)
}

// fields is a request body read as loose JSON or form values, so that a wrong type in
// one field becomes that field's error instead of a failure of the whole body.
type fields struct {
	m    map[string]any
	errs form.Errors
}

// readFields reads a JSON object, an urlencoded form or a multipart form (without
// files). It writes the error response itself and returns false when the body is
// unusable.
func readFields(w http.ResponseWriter, r *http.Request) (*fields, bool) {
	f := &fields{m: map[string]any{}, errs: form.Errors{}}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")) // unparsable: "", answered 415 below
	r.Body = http.MaxBytesReader(w, r.Body, maxJSONBody)
	switch ct {
	case "application/json", "":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, bodyError(w, err)
		}
		if len(strings.TrimSpace(string(body))) == 0 {
			return f, true
		}
		if err := json.Unmarshal(body, &f.m); err != nil {
			detail(w, http.StatusBadRequest, "JSON parse error: the body must be a JSON object.")
			return nil, false
		}
	case "application/x-www-form-urlencoded", "multipart/form-data":
		var err error
		if ct == "multipart/form-data" {
			err = r.ParseMultipartForm(maxJSONBody)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			return nil, bodyError(w, err)
		}
		for k, v := range r.PostForm {
			if len(v) > 0 {
				f.m[k] = v[0]
			}
		}
	default:
		detail(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Unsupported media type %q in request.", ct))
		return nil, false
	}
	return f, true
}

func bodyError(w http.ResponseWriter, err error) bool {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		detail(w, http.StatusRequestEntityTooLarge, "Request body too large.")
	} else {
		detail(w, http.StatusBadRequest, "The request body could not be read.")
	}
	return false
}

// has reports whether the body named the field.
func (f *fields) has(name string) bool { _, ok := f.m[name]; return ok }

// str returns a string field ("" when absent or null); any other JSON type is
// recorded as that field's error.
func (f *fields) str(name string) string {
	switch v := f.m[name].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		f.errs.Add(name, "Not a valid string.")
		return ""
	}
}

// typeErrors returns the type errors collected so far, or nil.
func (f *fields) typeErrors() form.Errors {
	if len(f.errs) == 0 {
		return nil
	}
	return f.errs
}

// merge adds the type errors to errs.
func (f *fields) merge(errs form.Errors) form.Errors {
	if errs == nil {
		errs = form.Errors{}
	}
	for k, v := range f.errs {
		errs[k] = append(v, errs[k]...)
	}
	return errs
}

type limitRule = limit.Rule

// readPicture reads one picture (≤ 5 MB) sent as multipart/form-data in field. It
// answers 415, 413 or 400 itself and returns false when there is no usable file.
func readPicture(w http.ResponseWriter, r *http.Request, field string) (data []byte, name string, ok bool) {
	const tooLarge = "File too large. Maximum size is 5MB." // the original API's wording
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		detail(w, http.StatusUnsupportedMediaType, "Send the picture as multipart/form-data in the field "+field+".")
		return nil, "", false
	}
	r.Body = http.MaxBytesReader(w, r.Body, media.MaxPictureBytes+64<<10)
	file, fh, err := r.FormFile(field)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		detail(w, http.StatusRequestEntityTooLarge, tooLarge)
		return nil, "", false
	case errors.Is(err, http.ErrMissingFile):
		fieldErrors(w, form.Errors{field: {"No picture provided."}})
		return nil, "", false
	case err != nil:
		detail(w, http.StatusBadRequest, "The upload could not be read.")
		return nil, "", false
	}
	defer file.Close()
	data, err = media.ReadLimited(file, media.MaxPictureBytes)
	if errors.Is(err, media.ErrTooLarge) {
		detail(w, http.StatusRequestEntityTooLarge, tooLarge)
		return nil, "", false
	}
	if err != nil {
		detail(w, http.StatusBadRequest, "The upload could not be read.")
		return nil, "", false
	}
	return data, fh.Filename, true
}
