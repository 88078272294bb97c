package views

import "github.com/a-h/templ"

// Reports and blocks: the report form, the "blocked people" settings page and the
// admin's queue of reports.

func reportURL(kind string, id int64) templ.SafeURL {
	return templ.SafeURL("/home/report/" + kind + "/" + id64(id) + "/")
}

// ReportFormData is the report form of one item.
type ReportFormData struct {
	ItemType string // post | comment | message
	ItemID   int64
	Excerpt  string // what is reported, as the reporter sees it
	Author   string
	Back     string // where Cancel and the form's success go
	Reasons  []Option
	Reason   string
	Note     string
	Errors   map[string][]string
}

// BlockedData is /home/me/blocked/: whom the viewer blocks and their reports.
type BlockedData struct {
	People  []BlockedView
	Reports []MyReportView
}

// BlockedView is one blocked person.
type BlockedView struct {
	Person Person
	Since  string
}

// MyReportView is one of the viewer's reports and its outcome.
type MyReportView struct {
	What    string // "post", "comment", "message"
	Excerpt string
	Reason  string
	Status  string
	Created string
}

// AdminReportGroup is one reported item in the admin's queue.
type AdminReportGroup struct {
	ReportID int64 // the oldest open report: names the group in action URLs
	ItemType string
	Gone     bool
	Author   Person
	// The content in context: a post (with the reported comment marked), or the
	// reported message among its neighbours.
	PostURL      string
	PostText     string
	CommentID    int64
	CommentText  string
	Messages     []AdminContextMessage
	Conversation string
	Excerpt      string // as reported (all that is left when Gone)
	Reasons      []string
	Reports      []AdminReportLine
	Actions      []Option
}

// AdminContextMessage is a message shown around a reported one.
type AdminContextMessage struct {
	Sender   string
	Text     string
	Time     string
	Reported bool
}

// AdminReportLine is one reporter's report.
type AdminReportLine struct {
	Reporter string
	Reason   string
	Note     string
	Created  string
}
