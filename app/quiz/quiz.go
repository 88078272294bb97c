// Package quiz holds the rules of quizzes: who builds and who takes them, what a valid
// quiz or question is, the timing of an attempt (a deadline fixed at start and enforced
// by the server), scoring (choices scored on every save and again at submit, short
// answers graded by the quiz's managers), the stable per-attempt order of a randomised
// quiz, the notifications, and the owner's analytics. Both web and api call it.
//
// Permissions reuse app/learn: a quiz is managed (built, graded, analysed) by whoever
// manages its subject — the subject's instructor and admins; it is taken by the
// subject's active students while both the subject and the quiz are active. Others who
// may see the subject get ErrNotEnrolled (403); those who may not get ErrNotFound.
package quiz

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"eplatform/app/auth"
	"eplatform/app/cache"
	"eplatform/app/form"
	"eplatform/app/learn"
	"eplatform/app/media"
	"eplatform/app/notify"
	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// Refusals the quiz rules give, each with its kind; handlers answer them through the
// one writer of their surface. Callers compare with errors.Is where one matters.
var (
	ErrNotFound       = store.ErrNotFound
	ErrNotEnrolled    = problem.Forbidden("Enroll in this subject to take its quizzes.")
	ErrOwnQuiz        = problem.Invalid("You manage this quiz, so you cannot take it.")
	ErrNoAttemptsLeft = problem.Invalid("You have used all your attempts at this quiz.")
	ErrNoQuestions    = problem.Invalid("This quiz has no questions yet.")
	ErrFinished       = problem.Conflict("This attempt has already been submitted.")
	ErrTimeUp         = problem.Conflict("Time is up: the attempt was submitted with the answers saved before the deadline.")
	ErrNotFinished    = problem.Invalid("This attempt is still in progress.")
	ErrBadOrder       = problem.Field("ids", "The order must list every question of the quiz exactly once.")
	ErrBadAnswer      = problem.Field("answers", "That answer does not belong to that question of this quiz.")
	ErrBadMarks       = problem.Field("marks", "Marks must be between 0 and the question's marks.")
	// Grading never assumes a mark: an empty marks field is refused, not taken as 0.
	ErrNoMarks     = problem.Field("marks", "Enter the marks to give: a whole number from 0 to the question's marks.")
	ErrClosed      = problem.Invalid("This quiz is closed: its due date has passed.")
	ErrNotGradable = problem.Invalid("Only short answers of a submitted attempt are graded.")
	// An attempt's maximum is fixed when it starts: adding or removing a question, or
	// changing its marks, while someone answers would let the score pass 100 % or put
	// it out of reach. Wording, options, images and order may change.
	ErrAttemptsOpen = problem.Conflict("Students are taking this quiz right now: questions can be added, removed or re-marked when their attempts end.")
)

// noOpenAttempts refuses a change to a quiz's marks while attempts at it run
// (ErrAttemptsOpen, with the time the last one ends at the latest).
func noOpenAttempts(ctx context.Context, tx *store.Queries, quizID int64) error {
	n, until, err := tx.OpenAttemptsEnd(ctx, quizID)
	if err != nil || n == 0 {
		return err
	}
	// ErrAttemptsOpen, saying how many attempts run and until when.
	return &problem.Error{Kind: problem.KindConflict, Message: OpenAttemptsNotice(n, until.UTC()), Err: ErrAttemptsOpen}
}

// OpenAttemptsNotice says that n attempts, the last ending by until, lock adding,
// removing and re-marking questions ("" when n is 0). until is shown in its own
// location, named: pass it in the reader's zone (a page does; the API's problem says UTC).
func OpenAttemptsNotice(n int, until time.Time) string {
	if n == 0 {
		return ""
	}
	who := "1 student is"
	if n > 1 {
		who = strconv.Itoa(n) + " students are"
	}
	return who + " taking this quiz right now (until " + until.Format("15:04 MST") +
		" at the latest): questions can be added, removed or re-marked when their attempts end."
}

// Question kinds.
const (
	MCQ         = "mcq"
	TrueFalse   = "true_false"
	ShortAnswer = "short_answer"
)

// KindLabel names a question kind for people.
func KindLabel(kind string) string {
	switch kind {
	case MCQ:
		return "Multiple choice"
	case TrueFalse:
		return "True / false"
	case ShortAnswer:
		return "Short answer"
	}
	return kind
}

// Service implements quizzes, questions, attempts and grading.
type Service struct {
	DB     *store.DB
	Cache  cache.Cache // the versions of kept subject pages (learn.SubjectNamespace); nil: none kept
	Notify *notify.Service
	Media  media.Store // question images
	Log    *slog.Logger
	Now    func() time.Time

	stopOnce sync.Once
	stop     chan struct{}
	done     chan struct{}
}

// URLs.
func QuizURL(id int64) string    { return "/home/quizzes/" + text.Itoa(id) + "/" }
func AttemptURL(id int64) string { return "/home/attempts/" + strconv.FormatInt(id, 10) + "/" }
func ResultsURL(id int64) string { return AttemptURL(id) + "results/" }
func GradingURL(id int64) string { return QuizURL(id) + "grading/" }

// QuestionGradingURL is where a short-answer question is graded across all attempts.
func QuestionGradingURL(id int64) string { return "/home/questions/" + text.Itoa(id) + "/grading/" }

// ---- access ------------------------------------------------------------------------

// Access is what a viewer may do with a quiz.
type Access struct {
	Quiz    store.Quiz
	Subject store.Subject
	Manage  bool // build, grade, analyse
	Take    bool // an active student of an active subject, the quiz active
}

func access(ctx context.Context, q *store.Queries, viewer store.User, quizID int64) (Access, error) {
	qz, err := q.QuizByID(ctx, quizID)
	if err != nil {
		return Access{}, err
	}
	subj, err := q.SubjectByID(ctx, qz.SubjectID)
	if err != nil {
		return Access{}, err
	}
	if !learn.CanSee(viewer, subj) {
		return Access{}, ErrNotFound
	}
	a := Access{Quiz: qz, Subject: subj, Manage: learn.CanManage(viewer, subj)}
	if a.Manage {
		return a, nil
	}
	if !qz.IsActive {
		return Access{}, ErrNotFound
	}
	enrolled, err := q.IsEnrolled(ctx, subj.ID, viewer.ID)
	if err != nil {
		return Access{}, err
	}
	if !enrolled || !subj.IsActive {
		return Access{}, ErrNotEnrolled
	}
	a.Take = true
	return a, nil
}

// Managed returns a quiz the viewer manages: ErrNotFound when they may not see it,
// problem.ErrForbidden when they may see but not manage it.
func (s *Service) Managed(ctx context.Context, viewer store.User, quizID int64) (Access, error) {
	return managedQuiz(ctx, s.DB.Queries, viewer, quizID)
}

func managedQuiz(ctx context.Context, q *store.Queries, viewer store.User, quizID int64) (Access, error) {
	a, err := access(ctx, q, viewer, quizID)
	if err != nil {
		if errors.Is(err, ErrNotEnrolled) {
			return Access{}, problem.ErrForbidden
		}
		return Access{}, err
	}
	if !a.Manage {
		return Access{}, problem.ErrForbidden
	}
	return a, nil
}

// subjectFor loads a subject the viewer may see, telling whether they manage it and
// are an active student.
func subjectFor(ctx context.Context, q *store.Queries, viewer store.User, subjectID int64) (store.Subject, bool, bool, error) {
	subj, err := q.SubjectByID(ctx, subjectID)
	if err != nil {
		return store.Subject{}, false, false, err
	}
	if !learn.CanSee(viewer, subj) {
		return store.Subject{}, false, false, ErrNotFound
	}
	manage := learn.CanManage(viewer, subj)
	enrolled := false
	if !manage {
		if enrolled, err = q.IsEnrolled(ctx, subj.ID, viewer.ID); err != nil {
			return store.Subject{}, false, false, err
		}
	}
	return subj, manage, enrolled && subj.IsActive, nil
}

// ---- quizzes -----------------------------------------------------------------------

// QuizInput is a quiz as written by a form or the API (nil: unchanged, or the default
// when creating).
type QuizInput struct {
	Title, Description          *string
	TimeLimitMinutes            *int
	PassingPercent, MaxAttempts *int
	IsRandomized, IsActive      *bool
	Due                         *string // "" clears the due date; else as learn.ParseDue reads it (UTC)
	// GradeBy is which finished attempt the gradebook counts: GradeBest or GradeLast.
	GradeBy *string
}

// The gradebook rules of a quiz (QuizInput.GradeBy).
const (
	GradeBest = "best"
	GradeLast = "last"
)

func checkRange(errs form.Errors, field string, v, min, max int) {
	if v < min || v > max {
		errs.Add(field, "Ensure this value is between "+strconv.Itoa(min)+" and "+strconv.Itoa(max)+".")
	}
}

// Defaults of a new quiz.
func defaults() store.QuizFields {
	return store.QuizFields{TimeLimitMinutes: 30, PassingPercent: 60, IsActive: true, GradeBy: GradeBest}
}

// Field limits of quizzes and questions (the schema's CHECKs).
const (
	MaxTitle       = 200
	MaxText        = 5000 // descriptions, question texts, explanations, short answers, feedback
	MaxAnswer      = 1000 // an answer option
	MaxAnswers     = 50
	MaxTimeLimit   = 240
	MaxAttemptsCap = 1000
	MaxMarks       = 1000
)

// mergeQuiz applies in to cur. A due date may not be set in the past (one already
// past may stay, so an old quiz's other settings can still be edited).
func mergeQuiz(cur store.QuizFields, in QuizInput, now time.Time) (store.QuizFields, form.Errors) {
	errs := form.Errors{}
	if in.Title != nil {
		cur.Title = *in.Title
	}
	cur.Title = text.Check(errs, "title", cur.Title, true, MaxTitle)
	if in.Description != nil {
		cur.Description = *in.Description
	}
	cur.Description = text.Check(errs, "description", cur.Description, false, MaxText)
	if in.TimeLimitMinutes != nil {
		cur.TimeLimitMinutes = *in.TimeLimitMinutes
	}
	checkRange(errs, "time_limit_minutes", cur.TimeLimitMinutes, 1, MaxTimeLimit)
	if in.PassingPercent != nil {
		cur.PassingPercent = *in.PassingPercent
	}
	checkRange(errs, "passing_percent", cur.PassingPercent, 0, 100)
	if in.MaxAttempts != nil {
		cur.MaxAttempts = *in.MaxAttempts
	}
	checkRange(errs, "max_attempts", cur.MaxAttempts, 0, MaxAttemptsCap)
	if in.IsRandomized != nil {
		cur.IsRandomized = *in.IsRandomized
	}
	if in.IsActive != nil {
		cur.IsActive = *in.IsActive
	}
	if in.Due != nil {
		// A date, not text: the parser refuses anything else, control characters too.
		switch t, ok := learn.ParseDue(*in.Due); {
		case strings.TrimSpace(*in.Due) == "":
			cur.DueAt = time.Time{}
		case !ok:
			errs.Add("due_at", "Enter a valid date and time, e.g. 2026-12-01T17:00 (UTC) or 2026-12-01T17:00:00Z.")
		case t.Year() < 2000 || t.Year() > 2100:
			errs.Add("due_at", "Enter a due date between the years 2000 and 2100.")
		default:
			t = t.Truncate(time.Minute)
			if !t.Equal(cur.DueAt) && t.Before(now) {
				errs.Add("due_at", "The due date is in the past.")
			}
			cur.DueAt = t
		}
	}
	if in.GradeBy != nil {
		cur.GradeBy = strings.TrimSpace(*in.GradeBy)
		if cur.GradeBy != GradeBest && cur.GradeBy != GradeLast {
			errs.Add("grade_by", "Choose best or last.")
		}
	}
	return cur, errs
}

func fieldsOf(q store.Quiz) store.QuizFields {
	return store.QuizFields{Title: q.Title, Description: q.Description, TimeLimitMinutes: q.TimeLimitMinutes,
		PassingPercent: q.PassingPercent, MaxAttempts: q.MaxAttempts, IsRandomized: q.IsRandomized, IsActive: q.IsActive,
		DueAt: q.DueAt, GradeBy: q.GradeBy}
}

// CreateQuiz adds a quiz to a subject the viewer manages. Invalid settings are a
// problem.Fields — told only to the subject's managers (others get 404 or 403).
func (s *Service) CreateQuiz(ctx context.Context, viewer store.User, subjectID int64, in QuizInput) (store.Quiz, error) {
	f, errs := mergeQuiz(defaults(), in, s.Now())
	if len(errs) > 0 {
		if _, manage, _, err := subjectFor(ctx, s.DB.Queries, viewer, subjectID); err != nil || !manage {
			return store.Quiz{}, orForbidden(err)
		}
		return store.Quiz{}, problem.Fields(errs)
	}
	var qz store.Quiz
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		_, manage, _, err := subjectFor(ctx, tx, viewer, subjectID)
		if err != nil || !manage {
			return orForbidden(err)
		}
		id, err := tx.InsertQuiz(ctx, subjectID, viewer.ID, f, s.Now())
		if err != nil {
			return err
		}
		qz, err = tx.QuizByID(ctx, id)
		return err
	})
	if err == nil {
		s.changed(ctx, qz.SubjectID)
	}
	return qz, err
}

// changed moves the subject's page version on after a change to a quiz: its page
// lists the active quizzes with their titles, marks and attempts (learn.SubjectNamespace).
func (s *Service) changed(ctx context.Context, subjectID int64) {
	learn.Bump(ctx, s.Cache, s.Log, learn.SubjectNamespace(subjectID))
}

func orForbidden(err error) error {
	if err != nil {
		return err
	}
	return problem.ErrForbidden
}

// UpdateQuiz edits a quiz the viewer manages. A time-limit change does not move the
// deadline of attempts already started. Invalid settings are a problem.Fields.
func (s *Service) UpdateQuiz(ctx context.Context, viewer store.User, id int64, in QuizInput) (store.Quiz, error) {
	var qz store.Quiz
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		a, err := managedQuiz(ctx, tx, viewer, id)
		if err != nil {
			return err
		}
		f, errs := mergeQuiz(fieldsOf(a.Quiz), in, s.Now())
		if len(errs) > 0 {
			return problem.Fields(errs)
		}
		if err := tx.UpdateQuiz(ctx, id, f, s.Now()); err != nil {
			return err
		}
		qz, err = tx.QuizByID(ctx, id)
		return err
	})
	if err == nil {
		s.changed(ctx, qz.SubjectID)
	}
	return qz, err
}

// DeleteQuiz removes a quiz with its questions and attempts; it returns its subject.
func (s *Service) DeleteQuiz(ctx context.Context, viewer store.User, id int64) (store.Subject, error) {
	var subj store.Subject
	var images []string
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		a, err := managedQuiz(ctx, tx, viewer, id)
		if err != nil {
			return err
		}
		subj = a.Subject
		if images, err = tx.QuizImagePaths(ctx, id); err != nil {
			return err
		}
		return tx.DeleteQuiz(ctx, id)
	})
	if err == nil {
		s.changed(ctx, subj.ID)
		for _, p := range images {
			s.removeFile(p)
		}
	}
	return subj, err
}

// SubjectQuizzes is a subject's quiz list as one viewer sees it.
type SubjectQuizzes struct {
	Subject store.Subject
	Manage  bool
	Take    bool
	Quizzes []store.Quiz
}

// QuizzesOf lists a subject's quizzes: all of them for its managers, the active ones
// for its active students; others get ErrNotEnrolled.
func (s *Service) QuizzesOf(ctx context.Context, viewer store.User, subjectID int64) (SubjectQuizzes, error) {
	subj, manage, take, err := subjectFor(ctx, s.DB.Queries, viewer, subjectID)
	if err != nil {
		return SubjectQuizzes{}, err
	}
	if !manage && !take {
		return SubjectQuizzes{}, ErrNotEnrolled
	}
	all, err := s.DB.QuizzesOfSubject(ctx, subjectID)
	if err != nil {
		return SubjectQuizzes{}, err
	}
	out := SubjectQuizzes{Subject: subj, Manage: manage, Take: take}
	for _, q := range all {
		if manage || q.IsActive {
			out.Quizzes = append(out.Quizzes, q)
		}
	}
	return out, nil
}

// QuizzesOfCode is QuizzesOf for a subject code.
func (s *Service) QuizzesOfCode(ctx context.Context, viewer store.User, code string) (SubjectQuizzes, error) {
	subj, err := s.DB.SubjectByCode(ctx, code)
	if err != nil {
		return SubjectQuizzes{}, err
	}
	return s.QuizzesOf(ctx, viewer, subj.ID)
}

// View is a quiz's page: its settings, its questions for its managers, and for a
// student their attempts, their open attempt and how many attempts are left (-1: no
// limit).
type View struct {
	Access
	Questions    []store.Question // managers only
	Attempts     []store.Attempt  // the viewer's, newest first
	Open         *store.Attempt
	AttemptsLeft int
	Pending      int // managers: answers waiting in the grading queue
	// Managers: attempts running now, which lock adding, removing and re-marking
	// questions (ErrAttemptsOpen), and when the last of them ends at the latest.
	OpenAttempts int
	OpenUntil    time.Time
}

// Quiz returns a quiz's page for the viewer, finishing their expired attempt first.
func (s *Service) Quiz(ctx context.Context, viewer store.User, id int64) (View, error) {
	a, err := access(ctx, s.DB.Queries, viewer, id)
	if err != nil {
		return View{}, err
	}
	v := View{Access: a, AttemptsLeft: -1}
	if a.Manage {
		if v.Questions, err = s.DB.QuestionsOfQuiz(ctx, id); err != nil {
			return View{}, err
		}
		queue, err := s.DB.GradingQueue(ctx, id, 1000)
		if err != nil {
			return View{}, err
		}
		v.Pending = len(queue)
		if v.OpenAttempts, v.OpenUntil, err = s.DB.OpenAttemptsEnd(ctx, id); err != nil {
			return View{}, err
		}
		return v, nil
	}
	if err := s.expireOpen(ctx, id, viewer.ID); err != nil {
		return View{}, err
	}
	if v.Attempts, err = s.DB.AttemptsOfUser(ctx, id, viewer.ID); err != nil {
		return View{}, err
	}
	used := 0
	for i := range v.Attempts {
		used = max(used, v.Attempts[i].Number)
		if v.Attempts[i].Status == store.InProgress {
			v.Open = &v.Attempts[i]
		}
	}
	if a.Quiz.MaxAttempts > 0 {
		v.AttemptsLeft = max(0, a.Quiz.MaxAttempts-used)
	}
	return v, nil
}

// ---- questions ---------------------------------------------------------------------

// QuestionInput is a question with its answers, edited inline. For true/false the
// answers are always "True" and "False" and Correct says which is right; for multiple
// choice at least two answers and exactly one correct; for a short answer the answers
// are optional model answers shown on the results page.
type QuestionInput struct {
	Kind        string
	Text        string
	Marks       int
	Explanation string
	Answers     []store.AnswerFields
	Correct     bool // true/false: whether "True" is the right answer
	// Short answers: one matching a model answer (Matches) gets full marks at submit
	// instead of waiting for a grade. Ignored for the other kinds.
	AutoAccept bool
}

// ValidKind reports whether kind is a question kind.
func ValidKind(kind string) bool { return kind == MCQ || kind == TrueFalse || kind == ShortAnswer }

// checkQuestion validates a question; a problem.Fields names every bad field.
func checkQuestion(in QuestionInput, cur []store.Answer) (store.QuestionFields, []store.AnswerFields, error) {
	errs := form.Errors{}
	f := store.QuestionFields{Kind: in.Kind, Marks: in.Marks, AutoAccept: in.AutoAccept && in.Kind == ShortAnswer}
	if !ValidKind(in.Kind) {
		errs.Add("kind", "Choose mcq, true_false or short_answer.")
	}
	f.Text = text.Check(errs, "text", in.Text, true, MaxText)
	f.Explanation = text.Check(errs, "explanation", in.Explanation, false, MaxText)
	checkRange(errs, "marks", in.Marks, 1, MaxMarks)
	var answers []store.AnswerFields
	switch in.Kind {
	case TrueFalse:
		// Keep the ids of existing True/False rows, so saved selections stay valid.
		ids := map[string]int64{}
		for _, a := range cur {
			ids[a.Text] = a.ID
		}
		answers = []store.AnswerFields{{ID: ids["True"], Text: "True", IsCorrect: in.Correct},
			{ID: ids["False"], Text: "False", IsCorrect: !in.Correct}}
	case MCQ, ShortAnswer:
		known := map[int64]bool{}
		for _, a := range cur {
			known[a.ID] = true
		}
		correct := 0
		for i, a := range in.Answers {
			t, msg := text.Field(a.Text, false, MaxAnswer)
			if msg != "" {
				errs.Add("answers", "Answer "+strconv.Itoa(i+1)+": "+msg)
				continue
			}
			if t == "" {
				continue // a blank row of the inline editor
			}
			if a.ID != 0 && !known[a.ID] {
				a.ID = 0
			}
			a.Text = t
			if in.Kind == ShortAnswer {
				a.IsCorrect = true
			}
			if a.IsCorrect {
				correct++
			}
			answers = append(answers, a)
		}
		if len(answers) > MaxAnswers {
			errs.Add("answers", "A question has at most "+strconv.Itoa(MaxAnswers)+" answers.")
		}
		if in.Kind == MCQ && !errs.Has("answers") {
			if len(answers) < 2 {
				errs.Add("answers", "A multiple-choice question needs at least two answers.")
			} else if correct != 1 {
				errs.Add("answers", "Mark exactly one answer as correct.")
			}
		}
	}
	if len(errs) > 0 {
		return f, nil, problem.Fields(errs)
	}
	return f, answers, nil
}

// AddQuestion adds a question at the end of a quiz the viewer manages. An invalid
// question is a problem.Fields (told only to the quiz's managers).
func (s *Service) AddQuestion(ctx context.Context, viewer store.User, quizID int64, in QuestionInput) (store.Question, error) {
	f, answers, invalid := checkQuestion(in, nil)
	var q store.Question
	var subjectID int64
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		a, err := managedQuiz(ctx, tx, viewer, quizID)
		if err != nil {
			return err
		}
		subjectID = a.Subject.ID
		if invalid != nil {
			return invalid
		}
		if err := noOpenAttempts(ctx, tx, quizID); err != nil {
			return err
		}
		id, err := tx.InsertQuestion(ctx, quizID, f, answers, s.Now())
		if err != nil {
			return err
		}
		if err := tx.RecountQuiz(ctx, quizID, s.Now()); err != nil {
			return err
		}
		q, err = tx.QuestionByID(ctx, id)
		return err
	})
	if err != nil {
		return store.Question{}, err
	}
	s.changed(ctx, subjectID) // the quiz's total marks
	return q, nil
}

// Question returns a question of a quiz the viewer manages.
func (s *Service) Question(ctx context.Context, viewer store.User, id int64) (store.Question, Access, error) {
	q, err := s.DB.QuestionByID(ctx, id)
	if err != nil {
		return store.Question{}, Access{}, err
	}
	a, err := managedQuiz(ctx, s.DB.Queries, viewer, q.QuizID)
	return q, a, err
}

// UpdateQuestion edits a question and its answers; an invalid one is a problem.Fields.
// A short answer that accepts matching answers automatically also accepts those
// already waiting for a grade.
func (s *Service) UpdateQuestion(ctx context.Context, viewer store.User, id int64, in QuestionInput) (store.Question, error) {
	var q store.Question
	var notes []note
	var subjectID int64
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		notes = nil
		cur, err := tx.QuestionByID(ctx, id)
		if err != nil {
			return err
		}
		a, err := managedQuiz(ctx, tx, viewer, cur.QuizID)
		if err != nil {
			return err
		}
		subjectID = a.Subject.ID
		f, answers, err := checkQuestion(in, cur.Answers)
		if err != nil {
			return err
		}
		if f.Marks != cur.Marks {
			if err := noOpenAttempts(ctx, tx, cur.QuizID); err != nil {
				return err
			}
		}
		if err := tx.UpdateQuestion(ctx, id, f, answers, s.Now()); err != nil {
			return err
		}
		if err := tx.RecountQuiz(ctx, cur.QuizID, s.Now()); err != nil {
			return err
		}
		if q, err = tx.QuestionByID(ctx, id); err != nil {
			return err
		}
		if q.AutoAccept {
			notes, err = s.acceptWaiting(ctx, tx, viewer.ID, a, q)
		}
		return err
	})
	if err != nil {
		return store.Question{}, err
	}
	s.changed(ctx, subjectID) // the quiz's total marks
	s.deliver(ctx, notes)
	return q, nil
}

// DeleteQuestion removes a question; it returns the quiz with its new totals.
func (s *Service) DeleteQuestion(ctx context.Context, viewer store.User, id int64) (store.Quiz, error) {
	var qz store.Quiz
	var image string
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		cur, err := tx.QuestionByID(ctx, id)
		if err != nil {
			return err
		}
		if _, err := managedQuiz(ctx, tx, viewer, cur.QuizID); err != nil {
			return err
		}
		if err := noOpenAttempts(ctx, tx, cur.QuizID); err != nil {
			return err
		}
		image = cur.ImagePath
		if err := tx.DeleteQuestion(ctx, id); err != nil {
			return err
		}
		if err := tx.RecountQuiz(ctx, cur.QuizID, s.Now()); err != nil {
			return err
		}
		qz, err = tx.QuizByID(ctx, cur.QuizID)
		return err
	})
	if err == nil {
		s.changed(ctx, qz.SubjectID) // the quiz's total marks
		s.removeFile(image)
	}
	return qz, err
}

// MoveQuestion moves a question one place up (delta -1) or down (+1).
func (s *Service) MoveQuestion(ctx context.Context, viewer store.User, id int64, delta int) (store.Quiz, error) {
	var qz store.Quiz
	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
		cur, err := tx.QuestionByID(ctx, id)
		if err != nil {
			return err
		}
		a, err := managedQuiz(ctx, tx, viewer, cur.QuizID)
		if err != nil {
			return err
		}
		qz = a.Quiz
		qs, err := tx.QuestionsOfQuiz(ctx, cur.QuizID)
		if err != nil {
			return err
		}
		ids := make([]int64, len(qs))
		from := 0
		for i, q := range qs {
			ids[i] = q.ID
			if q.ID == id {
				from = i
			}
		}
		to := min(max(from+delta, 0), len(ids)-1)
		ids[from], ids[to] = ids[to], ids[from]
		return tx.SetQuestionPositions(ctx, cur.QuizID, ids)
	})
	return qz, err
}

// OrderQuestions puts a quiz's questions in the order of ids (each exactly once).
func (s *Service) OrderQuestions(ctx context.Context, viewer store.User, quizID int64, ids []int64) error {
	return s.DB.WithTx(ctx, func(tx *store.Queries) error {
		if _, err := managedQuiz(ctx, tx, viewer, quizID); err != nil {
			return err
		}
		qs, err := tx.QuestionsOfQuiz(ctx, quizID)
		if err != nil {
			return err
		}
		if len(ids) != len(qs) {
			return ErrBadOrder
		}
		have := map[int64]bool{}
		for _, q := range qs {
			have[q.ID] = true
		}
		for _, id := range ids {
			if !have[id] {
				return ErrBadOrder
			}
			delete(have, id)
		}
		return tx.SetQuestionPositions(ctx, quizID, ids)
	})
}

// ---- randomisation -----------------------------------------------------------------

// Order returns the questions in the order an attempt shows them: the quiz's order,
// or for a randomised quiz a permutation of questions and of each question's answers
// derived from the attempt's seed alone — the same on every load of the attempt.
// True/false answers keep True before False. qs is not modified.
func Order(seed int64, randomized bool, qs []store.Question) []store.Question {
	out := make([]store.Question, len(qs))
	copy(out, qs)
	if !randomized {
		return out
	}
	r := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	for i := range out {
		answers := make([]store.Answer, len(out[i].Answers))
		copy(answers, out[i].Answers)
		if out[i].Kind == MCQ {
			ra := rand.New(rand.NewPCG(uint64(seed), uint64(out[i].ID)))
			ra.Shuffle(len(answers), func(a, b int) { answers[a], answers[b] = answers[b], answers[a] })
		}
		out[i].Answers = answers
	}
	return out
}

// ---- helpers -----------------------------------------------------------------------

// Passed reports whether a finished attempt passes: no answer waits for a grade and
// the score reaches the passing percentage of the attempt's maximum.
func Passed(a store.Attempt, passingPercent int) bool {
	if a.Status == store.InProgress || a.PendingCount > 0 {
		return false
	}
	if a.MaxScore == 0 {
		return passingPercent == 0
	}
	return a.Score*100 >= passingPercent*a.MaxScore
}

// Percent is an attempt's score as a whole percentage of its maximum (rounded down).
func Percent(a store.Attempt) int {
	if a.MaxScore == 0 {
		return 0
	}
	return a.Score * 100 / a.MaxScore
}

// isClosed reports whether err means the database has been closed (the State is
// shutting down), which ends the sweeper.
func isClosed(err error) bool {
	return err != nil && (errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "database is closed"))
}

// Mine lists the quizzes of the subjects the viewer teaches or takes; an admin, who
// manages them all, gets every quiz.
func (s *Service) Mine(ctx context.Context, viewer store.User) ([]store.QuizRow, error) {
	return s.DB.QuizzesForUser(ctx, viewer.ID, auth.IsAdmin(viewer), 200)
}
