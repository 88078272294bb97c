package views

// ImportRow is one line of a class list on the admin import page.
type ImportRow struct {
	Line                                   int
	Username, Email, Name, Role, Birthdate string
	Subjects                               string
	Errors                                 []string // "column: message"
	Created                                bool
}

// ImportData is /admin/import/: the upload form, the dry-run preview, or the outcome.
type ImportData struct {
	Stage      string   // "upload", "preview" or "done"
	Errors     []string // the file's own problems (encoding, header, size)
	Rows       []ImportRow
	Bad        int
	CSV        string // the checked list, sent back by the confirm button
	Mailed     bool   // links went out over SMTP (else they wait in the outbox)
	MailErrors []string
}

// EnrollLine is one line of an enrollment list's outcome.
type EnrollLine struct {
	Entry, Username, Outcome string
}

// EnrollListData is a subject's enroll-a-list page.
type EnrollListData struct {
	SubjectName, SubjectURL, Action string
	Text                            string
	Errors                          []string
	Done                            bool
	Lines                           []EnrollLine
	Enrolled, StudentsCount         int
}
