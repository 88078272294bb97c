package people

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"eplatform/app/form"
	"eplatform/app/store"
	"eplatform/app/text"
)

// Field is one editable field of an entry kind: the web forms, the API and the
// validation are all driven by these descriptions.
type Field struct {
	Name     string // the column, the form field and the JSON key
	Label    string
	Type     string // text, textarea, date, url, proficiency
	Max      int    // characters
	Required bool
	Help     string
}

// Kind describes one of the five kinds of profile entries.
type Kind struct {
	Name     string // education, experience, skills, projects, certifications (also the section)
	Title    string // "Education"
	Singular string // "education entry": "Add an education entry"
	Icon     string
	Fields   []Field
	// Start and End name the date pair whose order is checked ("" when none).
	Start, End string
	EndMsg     string
	HasImage   bool // projects: an optional picture
}

// MaxEntries is how many entries of one kind a person may have.
const MaxEntries = 50

// Proficiency levels of a skill.
var Proficiency = []string{"", "Beginner", "Elementary", "Intermediate", "Advanced", "Expert"}

// DefaultProficiency is a new skill's level when none is given.
const DefaultProficiency = 3

// Kinds lists the entry kinds in the order a profile shows them.
var Kinds = []Kind{
	{Name: store.ProfileEducation, Title: "Education", Singular: "education entry", Icon: "book",
		Fields: []Field{
			{Name: "institution", Label: "School or university", Type: "text", Max: 100, Required: true},
			{Name: "degree", Label: "Degree", Type: "text", Max: 100, Required: true},
			{Name: "field_of_study", Label: "Field of study", Type: "text", Max: 100},
			{Name: "start_date", Label: "Start date", Type: "date"},
			{Name: "end_date", Label: "End date", Type: "date", Help: "Leave empty if you are still studying there."},
			{Name: "description", Label: "Description", Type: "textarea", Max: 2000},
		}, Start: "start_date", End: "end_date", EndMsg: "The end date cannot be before the start date."},
	{Name: store.ProfileExperience, Title: "Experience", Singular: "experience entry", Icon: "users",
		Fields: []Field{
			{Name: "company", Label: "Company or organisation", Type: "text", Max: 100, Required: true},
			{Name: "title", Label: "Position", Type: "text", Max: 100, Required: true},
			{Name: "location", Label: "Location", Type: "text", Max: 100},
			{Name: "start_date", Label: "Start date", Type: "date"},
			{Name: "end_date", Label: "End date", Type: "date", Help: "Leave empty for your current position."},
			{Name: "description", Label: "Description", Type: "textarea", Max: 2000},
		}, Start: "start_date", End: "end_date", EndMsg: "The end date cannot be before the start date."},
	{Name: store.ProfileSkills, Title: "Skills", Singular: "skill", Icon: "sparkles",
		Fields: []Field{
			{Name: "name", Label: "Skill", Type: "text", Max: 50, Required: true},
			{Name: "proficiency", Label: "Proficiency", Type: "proficiency", Required: true},
		}},
	{Name: store.ProfileProjects, Title: "Projects", Singular: "project", Icon: "file",
		Fields: []Field{
			{Name: "title", Label: "Title", Type: "text", Max: 100, Required: true},
			{Name: "description", Label: "Description", Type: "textarea", Max: 5000, Required: true},
			{Name: "url", Label: "Link", Type: "url", Max: 200, Help: "An http(s) address, e.g. the code or a demo."},
			{Name: "technologies", Label: "Technologies", Type: "text", Max: 200, Help: "Comma-separated, e.g. Go, SQLite, HTML."},
			{Name: "start_date", Label: "Start date", Type: "date"},
			{Name: "end_date", Label: "End date", Type: "date"},
		}, Start: "start_date", End: "end_date", EndMsg: "The end date cannot be before the start date.", HasImage: true},
	{Name: store.ProfileCertifications, Title: "Certifications", Singular: "certification", Icon: "check",
		Fields: []Field{
			{Name: "name", Label: "Name", Type: "text", Max: 100, Required: true},
			{Name: "issuing_organization", Label: "Issued by", Type: "text", Max: 100},
			{Name: "issue_date", Label: "Issue date", Type: "date"},
			{Name: "expiration_date", Label: "Expiration date", Type: "date", Help: "Leave empty if it does not expire."},
			{Name: "credential_id", Label: "Credential ID", Type: "text", Max: 100},
			{Name: "credential_url", Label: "Credential link", Type: "url", Max: 200},
		}, Start: "issue_date", End: "expiration_date", EndMsg: "The expiration date cannot be before the issue date."},
}

// KindOf returns the kind named name.
func KindOf(name string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

// Defaults are a new entry's values.
func (k Kind) Defaults() map[string]string {
	out := map[string]string{}
	for _, f := range k.Fields {
		out[f.Name] = ""
		if f.Type == "proficiency" {
			out[f.Name] = strconv.Itoa(DefaultProficiency)
		}
	}
	return out
}

// Check validates an entry's values (every field of the kind; missing ones count as
// empty) and returns them cleaned, or the errors by field.
func (k Kind) Check(in map[string]string) (map[string]string, form.Errors) {
	out := map[string]string{}
	errs := form.Errors{}
	for _, f := range k.Fields {
		v, msg := checkField(f, in[f.Name])
		if msg != "" {
			errs.Add(f.Name, msg)
		}
		out[f.Name] = v
	}
	if k.Start != "" && !errs.Has(k.Start) && !errs.Has(k.End) && out[k.Start] != "" && out[k.End] != "" && out[k.End] < out[k.Start] {
		errs.Add(k.End, k.EndMsg)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func checkField(f Field, raw string) (string, string) {
	v, msg := text.Clean(strings.TrimSpace(raw))
	if msg != "" {
		return "", msg
	}
	if f.Type != "textarea" {
		v = strings.Join(strings.Fields(v), " ") // one line, single spaces
	}
	if v == "" {
		if f.Required {
			return "", "This field is required."
		}
		return "", ""
	}
	switch f.Type {
	case "date":
		return checkDate(v)
	case "url":
		return CheckURL(v, f.Max)
	case "proficiency":
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5 {
			return "", "Choose a proficiency from 1 (beginner) to 5 (expert)."
		}
		return strconv.Itoa(n), ""
	}
	if n := text.Len(v); f.Max > 0 && n > f.Max {
		return "", "Ensure this field has no more than " + strconv.Itoa(f.Max) + " characters (it has " + strconv.Itoa(n) + ")."
	}
	return v, ""
}

// checkDate accepts YYYY-MM-DD between the years 1900 and 2100.
func checkDate(v string) (string, string) {
	t, err := time.Parse(time.DateOnly, v)
	if err != nil || t.Year() < 1900 || t.Year() > 2100 {
		return "", "Enter a valid date (YYYY-MM-DD)."
	}
	return t.Format(time.DateOnly), ""
}

// CheckURL validates a link a person types: http or https with a host, no spaces, at
// most max characters. A bare "github.com/ada" gets https:// in front. Anything else
// (javascript:, data:, ftp:) is refused, so no link on a page can run script.
func CheckURL(v string, max int) (string, string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", ""
	}
	lower := strings.ToLower(v)
	if !strings.Contains(lower, "://") && !strings.Contains(lower, ":") && strings.Contains(v, ".") {
		v = "https://" + v
		lower = "https://" + lower
	}
	const msg = "Enter a valid URL starting with http:// or https://."
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		return "", msg
	}
	if strings.ContainsAny(v, " \t\r\n<>\"'`\\") {
		return "", msg
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || u.Hostname() == "" || strings.HasPrefix(u.Host, ".") || !strings.Contains(u.Hostname(), ".") && u.Hostname() != "localhost" {
		return "", msg
	}
	if n := utf8.RuneCountInString(v); max > 0 && n > max {
		return "", "Ensure this URL has no more than " + strconv.Itoa(max) + " characters (it has " + strconv.Itoa(n) + ")."
	}
	return v, ""
}
