// Package form holds per-field validation messages, the shape shared by the web forms
// and the JSON API ({"field": ["message", ...]}). It has no dependencies so that every
// domain package can report what is wrong with which field.
package form

// Errors maps a field name to its messages; NonField holds form-wide ones. The names
// are the API's field names, which the web forms share.
type Errors map[string][]string

// NonField is the key of form-wide messages, as in the original API.
const NonField = "non_field_errors"

// Has reports whether field has a message.
func (e Errors) Has(field string) bool { return len(e[field]) > 0 }

// Add appends a message to a field.
func (e Errors) Add(field, msg string) { e[field] = append(e[field], msg) }

// First returns one message to show when there is room for only one: the form-wide
// one if any, else the first field's in name order ("" when empty).
func (e Errors) First() string {
	if m := e[NonField]; len(m) > 0 {
		return m[0]
	}
	best := ""
	msg := ""
	for name, m := range e {
		if len(m) > 0 && (best == "" || name < best) {
			best, msg = name, m[0]
		}
	}
	return msg
}
