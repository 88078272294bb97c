package quiz

import (
	"context"
	"slices"
	"time"

	"eplatform/app/auth"
	"eplatform/app/learn"
	"eplatform/app/store"
)

// Where a taker stands with a quiz (Progress.State).
const (
	NotStarted = "not_started"
	Running    = "in_progress"
	Pending    = "pending" // the best attempt waits for a grade
	PassedIt   = "passed"
	FailedIt   = "not_passed"
	Closed     = "closed" // due date passed, never attempted
)

// What the taker can do next (Progress.Action).
const (
	ActStart    = "start"
	ActContinue = "continue"
	ActRetake   = "retake"
	ActResults  = "results"
)

// Progress is where a taker stands with one quiz: their running attempt, their best
// and latest finished ones, the attempts used and left, and what they can do next.
type Progress struct {
	State  string
	Action string // "" when there is nothing to do (no questions yet, closed, …)
	Open   *store.Attempt
	Best   *store.Attempt
	Last   *store.Attempt
	Used   int // attempts started
	Left   int // -1: unlimited
}

// StateLabel names a Progress state for people.
func StateLabel(state string) string {
	switch state {
	case NotStarted:
		return "Not started"
	case Running:
		return "In progress"
	case Pending:
		return "Waiting for grading"
	case PassedIt:
		return "Passed"
	case FailedIt:
		return "Not passed"
	case Closed:
		return "Closed"
	}
	return state
}

// better reports whether attempt a scored a higher share of its maximum than b (the
// later one wins a tie).
func better(a, b store.Attempt) bool {
	l, r := a.Score*max(b.MaxScore, 1), b.Score*max(a.MaxScore, 1)
	return l > r || l == r && a.Number > b.Number
}

// ProgressOf works out a taker's Progress with q from their attempts at it (any order).
func ProgressOf(q store.Quiz, atts []store.Attempt, now time.Time) Progress {
	p := Progress{Left: -1}
	for i := range atts {
		a := &atts[i]
		p.Used = max(p.Used, a.Number)
		if a.Status == store.InProgress {
			p.Open = a
			continue
		}
		if p.Best == nil || better(*a, *p.Best) {
			p.Best = a
		}
		if p.Last == nil || a.Number > p.Last.Number {
			p.Last = a
		}
	}
	if q.MaxAttempts > 0 {
		p.Left = max(0, q.MaxAttempts-p.Used)
	}
	closed := !q.DueAt.IsZero() && !now.Before(q.DueAt)
	canStart := p.Left != 0 && q.QuestionCount > 0 && !closed && q.IsActive
	switch {
	case p.Open != nil:
		p.State, p.Action = Running, ActContinue
	case p.Best == nil && closed:
		p.State = Closed
	case p.Best == nil:
		p.State = NotStarted
		if canStart {
			p.Action = ActStart
		}
	default:
		switch {
		case p.Best.PendingCount > 0:
			p.State = Pending
		case Passed(*p.Best, q.PassingPercent):
			p.State = PassedIt
		default:
			p.State = FailedIt
		}
		p.Action = ActResults
		if canStart {
			p.Action = ActRetake
		}
	}
	return p
}

// Progresses returns the viewer's Progress with each of quizzes (by quiz id), from
// one read of their attempts.
func (s *Service) Progresses(ctx context.Context, viewer store.User, quizzes []store.Quiz) (map[int64]Progress, error) {
	atts, err := s.DB.AttemptsByUser(ctx, viewer.ID, 5000)
	if err != nil {
		return nil, err
	}
	by := map[int64][]store.Attempt{}
	for _, a := range atts {
		by[a.QuizID] = append(by[a.QuizID], a)
	}
	now := s.Now()
	out := make(map[int64]Progress, len(quizzes))
	for _, q := range quizzes {
		out[q.ID] = ProgressOf(q, by[q.ID], now)
	}
	return out, nil
}

// Row is a quiz in a list with the viewer's relation to it: managed (with its attempt
// counts) or taken (with their Progress).
type Row struct {
	store.QuizRow
	Progress Progress         // takers
	Counts   store.QuizCounts // managers
}

// List is the Quizzes page: every quiz of the subjects the viewer teaches or takes
// (all of them for an admin), with their progress or the quiz's counts.
func (s *Service) List(ctx context.Context, viewer store.User) ([]Row, error) {
	rows, err := s.Mine(ctx, viewer)
	if err != nil {
		return nil, err
	}
	return s.rows(ctx, viewer, rows)
}

// Created lists the quizzes the viewer wrote, with their attempt counts ("my quizzes",
// tab created).
func (s *Service) Created(ctx context.Context, viewer store.User) ([]Row, error) {
	rows, err := s.DB.QuizzesCreatedBy(ctx, viewer.ID, auth.IsAdmin(viewer), 200)
	if err != nil {
		return nil, err
	}
	return s.rows(ctx, viewer, rows)
}

// Taken lists the quizzes the viewer has attempted and may still open, with their
// progress ("my quizzes", tab taken), most recently attempted first.
func (s *Service) Taken(ctx context.Context, viewer store.User) ([]Row, error) {
	all, err := s.List(ctx, viewer)
	if err != nil {
		return nil, err
	}
	var out []Row
	for _, r := range all {
		if !r.Teaching && r.Progress.Used > 0 {
			out = append(out, r)
		}
	}
	latest := func(r Row) time.Time {
		var t time.Time
		for _, a := range []*store.Attempt{r.Progress.Open, r.Progress.Last} {
			if a != nil && a.StartedAt.After(t) {
				t = a.StartedAt
			}
		}
		return t
	}
	slices.SortStableFunc(out, func(a, b Row) int { return latest(b).Compare(latest(a)) })
	return out, nil
}

func (s *Service) rows(ctx context.Context, viewer store.User, rows []store.QuizRow) ([]Row, error) {
	var taken []store.Quiz
	var ids []int64
	for _, r := range rows {
		if r.Teaching {
			ids = append(ids, r.ID)
		} else {
			taken = append(taken, r.Quiz)
		}
	}
	counts, err := s.DB.CountsOfQuizzes(ctx, ids)
	if err != nil {
		return nil, err
	}
	prog := map[int64]Progress{}
	if len(taken) > 0 {
		if prog, err = s.Progresses(ctx, viewer, taken); err != nil {
			return nil, err
		}
	}
	out := make([]Row, len(rows))
	for i, r := range rows {
		out[i] = Row{QuizRow: r, Progress: prog[r.ID], Counts: counts[r.ID]}
	}
	return out, nil
}

// RowsOf is a subject's quiz list (QuizzesOf) with the viewer's progress, or each
// quiz's counts for its managers: what the subject's pages show.
func (s *Service) RowsOf(ctx context.Context, viewer store.User, sq SubjectQuizzes) ([]Row, error) {
	rows := make([]store.QuizRow, len(sq.Quizzes))
	for i, q := range sq.Quizzes {
		rows[i] = store.QuizRow{Quiz: q, SubjectName: sq.Subject.Name, SubjectCode: sq.Subject.Code, Teaching: sq.Manage}
	}
	return s.rows(ctx, viewer, rows)
}

// SubjectsToQuiz lists the subjects the viewer may add a quiz to: those they teach,
// every subject for an admin.
func (s *Service) SubjectsToQuiz(ctx context.Context, viewer store.User) ([]store.Subject, error) {
	if !auth.IsInstructor(viewer) {
		return nil, nil
	}
	rows, err := s.DB.ListSubjects(ctx, store.SubjectQuery{ViewerID: viewer.ID, All: auth.IsAdmin(viewer),
		Mine: !auth.IsAdmin(viewer), Limit: 500})
	if err != nil {
		return nil, err
	}
	var out []store.Subject
	for _, r := range rows {
		if learn.CanManage(viewer, r.Subject) {
			out = append(out, r.Subject)
		}
	}
	return out, nil
}
