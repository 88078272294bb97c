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
	Manage         bool // the viewer builds and grades it
}

// QuizForm is the quiz settings form.
type QuizForm struct {
	Action         string
	Title          string
	Description    string
	TimeLimit      string
	PassingPercent string
	MaxAttempts    string
	Randomized     bool
	Active         bool
	Errors         FormErrors
}

// QuizListData is /home/quizzes/ and /home/subjects/{code}/quizzes/.
type QuizListData struct {
	Heading    string
	SubjectURL string // "" on the all-quizzes page
	Quizzes    []QuizSummary
	CanCreate  bool
	Form       QuizForm
}

// AnswerView is an answer of a question in the builder.
type AnswerView struct {
	ID      int64
	Text    string
	Correct bool
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
	Answers     []AnswerView // with blank rows to add answers
	TrueCorrect bool
	ImageURL    string
	First, Last bool
	EditURL     string
	DeleteURL   string
	MoveURL     string
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
}

// ResultData is /home/attempts/{id}/results/.
type ResultData struct {
	Quiz     QuizSummary
	Taker    string
	Number   int
	Status   string
	Score    int
	MaxScore int
	Percent  int
	Passed   bool
	Pending  int
	Finished string
	Items    []ResultItem
	BackURL  string
}

// GradeItem is a short answer in the grading queue.
type GradeItem struct {
	AttemptID  int64
	QuestionID int64
	Student    string
	Question   string
	Answer     string
	Marks      int
	Finished   string
	ResultsURL string
}

// GradingData is /home/quizzes/{id}/grading/.
type GradingData struct {
	Quiz   QuizSummary
	Action string
	Items  []GradeItem
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
	ExportURL   string
	Rows        []AttemptStatRow
}

// AttemptStatRow is one attempt in the analytics table.
type AttemptStatRow struct {
	Student  string
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
