package coursework

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"eplatform/app/learn"
	"eplatform/app/problem"
	"eplatform/app/quiz"
	"eplatform/app/store"
)

// Column kinds.
const (
	QuizColumn       = "quiz"
	AssignmentColumn = "assignment"
)

// Column is a quiz or an assignment of a subject's gradebook.
type Column struct {
	Kind  string // QuizColumn | AssignmentColumn
	ID    int64  // the quiz's or the material's id
	Title string
	// MaxMarks is what the column is out of now: a quiz's total marks (an attempt
	// keeps the maximum it started with, which its cell shows), an assignment's
	// maximum mark.
	MaxMarks int
	Due      time.Time // assignments; zero without a due date
	// Quizzes: which attempt counts (quiz.GradeBest or quiz.GradeLast) and how many
	// attempts a student has (0: no limit).
	GradeBy     string
	MaxAttempts int
	LatePolicy  string // assignments
	CreatedAt   time.Time
	// The class's figures (a subject's gradebook only): how many students handed in or
	// finished an attempt, how many of those wait for a grade, how many are missing
	// (assignments past due), and the average of the counted cells.
	Done, ToGrade, Missing int
	Average                Percent
}

// URL is the column's page: the quiz, or the assignment.
func (c Column) URL() string {
	if c.Kind == QuizColumn {
		return quiz.QuizURL(c.ID)
	}
	return learn.MaterialURL(c.ID)
}

// Cell is one student's result in one column.
type Cell struct {
	Status string
	// Score is the marks earned: a graded cell's grade, a pending quiz's score so far,
	// 0 for a missing hand-in.
	Score int
	Max   int // the counted attempt's maximum, else the column's
	// Counted: the cell is part of the current grade (graded, or missing past due).
	Counted bool
	Late    bool
	// Quizzes: the counted attempt, an open one, and the attempts used so far.
	AttemptID, OpenAttemptID int64
	Attempts                 int
	// Assignments: the hand-in (0: none).
	SubmissionID int64
}

// Percent is a share rounded half up to a tenth of a percent; Valid is false when
// there is nothing to divide by.
type Percent struct {
	Tenths int // 833 is 83.3 %
	Valid  bool
}

// PercentOf is n out of d.
func PercentOf(n, d int) Percent {
	if d <= 0 {
		return Percent{}
	}
	return Percent{Tenths: (2000*n + d) / (2 * d), Valid: true}
}

// String is "83.3" ("" when not Valid).
func (p Percent) String() string {
	if !p.Valid {
		return ""
	}
	return strconv.Itoa(p.Tenths/10) + "." + strconv.Itoa(p.Tenths%10)
}

// Float is the percentage as a number with one decimal (for JSON).
func (p Percent) Float() float64 { return float64(p.Tenths) / 10 }

// Row is one student's line: a cell per column and the totals (see the package doc).
type Row struct {
	Student store.UserMini
	Cells   []Cell
	// Earned is the marks of the counted cells; CountedMax their maximum; Possible the
	// maximum of every column.
	Earned, CountedMax, Possible int
	Current, Overall             Percent
}

// Gradebook is a subject's students × quizzes and assignments.
type Gradebook struct {
	Subject store.Subject
	Columns []Column
	Rows    []Row
	// Histogram counts the students by current grade: 0–9.9 %, 10–19.9 %, …, 90–100 %
	// (students with nothing counted yet are left out).
	Histogram [10]int
	Average   Percent // of the students' current grades
}

// Gradebook returns a subject's gradebook for its managers: ErrNotFound when the viewer
// may not see the subject, problem.ErrForbidden when they may see but not manage it.
func (s *Service) Gradebook(ctx context.Context, viewer store.User, subjectID int64) (Gradebook, error) {
	subj, err := s.DB.SubjectByID(ctx, subjectID)
	if err != nil {
		return Gradebook{}, err
	}
	return s.gradebook(ctx, viewer, subj)
}

// GradebookByCode is Gradebook for a subject code.
func (s *Service) GradebookByCode(ctx context.Context, viewer store.User, code string) (Gradebook, error) {
	subj, err := s.DB.SubjectByCode(ctx, code)
	if err != nil {
		return Gradebook{}, err
	}
	return s.gradebook(ctx, viewer, subj)
}

func (s *Service) gradebook(ctx context.Context, viewer store.User, subj store.Subject) (Gradebook, error) {
	if !learn.CanSee(viewer, subj) {
		return Gradebook{}, ErrNotFound
	}
	if !learn.CanManage(viewer, subj) {
		return Gradebook{}, problem.ErrForbidden
	}
	students, err := s.DB.Roster(ctx, subj.ID)
	if err != nil {
		return Gradebook{}, err
	}
	return s.build(ctx, subj, students, 0)
}

// SubjectGrades is one subject of a student's grades.
type SubjectGrades struct {
	Subject store.Subject
	Columns []Column
	Row     Row
}

// MyGrades returns the viewer's grades in every active subject they are actively
// enrolled in, by subject name.
func (s *Service) MyGrades(ctx context.Context, viewer store.User) ([]SubjectGrades, error) {
	subjects, err := s.DB.EnrolledSubjects(ctx, viewer.ID)
	if err != nil {
		return nil, err
	}
	out := []SubjectGrades{}
	for _, subj := range subjects {
		if learn.CanManage(viewer, subj) {
			continue // an admin enrolled somewhere: they grade it, nobody grades them
		}
		g, err := s.build(ctx, subj, []store.UserMini{mini(viewer)}, viewer.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, SubjectGrades{Subject: subj, Columns: g.Columns, Row: g.Rows[0]})
	}
	return out, nil
}

// Overview is a subject's quizzes and assignments on its page: for its managers with
// the class's figures, for its students with their own status, for others nothing.
type Overview struct {
	Manage, Student bool
	Columns         []Column
	Row             *Row // students: theirs
}

// Overview returns the coursework part of a subject's page for the viewer.
func (s *Service) Overview(ctx context.Context, viewer store.User, subj store.Subject) (Overview, error) {
	manage, student, err := subjectFor(ctx, s.DB.Queries, viewer, subj)
	if err != nil {
		return Overview{}, err
	}
	o := Overview{Manage: manage, Student: student}
	switch {
	case manage:
		students, err := s.DB.Roster(ctx, subj.ID)
		if err != nil {
			return Overview{}, err
		}
		g, err := s.build(ctx, subj, students, 0)
		if err != nil {
			return Overview{}, err
		}
		o.Columns = g.Columns
	case student:
		g, err := s.build(ctx, subj, []store.UserMini{mini(viewer)}, viewer.ID)
		if err != nil {
			return Overview{}, err
		}
		o.Columns, o.Row = g.Columns, &g.Rows[0]
	}
	return o, nil
}

func mini(u store.User) store.UserMini {
	return store.UserMini{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName,
		UserType: u.UserType, ProfilePicture: u.ProfilePicture}
}

// build computes the gradebook of students in subj (only: the one student whose
// attempts and hand-ins to read, 0 for all): four queries whatever the class size.
func (s *Service) build(ctx context.Context, subj store.Subject, students []store.UserMini, only int64) (Gradebook, error) {
	quizzes, err := s.DB.QuizzesOfSubject(ctx, subj.ID)
	if err != nil {
		return Gradebook{}, err
	}
	materials, err := s.DB.MaterialsOfSubject(ctx, subj.ID, false)
	if err != nil {
		return Gradebook{}, err
	}
	return s.grade(ctx, subj, columns(quizzes, materials), students, only)
}

// grade is build with the columns known (the subject page keeps them): two queries, none
// when there are no columns. cols is not modified.
func (s *Service) grade(ctx context.Context, subj store.Subject, cols []Column, students []store.UserMini, only int64) (Gradebook, error) {
	var attempts []store.Attempt
	var marks []store.Mark
	if len(cols) > 0 {
		var err error
		if attempts, err = s.DB.AttemptsOfSubject(ctx, subj.ID, only); err != nil {
			return Gradebook{}, err
		}
		if marks, err = s.DB.MarksOfSubject(ctx, subj.ID, only); err != nil {
			return Gradebook{}, err
		}
	}
	g := Gradebook{Subject: subj, Columns: slices.Clone(cols), Rows: make([]Row, 0, len(students))}
	type key struct{ item, user int64 }
	tries := map[key][]store.Attempt{}
	for _, a := range attempts {
		k := key{a.QuizID, a.UserID}
		tries[k] = append(tries[k], a)
	}
	handIns := map[key]store.Mark{}
	for _, m := range marks {
		handIns[key{m.MaterialID, m.StudentID}] = m
	}
	now := s.Now()
	for _, u := range students {
		row := Row{Student: u, Cells: make([]Cell, len(g.Columns))}
		for i, c := range g.Columns {
			if c.Kind == QuizColumn {
				row.Cells[i] = quizCell(c, tries[key{c.ID, u.ID}])
			} else {
				m, ok := handIns[key{c.ID, u.ID}]
				row.Cells[i] = assignmentCell(c, m, ok, now)
			}
		}
		row.total()
		g.Rows = append(g.Rows, row)
	}
	g.classFigures()
	return g, nil
}

// columns are the active quizzes and the visible assignments, oldest first.
func columns(quizzes []store.Quiz, materials []store.Material) []Column {
	var out []Column
	for _, q := range quizzes {
		if q.IsActive {
			out = append(out, Column{Kind: QuizColumn, ID: q.ID, Title: q.Title, MaxMarks: q.TotalMarks,
				GradeBy: q.GradeBy, MaxAttempts: q.MaxAttempts, CreatedAt: q.CreatedAt})
		}
	}
	for _, m := range materials {
		if m.Kind == learn.Assignment && m.IsActive {
			out = append(out, Column{Kind: AssignmentColumn, ID: m.ID, Title: m.Title, MaxMarks: m.MaxMarks,
				Due: m.DueAt, LatePolicy: m.LatePolicy, CreatedAt: m.CreatedAt})
		}
	}
	slices.SortStableFunc(out, func(a, b Column) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// quizCell is a student's result at a quiz from their attempts (in number order).
func quizCell(c Column, attempts []store.Attempt) Cell {
	cell := Cell{Status: NotStarted, Max: c.MaxMarks}
	var chosen *store.Attempt
	for i := range attempts {
		a := &attempts[i]
		cell.Attempts = max(cell.Attempts, a.Number)
		if a.Status == store.InProgress {
			cell.OpenAttemptID = a.ID
			continue
		}
		if chosen == nil || c.GradeBy == quiz.GradeLast || better(*a, *chosen) {
			chosen = a // later attempts come later: "last" keeps the last, ties go to it too
		}
	}
	switch {
	case chosen != nil:
		cell.AttemptID, cell.Score, cell.Max = chosen.ID, chosen.Score, chosen.MaxScore
		cell.Status, cell.Counted = Graded, true
		if chosen.PendingCount > 0 {
			cell.Status, cell.Counted = Pending, false
		}
	case cell.OpenAttemptID != 0:
		cell.Status = InProgress
	}
	return cell
}

// better reports whether attempt a scored at least as high a share of its maximum as
// b (a tie goes to a, the later one).
func better(a, b store.Attempt) bool {
	switch {
	case b.MaxScore == 0: // b's share is 0: a is at least as good
		return true
	case a.MaxScore == 0: // a's share is 0
		return b.Score == 0
	}
	return a.Score*b.MaxScore >= b.Score*a.MaxScore // a.Score/a.Max >= b.Score/b.Max
}

// assignmentCell is a student's result at an assignment from their hand-in (ok false:
// none) at now.
func assignmentCell(c Column, m store.Mark, ok bool, now time.Time) Cell {
	cell := Cell{Max: c.MaxMarks}
	switch {
	case !ok && !c.Due.IsZero() && now.After(c.Due):
		cell.Status, cell.Counted = Missing, true
	case !ok:
		cell.Status = NotSubmitted
	case m.Marks != nil:
		cell.Status, cell.Counted, cell.Score = Graded, true, *m.Marks
	case m.IsLate:
		cell.Status = Late
	default:
		cell.Status = Submitted
	}
	if ok {
		cell.SubmissionID, cell.Late = m.SubmissionID, m.IsLate
	}
	return cell
}

// total adds a row's cells up.
func (r *Row) total() {
	for _, c := range r.Cells {
		r.Possible += c.Max
		if c.Counted {
			r.Earned += c.Score
			r.CountedMax += c.Max
		}
	}
	r.Current, r.Overall = PercentOf(r.Earned, r.CountedMax), PercentOf(r.Earned, r.Possible)
}

// classFigures fills the columns' figures, the histogram and the class average.
func (g *Gradebook) classFigures() {
	for i := range g.Columns {
		c := &g.Columns[i]
		var earned, of int
		for _, r := range g.Rows {
			cell := r.Cells[i]
			switch cell.Status {
			case Missing:
				c.Missing++
			case Pending, Submitted, Late:
				c.Done++
				c.ToGrade++
			case Graded:
				c.Done++
			}
			if cell.Counted {
				earned += cell.Score
				of += cell.Max
			}
		}
		c.Average = PercentOf(earned, of)
	}
	sum, n := 0, 0
	for _, r := range g.Rows {
		if !r.Current.Valid {
			continue
		}
		g.Histogram[min(r.Current.Tenths/100, 9)]++
		sum += r.Current.Tenths
		n++
	}
	if n > 0 {
		// The mean of the rounded percentages, rounded again half up.
		g.Average = Percent{Tenths: (2*sum + n) / (2 * n), Valid: true}
	}
}

// ---- export ------------------------------------------------------------------------

// Records is the gradebook as CSV records: a header, then a row per student with each
// column's score (blank when nothing counts yet, "missing" for a missing hand-in) and
// the totals. Cells are as people typed them: the writer must make them safe for
// spreadsheets (names and titles may start with "=").
func (g Gradebook) Records() [][]string {
	head := []string{"username", "first_name", "last_name"}
	for _, c := range g.Columns {
		head = append(head, c.Title+" (/"+strconv.Itoa(c.MaxMarks)+")")
	}
	head = append(head, "earned", "counted_max", "possible", "current_percent", "overall_percent")
	out := [][]string{head}
	for _, r := range g.Rows {
		rec := []string{r.Student.Username, r.Student.FirstName, r.Student.LastName}
		for _, c := range r.Cells {
			rec = append(rec, cellText(c))
		}
		rec = append(rec, strconv.Itoa(r.Earned), strconv.Itoa(r.CountedMax), strconv.Itoa(r.Possible),
			r.Current.String(), r.Overall.String())
		out = append(out, rec)
	}
	return out
}

// cellText is a cell in the export: its score when counted, "missing", or blank.
func cellText(c Cell) string {
	switch {
	case c.Status == Missing:
		return "missing"
	case c.Counted:
		return strconv.Itoa(c.Score)
	}
	return ""
}
