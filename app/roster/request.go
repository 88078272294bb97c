package roster

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"eplatform/app/problem"
)

// maxFormOverhead is what a multipart or urlencoded body may hold beyond the file:
// boundaries, headers, the other fields, percent-encoding.
const maxFormOverhead = 64 << 10

// ReadRequest reads a class list sent by the admin page or the API: a text/csv body, a
// multipart form with the file in "file" (or pasted text in "csv"), or an urlencoded
// form with "csv" (the preview's confirm button sends the checked text back). Over the
// limit is ErrTooLarge (413); another media type a 415; no list at all a 400 naming
// file.
func ReadRequest(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")) // unparsable: "", answered 415 below
	switch ct {
	case "text/csv":
		r.Body = http.MaxBytesReader(w, r.Body, MaxBytes+1)
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, readError(err)
		}
		return data, nil
	case "multipart/form-data", "application/x-www-form-urlencoded":
		// Percent-encoding can triple the text of an urlencoded list.
		limit := int64(MaxBytes + maxFormOverhead)
		if ct != "multipart/form-data" {
			limit = 3*MaxBytes + maxFormOverhead
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		var err error
		if ct == "multipart/form-data" {
			err = r.ParseMultipartForm(limit)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			return nil, readError(err)
		}
		if ct == "multipart/form-data" {
			if f, _, err := r.FormFile("file"); err == nil {
				defer f.Close()
				data, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
				if err != nil {
					return nil, readError(err)
				}
				if len(data) > 0 {
					return data, nil
				}
			}
		}
		if v := r.PostFormValue("csv"); strings.TrimSpace(v) != "" {
			return []byte(v), nil
		}
		return nil, problem.Field("file", "Choose a CSV file (or paste the list).")
	}
	return nil, problem.New(problem.KindUnsupported, "Send the class list as text/csv, or as multipart/form-data in the field file.")
}

func readError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return ErrTooLarge
	}
	return problem.Invalid("The class list could not be read.")
}
