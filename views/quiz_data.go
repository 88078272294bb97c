package views

// QuizSummary is a quiz as lists and page headers show it.
type QuizSummary struct {
	ID             int64
	Title          string
	Description    string
	URL            string
	SubjectName    string
	SubjectURL     string
	TimeLimit      int
	PassingPercent int
	MaxAttempts    int // 0 = unlimited
	TotalMarks     int
	QuestionCount  int
	Active         bool
	Randomized     bool
	Manage         bool   // the viewer builds and grades it
	Due            string // "" without a due date
	Closed         bool   // the due date has passed
}

// QuizForm is the quiz settings form.
type QuizForm struct {
	Action         string
	Title          string
	Description    string
	TimeLimit      string
	PassingPercent string
	MaxAttempts    string
	Due            string // datetime-local value, UTC
	Randomized     bool
	Active         bool
	GradeBy        string // best | last: the attempt the gradebook counts
	Errors         FormErrors
	// The new-quiz page: the subjects the viewer may add a quiz to.
	Subjects []Option
	Subject  string
}

// QuizCard is a quiz in a list, with what the viewer can do: a taker's status, best
// score and next step (Start, Continue, Retake, Results); a manager's attempts and
// grading queue.
type QuizCard struct {
	QuizSummary
	Status     string // taker: "Passed", "In progress", …
	Tone       string // success | danger | warning | info | muted
	Best       string // "80 % (8 / 10)", "" before a finished attempt
	Used       int    // attempts started
	Action     string // the button's label ("" without one)
	ActionURL  string
	ActionPost bool // Start and Retake post to the quiz's start address
	// Managers.
	Finished, Running, Pending int
	GradingURL                 string
}

// QuizListData is /home/quizzes/ and /home/subjects/{code}/quizzes/.
type QuizListData struct {
	Heading    string
	Lead       string
	SubjectURL string // "" on the all-quizzes page
	Quizzes    []QuizCard
	CanCreate  bool   // the subject page: the new-quiz form below the list
	NewURL     string // the all-quizzes page: the "New quiz" button ("" for students)
	Form       QuizForm
}

// Tab is one tab of a tab bar.
type Tab struct {
	Label, URL string
	Current    bool
	Count      int // shown when > 0
}

// MyQuizzesData is /home/quizzes/my/: the quizzes taken or created.
type MyQuizzesData struct {
	Tab     string // taken | created
	Tabs    []Tab
	Filters []Tab // taken: by status
	Quizzes []QuizCard
	NewURL  string
	Empty   string
}

// NewQuizData is /home/quizzes/new/.
type NewQuizData struct {
	Form QuizForm
}

// AnswerView is an answer row of the question editor.
type AnswerView struct {
	ID      int64
	Text    string
	Correct bool
	Focus   bool // the row just added by "add another answer": focused on load
}

// QuestionView is a question in the builder, with its inline edit form.
type QuestionView struct {
	ID          int64
	Number      int
	Kind        string
	KindLabel   string
	Text        string
	Marks       int
	Explanation string
	Answers     []AnswerView // with an empty row to add an answer
	TrueCorrect bool
	AutoAccept  bool
	ImageURL    string
	First, Last bool
	EditURL     string
	DeleteURL   string
	MoveURL     string
	GradeURL    string // short answers: grading this question across attempts
	Open        bool   // the form was sent back (errors, preview, a row added): shown open
	Preview     bool   // show the formatted preview of what was typed
	Errors      FormErrors
}

// AttemptRow is one attempt in a student's list.
type AttemptRow struct {
	Number     int
	Status     string
	Score      string // "5 / 6"
	Percent    int
	Passed     bool
	Pending    bool
	InProgress bool
	URL        string
	Started    string
}

// QuizPageData is /home/quizzes/{id}/.
type QuizPageData struct {
	Quiz QuizSummary
	// Managers.
	Form           QuizForm
	Questions      []QuestionView
	NewQuestion    QuestionView
	NewQuestionURL string
	OrderURL       string
	DeleteURL      string
	GradingURL     string
	AnalyticsURL   string
	ExportURL      string
	Pending        int
	Locked         string // why questions cannot be added, removed or re-marked now ("" when they can)
	// Students.
	Card         QuizCard // status, best score and the next step
	Attempts     []AttemptRow
	StartURL     string
	Resume       bool
	AttemptsLeft int // -1: unlimited
	CanStart     bool
}

// TakeOption is a choice of a question being answered.
type TakeOption struct {
	ID      int64
	Text    string
	Checked bool
}

// TakeQuestion is a question being answered.
type TakeQuestion struct {
	ID       int64
	Number   int
	Kind     string
	Text     string
	Marks    int
	ImageURL string
	Options  []TakeOption
	Answer   string // a short answer saved before
	Answered bool
}

// TakeData is /home/attempts/{id}/.
type TakeData struct {
	Quiz       QuizSummary
	AttemptID  int64
	Number     int
	SaveURL    string // the no-JS form (save or submit)
	AnswersAPI string // quiz.js's autosave: POST /api/attempts/{id}/answers/
	SubmitAPI  string // and its submit: POST /api/attempts/{id}/submit/
	ResultsURL string
	Deadline   string // RFC 3339
	DeadlineMS int64
	NowMS      int64
	Remaining  string // "9:59" at render time
	Questions  []TakeQuestion
	Answered   int
}

// ResultItem is one question of the results.
type ResultItem struct {
	Number      int
	Kind        string
	Text        string
	Marks       int
	Awarded     int
	Your        string
	YourIsText  bool // a short answer (shown as typed), not an option (formatted)
	Unanswered  bool
	Correct     []string
	Right       bool
	Pending     bool
	Explanation string
	Feedback    string
	ImageURL    string
	// Graders: the inline grading form of a short answer.
	GradeURL   string
	AttemptID  int64
	QuestionID int64
	Graded     bool // graded before: the form is a regrade
}

// ResultData is /home/attempts/{id}/results/.
type ResultData struct {
	Quiz       QuizSummary
	Taker      string
	TakerUser  string // the taker's username, shown as @username beside the name
	Number     int
	Status     string
	Score      int
	MaxScore   int
	Percent    int
	Passed     bool
	Pending    int
	Finished   string
	Duration   string
	Items      []ResultItem
	BackURL    string // the quiz
	RetakeURL  string // the taker, attempts left: start another ("" otherwise)
	AttemptsUp string // "2 of 3 attempts used"
}

// GradeItem is a short answer to grade.
type GradeItem struct {
	AttemptID  int64
	QuestionID int64
	Student    string // full name
	Username   string
	Question   string
	Models     []string // the question's model answers
	Answer     string
	Marks      int
	Awarded    string // "2" when graded already, "" while waiting
	Auto       bool   // accepted by the rules, not a person
	Feedback   string
	Finished   string
	ResultsURL string
}

// GradeQuestionTab is a short-answer question of the queue's per-question tabs.
type GradeQuestionTab struct {
	Number  int
	Text    string
	Pending int
	URL     string
}

// GradingData is /home/quizzes/{id}/grading/.
type GradingData struct {
	Quiz      QuizSummary
	Action    string
	Items     []GradeItem
	Questions []GradeQuestionTab
}

// QuestionGradingData is /home/questions/{id}/grading/: one question across attempts.
type QuestionGradingData struct {
	Quiz       QuizSummary
	Number     int
	Question   string
	Models     []string
	Marks      int
	AutoAccept bool
	Action     string
	QueueURL   string
	Items      []GradeItem
	Pending    int
	Errors     FormErrors
	// Values typed before a refusal, by attempt id.
	Typed map[int64][2]string
}

// Bar is one bar of a server-rendered SVG chart; the geometry is computed in Go.
type Bar struct {
	Label      string
	Value      string
	X, Y, W, H int
	LabelX     int
	Title      string
}

// Chart is an SVG bar chart.
type Chart struct {
	Title         string
	Width, Height int
	Bars          []Bar
	Baseline      int
	Empty         bool
}

// QuestionStatRow is one question in the analytics table.
type QuestionStatRow struct {
	Number  int
	Kind    string
	Text    string
	Marks   int
	Percent int
}

// AnalyticsData is /home/quizzes/{id}/analytics/.
type AnalyticsData struct {
	Quiz        QuizSummary
	Count       int
	Average     string
	Median      string
	PassRate    int
	AverageTime string
	Histogram   Chart
	PerQuestion Chart
	Questions   []QuestionStatRow
	ExportURL   string
	Rows        []AttemptStatRow
}

// AttemptStatRow is one attempt in the analytics table.
type AttemptStatRow struct {
	Student  string
	Username string
	Number   int
	Status   string
	Score    string
	Percent  int
	Passed   bool
	Pending  bool
	Duration string
	URL      string
}

// quizCount is "1 mark", "2 marks".
func quizCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return itoa(n) + " " + noun + "s"
}
