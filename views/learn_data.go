package views

// SubjectCard is a subject as a list or a page header shows it.
type SubjectCard struct {
	ID            int64
	Code          string
	Name          string
	Description   string
	Icon          string // one of the subject icons (learn_icons.templ)
	URL           string // the subject page
	Instructor    *Person
	StudentsCount int
	Enrolled      bool // the viewer is actively enrolled
	Active        bool // false: only its instructor and admins see it
	Teaching      bool // the viewer is its instructor
	CanManage     bool // the viewer may edit it (its instructor, admins)
}

// SubjectsData is /home/subjects/ (Tab "all") and /home/subjects/my/ (Tab "my").
type SubjectsData struct {
	Tab       string
	Subjects  []SubjectCard
	Total     int
	CanCreate bool // instructors and admins see "New subject"
	// Pagination: Page of Pages, with the neighbours' links ("" at the ends).
	Page, Pages      int
	PrevURL, NextURL string
}

// MaterialItem is one material of a subject.
type MaterialItem struct {
	ID          int64
	Kind        string // document | video | link | assignment
	KindLabel   string
	Title       string
	Description string
	URL         string // the material's page (records the view)
	// A file: its URL (downloads for documents, played in place for videos).
	FileURL     string
	FileName    string
	FileSize    string
	FileExt     string // lower case, no dot
	ContentType string
	// A link (or a linked video): OpenURL records the view and redirects to it.
	ExternalURL string
	OpenURL     string
	Due         string // ISO 8601 UTC, "" without a due date
	DueText     string // "Dec 1, 2026 17:00 UTC"
	Overdue     bool
	Hidden      bool // not shown to students
	Opened      bool // students: the viewer opened it before
	Viewers     int  // managers: how many people opened it
	First, Last bool // its place in the list, for the move buttons
	MoveURL     string
	EditURL     string
	DeleteURL   string
}

// SubjectPageData is /home/subjects/{code}/.
type SubjectPageData struct {
	Subject         SubjectCard
	CanSeeMaterials bool
	Materials       []MaterialItem
	// Form actions.
	EnrollURL, UnenrollURL string
	EditURL                string
	AddMaterialURL         string
	OrderURL               string // drag and drop posts the new order here
	// Coursework lists the quizzes and assignments with the viewer's status (students)
	// or the class's figures (managers); nil for others.
	Coursework *CourseworkData
	// Slots renders the page's shell: slot holes where its head (0), coursework (1,
	// when Coursework is set) and materials (2) go, each a kept fragment (app/frag).
	Slots bool
}

// SubjectFormData is the create and edit form of a subject.
type SubjectFormData struct {
	Editing     bool
	SubjectName string // the current name, for the heading of the edit page
	Action      string
	CancelURL   string
	DeleteURL   string // edit page only
	Name        string
	Code        string
	Description string
	Icon        string
	Active      bool
	// Admins choose who teaches (a user id, "" for nobody).
	CanChooseInstructor bool
	Instructor          string
	Teachers            []Option
	Icons               []Option
	Errors              FormErrors
}

// MaterialFormData is the add and edit form of a material.
type MaterialFormData struct {
	Editing     bool
	Subject     SubjectCard
	Action      string
	CancelURL   string
	DeleteURL   string
	Kind        string
	Title       string
	Description string
	ExternalURL string
	Due         string // as the datetime-local control wants it: 2026-12-01T17:00
	Active      bool
	MaxMarks    string        // assignments: the maximum mark, as typed
	LatePolicy  string        // assignments: accept | refuse
	CurrentFile *MaterialItem // the stored file, when editing one that has it
	Kinds       []Option
	Errors      FormErrors
}

// MaterialPageData is /home/materials/{id}/.
type MaterialPageData struct {
	Subject   SubjectCard
	Material  MaterialItem
	CanManage bool
	// HandIn is an assignment's hand-in part (nil for other kinds).
	HandIn *HandInPanelData
}

// FileExtLabel is the file's type for a button: "PDF", "DOCX".
func (m MaterialItem) FileExtLabel() string { return docLabel(m.FileExt) }

func learnEmptyText(canCreate bool) string {
	if canCreate {
		return "Create the first subject with “New subject”: students can then enroll and open its materials."
	}
	return "When instructors publish subjects, you can enroll in them here."
}

// learnStudents is the word after a student count.
func learnStudents(n int) string {
	if n == 1 {
		return "student"
	}
	return "students"
}

// learnPeople is "nobody yet", "1 person", "3 people".
func learnPeople(n int) string {
	switch n {
	case 0:
		return "nobody yet"
	case 1:
		return "1 person"
	}
	return itoa(n) + " people"
}

func learnLinkLabel(kind string) string {
	switch kind {
	case "video":
		return "the video"
	case "assignment":
		return "the assignment link"
	}
	return "the link"
}

// learnAccept is the material file picker's filter: extensions and MIME types.
const learnAccept = ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.md,.markdown,.txt,.csv,.tex,.zip," +
	".mp4,.m4v,.webm,.ogg,.ogv,.mov,application/pdf,text/plain,text/markdown,text/csv,application/zip," +
	"video/mp4,video/webm,video/ogg,video/quicktime"

func learnFileLabel(replacing bool) string {
	if replacing {
		return "Replace the file"
	}
	return "File"
}
