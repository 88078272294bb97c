package seed

// Students' hand-ins for the seeded assignments, so the gradebook shows something on
// the first run: for the assignment that is over, most students handed in on time,
// some late, some never (missing); the instructor graded most of them, regraded a few,
// and left the rest in the "to grade" pile. For the assignment due soon, some students
// have handed in already. Like the rest of the learning content this goes through the
// real service (coursework.Service) on the plan's clock; its randomness has its own
// stream, so the quizzes and attempts are what they were before hand-ins existed.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"eplatform/app/coursework"
	"eplatform/app/store"
)

// courseworkStream is the random stream of the hand-ins (see generator.rng).
const courseworkStream = 5

// Maximum marks of the seeded assignments: the one that is over, the one due soon.
const (
	pastMaxMarks = 20
	nextMaxMarks = 10
)

// assignmentPlan is a seeded assignment whose hand-ins are planned.
type assignmentPlan struct {
	k        int       // its index among the subject's materials (mids)
	added    time.Time // when the instructor added it
	due      time.Time
	maxMarks int
	over     bool // the due date has passed by the seed's now
}

// handInTexts are what students write.
var handInTexts = []string{
	"My answers are below.\n\n1. I followed the steps from the lecture.\n2. The results match what we expected.\n3. I added a short discussion at the end.",
	"Done. I found the second part hard, so I explained my reasoning in detail.",
	"Here is my work. I checked every result twice and noted my sources.",
	"Parts 1 and 2 are complete; for part 3 I describe my approach and where I got stuck.",
}

// handInFeedback is the instructor's feedback by how well the hand-in did.
var handInFeedback = [][]string{
	{"Several parts are missing; review the lecture notes and come to office hours.", "Incomplete: the main question is not answered."},
	{"Good work; check the comments on the second part.", "Solid, but show more of your working next time."},
	{"Thorough and well organised. Well done.", "Excellent work, clearly explained."},
}

// planHandIns plans the hand-ins of one assignment by the subject's students, and the
// instructor's grades.
func planHandIns(r *rand.Rand, add func(time.Time, func(context.Context) error), subj seededSubject, a assignmentPlan,
	mids []int64, now time.Time, svc *coursework.Service, user func(context.Context, int64) (store.User, error), res *LearningResult) {
	hour := time.Hour
	for _, e := range subj.students {
		from := a.added
		if enrolled := time.UnixMilli(e.EnrolledAt); enrolled.After(from) {
			from = enrolled
		}
		from = from.Add(hour)
		roll := r.Float64()
		quality := 0.45 + 0.55*r.Float64() // share of the marks the work deserves
		text := handInTexts[r.IntN(len(handInTexts))]
		var at time.Time
		late := false
		switch {
		case !a.over:
			// Due soon: about a third have handed in already.
			last := now.Add(-hour)
			if roll >= 0.35 || !from.Before(last) {
				continue
			}
			at = between(r, from, last)
		case roll < 0.65 && from.Before(a.due.Add(-hour)):
			at = between(r, from, a.due.Add(-hour))
		case roll < 0.82:
			// Late: within four days after the due date (and before now).
			start := a.due.Add(hour)
			if from.After(start) {
				start = from
			}
			last := a.due.Add(4 * 24 * hour)
			if now.Add(-hour).Before(last) {
				last = now.Add(-hour)
			}
			if !start.Before(last) {
				continue
			}
			at, late = between(r, start, last), true
		default:
			continue // missing
		}
		student, k := e.StudentID, a.k
		add(at, func(ctx context.Context) error {
			u, err := user(ctx, student)
			if err != nil {
				return err
			}
			out, err := svc.Submit(ctx, u, mids[k], coursework.SubmitInput{Text: text})
			if err != nil {
				return fmt.Errorf("hand-in of %s: %w", subj.name, err)
			}
			res.HandIns++
			if out.Submission.IsLate {
				res.LateHandIns++
			}
			return nil
		})
		if !a.over {
			continue
		}
		// The instructor grades most hand-ins one to five days after the due date (or
		// after a late one arrived); a few wait in the pile, a few are regraded.
		gradeRoll, regradeRoll := r.Float64(), r.Float64()
		gradeAt := a.due
		if at.After(gradeAt) {
			gradeAt = at
		}
		gradeAt = gradeAt.Add(time.Duration(24+r.IntN(96)) * hour).Truncate(time.Minute)
		if gradeRoll >= 0.85 || !gradeAt.Before(now) {
			continue
		}
		marks := int(float64(a.maxMarks)*quality + 0.5)
		if late {
			marks = max(0, marks-a.maxMarks/10)
		}
		band := min(int(quality*3), 2)
		feedback := handInFeedback[band][r.IntN(len(handInFeedback[band]))]
		if late {
			feedback += " Handed in late."
		}
		grade(add, gradeAt, subj, a.k, mids, student, marks, feedback, svc, user, res)
		if regradeAt := gradeAt.Add(24 * hour); regradeRoll < 0.1 && regradeAt.Before(now) && marks < a.maxMarks {
			grade(add, regradeAt, subj, a.k, mids, student, marks+1, feedback+" Regraded after a second look: one more mark.", svc, user, res)
		}
	}
}

// grade adds the instructor's grading of a student's hand-in at at.
func grade(add func(time.Time, func(context.Context) error), at time.Time, subj seededSubject, k int, mids []int64,
	student int64, marks int, feedback string, svc *coursework.Service, user func(context.Context, int64) (store.User, error), res *LearningResult) {
	add(at, func(ctx context.Context) error {
		teacher, err := user(ctx, subj.instructor)
		if err != nil {
			return err
		}
		x, err := svc.DB.SubmissionOf(ctx, mids[k], student)
		if err != nil {
			return fmt.Errorf("hand-in to grade in %s: %w", subj.name, err)
		}
		if _, err := svc.Grade(ctx, teacher, x.ID, coursework.GradeInput{Marks: &marks, Feedback: feedback}); err != nil {
			return fmt.Errorf("grade a hand-in of %s: %w", subj.name, err)
		}
		if x.Marks == nil {
			res.GradedHandIns++
		}
		return nil
	})
}

// between is a minute between from and to (from < to), drawn from r.
func between(r *rand.Rand, from, to time.Time) time.Time {
	return from.Add(time.Duration(r.Int64N(int64(to.Sub(from))))).Truncate(time.Minute)
}
