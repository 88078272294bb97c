package views

// HandInCounts are an assignment's hand-ins among its enrolled students.
type HandInCounts struct {
	Students, Submitted, Late, Graded, ToGrade, Missing, Waiting int
}

// HandInItem is one hand-in as the pages show it.
type HandInItem struct {
	ID          int64
	URL         string // its page
	Text        string
	FileURL     string // "" without a file
	FileName    string
	FileSize    string
	FileExt     string
	Late        bool
	Versions    int
	SubmittedAt string // ISO 8601
	Submitted   string // "Nov 25, 2026 12:00 UTC"
	Status      string // coursework status
	StatusLabel string
	Graded      bool
	Marks       int
	MaxMarks    int
	Feedback    string
	GradedText  string // when it was graded
}

// HandInPanelData is the hand-in part of an assignment's page (/home/materials/{id}/),
// also sent alone as a fragment when a live grade arrives.
type HandInPanelData struct {
	MaterialID  int64
	FragmentURL string
	MaxMarks    int
	LateRule    string // what happens after the due date, for people
	// A student: their hand-in (nil: none), its status and whether they may hand in.
	Student     bool
	Status      string
	StatusLabel string
	HandIn      *HandInItem
	CanSubmit   bool
	SubmitLate  bool   // a hand-in now is marked late
	Refusal     string // why they may not, when !CanSubmit
	Action      string
	Text        string // the form's text: as sent, else the current hand-in's
	Errors      FormErrors
	// The subject's managers: the class's counts and where to grade.
	Manage       bool
	Counts       HandInCounts
	HandInsURL   string
	ZipURL       string
	GradebookURL string
}

// HandInRow is one student of an assignment's roster.
type HandInRow struct {
	Student     Person
	Status      string
	StatusLabel string
	HandIn      *HandInItem
	Enrolled    bool
}

// HandInsPageData is /home/materials/{id}/submissions/.
type HandInsPageData struct {
	Subject      SubjectCard
	Material     MaterialItem
	MaxMarks     int
	LateRule     string
	Counts       HandInCounts
	Rows         []HandInRow
	ZipURL       string
	GradebookURL string
}

// GradeHistoryItem is one grade a hand-in was given.
type GradeHistoryItem struct {
	Marks, MaxMarks int
	Feedback        string
	By              string
	At, AtText      string
}

// SubmissionPageData is /home/submissions/{id}/.
type SubmissionPageData struct {
	Subject  SubjectCard
	Material MaterialItem
	Student  Person
	HandIn   HandInItem
	Manage   bool
	BackURL  string
	BackText string
	// The grade form (managers): marks start empty and are required.
	GradeAction string
	Marks       string
	Feedback    string
	Errors      FormErrors
	History     []GradeHistoryItem
}

// GradeColumn is a quiz or an assignment of a gradebook.
type GradeColumn struct {
	Kind      string // quiz | assignment
	KindLabel string
	Title     string
	URL       string
	Max       int
	Due       string // ISO 8601, "" without
	DueText   string
	Note      string // "best attempt", "last attempt", "late refused"…
	// The class's figures (subject gradebook).
	Done, ToGrade, Missing int
	Average                string // "71.4", "" when nothing counted
}

// GradeCell is one student's result in one column.
type GradeCell struct {
	Status  string
	Label   string
	Score   int
	Max     int
	Counted bool
	Shown   bool // a score to show (counted, or a pending quiz's score so far)
	Late    bool
	URL     string // the attempt's results or the hand-in, "" when none
}

// GradeRow is one student of a gradebook.
type GradeRow struct {
	Student                      Person
	Cells                        []GradeCell
	Earned, CountedMax, Possible int
	Current, Overall             string // "71.4", "" when nothing counts yet
}

// GradebookPageData is /home/subjects/{code}/gradebook/.
type GradebookPageData struct {
	Subject   SubjectCard
	Columns   []GradeColumn
	Rows      []GradeRow
	CSVURL    string
	Histogram Chart
	Average   string
}

// SubjectGradesItem is one subject of a student's grades.
type SubjectGradesItem struct {
	Subject SubjectCard
	Columns []GradeColumn
	Row     GradeRow
}

// GradesPageData is /home/grades/.
type GradesPageData struct {
	Subjects []SubjectGradesItem
}

// CourseworkItem is a quiz or an assignment on its subject's page.
type CourseworkItem struct {
	Kind      string // quiz | assignment
	KindLabel string
	Title     string
	URL       string
	Due       string
	DueText   string
	Overdue   bool
	Max       int
	// A student's status and the button that fits it.
	Status      string
	StatusLabel string
	Score       string // "8 / 10" when graded (or so far)
	Action      string
	ActionURL   string
	// Managers: how many handed in or finished, wait for a grade, are missing.
	Done, ToGrade, Missing int
	ManageURL              string
	ManageLabel            string
}

// CourseworkData is the "Quizzes and assignments" part of a subject's page.
type CourseworkData struct {
	Manage, Student bool
	Items           []CourseworkItem
	GradebookURL    string
	Current         string // a student's current grade in the subject
}

// gradeByOptions are the choices of a quiz's gradebook rule.
var gradeByOptions = []Option{{Value: "best", Label: "The best attempt"}, {Value: "last", Label: "The last attempt"}}

// gradeByValue is the rule a quiz form shows ("best" when unset).
func gradeByValue(v string) string {
	if v == "" {
		return "best"
	}
	return v
}

// lateOptions are the choices of an assignment's late policy.
var lateOptions = []Option{{Value: "accept", Label: "Accept late hand-ins, marked late"}, {Value: "refuse", Label: "Refuse hand-ins after the due date"}}

// statusBadge is the badge modifier of a coursework status.
func statusBadge(status string) string {
	switch status {
	case "graded":
		return "badge--success"
	case "missing", "late":
		return "badge--danger"
	case "submitted", "pending":
		return "badge--info"
	case "in_progress":
		return "badge--accent"
	}
	return ""
}

// handInCountText is "12 of 30 handed in".
func handInCountText(c HandInCounts) string {
	return itoa(c.Submitted) + " of " + itoa(c.Students) + " handed in"
}

// handInFileLabel is the file field's label: replacing one, or adding one.
func handInFileLabel(h *HandInItem) string {
	if h != nil && h.FileURL != "" {
		return "Replace the file"
	}
	return "File"
}

// handInAccept is the hand-in file picker's filter: documents only.
const handInAccept = ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.md,.markdown,.txt,.csv,.tex,.zip," +
	"application/pdf,text/plain,text/markdown,text/csv,application/zip"

// percentText is "71.4 %", or a dash when nothing counts yet.
func percentText(s string) string {
	if s == "" {
		return "—"
	}
	return s + " %"
}
