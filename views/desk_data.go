package views

import (
	"net/url"
	"strings"
)

// ContactData is /home/contact/: the contact form, the FAQ and the booking form.
type ContactData struct {
	ContactFields []Field
	ContactErrors []string
	BookFields    []Field
	BookErrors    []string
	NoInstructors bool
	FAQs          []FAQView
	Categories    []string
	Category      string // the selected category filter ("" for all)
}

// FAQView is one FAQ entry.
type FAQView struct {
	ID                         int64
	Question, Answer, Category string
	Position                   int
	Active                     bool
}

// AppointmentView is one appointment row.
type AppointmentView struct {
	ID                        int64
	Requester, Instructor     string
	Name, Email, Phone        string
	Date, Time, Type, Message string // Date and Time in the viewer's zone ("15:04 CET")
	ISO                       string // the instant, UTC ("" if the row's date is unreadable)
	Status                    string
	Mine                      bool // the viewer requested it (else the viewer is the instructor)
	Actions                   []string
}

// AppointmentsData is /home/appointments/.
type AppointmentsData struct {
	Items []AppointmentView
}

// AIData is /ai/.
type AIData struct {
	Kind    string
	History []AIFeedbackView
}

// AIFeedbackView is one stored piece of feedback.
type AIFeedbackView struct {
	ID           int64
	Kind         string
	SubmissionID string
	Created      string
	Lines        []string
}

// AdminUserRow is one user in the admin list.
type AdminUserRow struct {
	ID                    int64
	Username, Name, Email string
	Role                  string
	Active                bool
	Joined, LastLogin     string
	Self                  bool
	// DeleteAt is when the account's scheduled deletion happens, "" when none.
	DeleteAt string
}

// AdminModRow is a post or comment in the moderation list.
type AdminModRow struct {
	ID, PostID      int64
	Author, Content string // Author: the display name
	Username        string
	Created         string
}

// AdminSubjectRow is a subject in the admin list.
type AdminSubjectRow struct {
	ID                     int64
	Name, Code, Instructor string
	Active                 bool
	Students               int
}

// AdminContactRow is a contact message.
type AdminContactRow struct {
	ID                            int64
	Name, Email, Subject, Message string
	Created, Handled              string
}

// AdminSystem is the system page's figures.
type AdminSystem struct {
	DatabaseSize, MediaSize string
	CacheHits, CacheMisses  uint64
	CacheHitRate            string
	Sockets                 int
	LimitAllowed            uint64
	LimitRejected           uint64
	Users, Posts            int
	OpenContacts            int
	Backups                 AdminBackups
	// Caches has a row per cache: data (memory or Redis), fragments, pages.
	Caches []AdminCache
}

// AdminCache is one cache's row on the system page; Bytes and Evictions are "" for
// the data cache (Redis keeps its own figures).
type AdminCache struct {
	Name, Purpose           string
	Hits, Misses            uint64
	HitRate, Bytes, Evicted string
}

// AdminBackups is the scheduled backups' part of the system page.
type AdminBackups struct {
	Schedule string // "every 24h0m0s to /srv/backups, keeping 7"; "" when off
	Next     string
	Last     *AdminBackupRun
	Failure  *AdminBackupRun // the last failure, shown while it is newer than Last
}

// AdminBackupRun is one scheduled backup.
type AdminBackupRun struct {
	When, File, Size, Took, Error string
}

// deskParagraphs splits a plain-text answer into paragraphs.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func urlQuery(s string) string { return url.QueryEscape(s) }

func actionLabel(a string) string {
	switch a {
	case "approve":
		return "Approve"
	case "reject":
		return "Reject"
	case "complete":
		return "Mark completed"
	case "cancel":
		return "Cancel"
	}
	return a
}

func actionClass(a string) string {
	switch a {
	case "approve", "complete":
		return "btn--primary"
	case "reject", "cancel":
		return "btn--danger"
	}
	return "btn--secondary"
}
