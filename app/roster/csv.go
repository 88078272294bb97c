package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"eplatform/app/form"
	"eplatform/app/problem"
)

// Limits of one class list. A school's largest year fits many times over; past them
// the list is refused whole (413) before anything is looked up.
const (
	MaxBytes = 1 << 20
	MaxRows  = 2000
)

// ErrTooLarge is the refusal of a list over MaxBytes or MaxRows.
var ErrTooLarge = problem.TooLarge("The class list is over 1 MB or 2,000 rows: split it into smaller files.")

// Columns of a class list: every one of required must be in the header; subjects is
// optional. Their order is the header's.
var (
	required = []string{"username", "email", "first_name", "last_name", "user_type", "birthdate"}
	optional = []string{"subjects"}
)

// Row is one line of a class list, its values trimmed, and what is wrong with it.
type Row struct {
	Line                                                      int // in the file; the header is line 1
	Username, Email, FirstName, LastName, UserType, Birthdate string
	Subjects                                                  []string // codes, each once, as written
	// Errors are the messages by column (form.NonField for the row as a whole).
	Errors form.Errors

	// Set by an import: the new account and its set-password link.
	ID   int64
	Link string
}

// fileError is a problem with the file as a whole, named by the upload's field.
func fileError(format string, args ...any) error {
	return problem.Field("file", fmt.Sprintf(format, args...))
}

// Parse reads a class list: CSV (UTF-8, with or without a byte order mark, CRLF or LF
// line ends, comma-separated — or semicolon- or tab-separated, as spreadsheets in many
// countries save it), a header row naming the columns in any order, then one person a
// line. Problems of the file as a whole (encoding, header, quoting, size) are a
// problem naming "file"; problems of single rows are left to Check.
func Parse(data []byte) ([]Row, error) {
	if len(data) > MaxBytes {
		return nil, ErrTooLarge
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, fileError("The file is UTF-16 text: save it as \"CSV UTF-8\".")
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return nil, fileError("Line %d is not UTF-8 text: save the file as \"CSV UTF-8\".", line)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fileError("The file is empty: it needs a header row and one person a line.")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = separator(data)
	r.FieldsPerRecord = -1 // short and long rows are the row's error, not the file's
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, csvError(err)
	}
	cols, err := columns(header)
	if err != nil {
		return nil, err
	}
	var rows []Row
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		if blank(rec) {
			continue
		}
		if len(rows) == MaxRows {
			return nil, ErrTooLarge
		}
		line, _ := r.FieldPos(0)
		row := Row{Line: line, Errors: form.Errors{}}
		if len(rec) > len(header) {
			row.Errors.Add(form.NonField, fmt.Sprintf("This row has %d values; the header names %d columns.", len(rec), len(header)))
		}
		get := func(name string) string {
			if i, ok := cols[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row.Username, row.Email = get("username"), get("email")
		row.FirstName, row.LastName = get("first_name"), get("last_name")
		row.UserType, row.Birthdate = strings.ToLower(get("user_type")), get("birthdate")
		row.Subjects = splitCodes(get("subjects"))
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, fileError("The file has a header but nobody in it.")
	}
	return rows, nil
}

// separator guesses the field separator from the header line: a comma unless the
// header has none and has semicolons or tabs.
func separator(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	switch {
	case bytes.ContainsRune(first, ','):
		return ','
	case bytes.ContainsRune(first, ';'):
		return ';'
	case bytes.ContainsRune(first, '\t'):
		return '\t'
	}
	return ','
}

// columns maps the header's column names (in any letter case) to their index.
func columns(header []string) (map[string]int, error) {
	known := map[string]bool{}
	for _, c := range append(append([]string{}, required...), optional...) {
		known[c] = true
	}
	cols := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == "":
			return nil, fileError("Column %d of the header has no name.", i+1)
		case !known[name]:
			return nil, fileError("The header names an unknown column %q; the columns are %s and optionally subjects.",
				truncate(h, 40), strings.Join(required, ", "))
		}
		if _, dup := cols[name]; dup {
			return nil, fileError("The header names the column %q twice.", name)
		}
		cols[name] = i
	}
	var missing []string
	for _, c := range required {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fileError("The header row lacks the column(s) %s. The first line must name the columns: %s (and optionally subjects).",
			strings.Join(missing, ", "), strings.Join(required, ", "))
	}
	return cols, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fileError("Line %d is not valid CSV: %s.", pe.Line, pe.Err)
	}
	return fileError("The file is not valid CSV: %s.", err)
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// splitCodes splits a subjects cell on spaces, semicolons and commas, each code once
// (whatever its letter case, like the codes themselves).
func splitCodes(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ';' || r == ',' || r == '\t' }) {
		if k := strings.ToLower(c); !seen[k] {
			seen[k] = true
			out = append(out, c)
		}
	}
	return out
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
