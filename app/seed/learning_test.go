package seed

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"eplatform/app/coursework"
	"eplatform/app/quiz"
	"eplatform/app/store"
)

// learning is what the learning content tests look at, per seeded subject.
type learning struct {
	materials []store.Material
	quizzes   []store.Quiz
	questions map[int64][]store.Question
	attempts  map[int64][]store.Attempt // finished ones
	queue     map[int64][]store.PendingAnswer
}

func readLearning(t *testing.T, db *store.DB, subjectID int64) learning {
	t.Helper()
	ctx := context.Background()
	l := learning{questions: map[int64][]store.Question{}, attempts: map[int64][]store.Attempt{},
		queue: map[int64][]store.PendingAnswer{}}
	var err error
	if l.materials, err = db.MaterialsOfSubject(ctx, subjectID, true); err != nil {
		t.Fatal(err)
	}
	if l.quizzes, err = db.QuizzesOfSubject(ctx, subjectID); err != nil {
		t.Fatal(err)
	}
	for _, q := range l.quizzes {
		if l.questions[q.ID], err = db.QuestionsOfQuiz(ctx, q.ID); err != nil {
			t.Fatal(err)
		}
		if l.attempts[q.ID], err = db.AttemptsOfQuiz(ctx, q.ID, 10000); err != nil {
			t.Fatal(err)
		}
		if l.queue[q.ID], err = db.GradingQueue(ctx, q.ID, 10000); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

func TestLearningContent(t *testing.T) {
	db := openDB(t)
	o := DefaultOptions()
	o.Now = testNow
	res := run(t, db, o)
	t.Logf("%s", res)
	ctx := context.Background()
	if problems, err := db.SeedCheck(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("inconsistent: %v %v", problems, err)
	}
	if res.Subjects < 2 {
		t.Fatalf("%d subjects seeded", res.Subjects)
	}
	l := res.Learning
	if l.Materials < 2*res.Subjects || l.Views == 0 || l.Quizzes != res.Subjects || l.Attempts == 0 {
		t.Errorf("learning counts: %+v", l)
	}

	// The student login the summary shows took quizzes, so their results show something.
	shown, err := db.UserByUsername(ctx, res.Student)
	if err != nil || res.Student != l.Student {
		t.Fatalf("student login %q (learning's %q): %v", res.Student, l.Student, err)
	}
	shownAttempts := 0
	var passed, failed, graded, pending, timedOut int
	for id := int64(1); id <= res.Subjects; id++ {
		subj, err := db.SubjectByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		c := readLearning(t, db, id)
		if len(c.materials) < 2 {
			t.Errorf("%s has %d materials", subj.Code, len(c.materials))
		}
		var due, link int
		for _, m := range c.materials {
			if m.Kind == "link" && m.ExternalURL != "" {
				link++
			}
			if !m.DueAt.IsZero() {
				due++
			}
		}
		if link == 0 || due == 0 {
			t.Errorf("%s: %d links, %d materials with a due date", subj.Code, link, due)
		}
		// Students opened the materials, some of them: the reading most often.
		viewers, err := db.MaterialViewers(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.materials) > 0 {
			reading := viewers[c.materials[0].ID]
			if reading == 0 || reading >= subj.StudentsCount {
				t.Errorf("%s: the reading opened by %d of %d students", subj.Code, reading, subj.StudentsCount)
			}
		}
		if len(c.quizzes) != 1 {
			t.Fatalf("%s has %d quizzes", subj.Code, len(c.quizzes))
		}
		qz := c.quizzes[0]
		qs := c.questions[qz.ID]
		if !qz.IsActive || len(qs) < 4 || qz.QuestionCount != len(qs) || qz.TotalMarks <= 0 ||
			qz.PassingPercent != 60 || qz.MaxAttempts != 3 || qz.TimeLimitMinutes < 10 || qz.TimeLimitMinutes > 20 {
			t.Errorf("%s quiz: %+v with %d questions", subj.Code, qz, len(qs))
		}
		kinds := map[string]int{}
		for _, q := range qs {
			kinds[q.Kind]++
			if q.Explanation == "" {
				t.Errorf("%s: question %q has no explanation", subj.Code, q.Text)
			}
			correct := 0
			for _, a := range q.Answers {
				if a.IsCorrect {
					correct++
				}
			}
			if q.Kind == quiz.MCQ && (len(q.Answers) < 3 || len(q.Answers) > 4 || correct != 1) {
				t.Errorf("%s: %q has %d options, %d correct", subj.Code, q.Text, len(q.Answers), correct)
			}
		}
		if kinds[quiz.MCQ] < 2 || kinds[quiz.TrueFalse] != 1 || kinds[quiz.ShortAnswer] != 1 {
			t.Errorf("%s question kinds: %v", subj.Code, kinds)
		}
		for _, a := range c.attempts[qz.ID] {
			if a.UserID == shown.ID {
				shownAttempts++
			}
			if a.Score < 0 || a.Score > a.MaxScore || a.MaxScore != qz.TotalMarks {
				t.Errorf("%s attempt %d: score %d of %d (quiz %d)", subj.Code, a.ID, a.Score, a.MaxScore, qz.TotalMarks)
			}
			if a.FinishedAt.IsZero() || a.FinishedAt.After(testNow) || a.FinishedAt.Before(a.StartedAt) ||
				a.FinishedAt.After(a.DeadlineAt) || a.StartedAt.Before(qz.CreatedAt) {
				t.Errorf("%s attempt %d: started %v, finished %v, deadline %v, quiz created %v",
					subj.Code, a.ID, a.StartedAt, a.FinishedAt, a.DeadlineAt, qz.CreatedAt)
			}
			if a.Number < 1 || a.Number > qz.MaxAttempts {
				t.Errorf("%s attempt %d is number %d", subj.Code, a.ID, a.Number)
			}
			switch {
			case a.PendingCount > 0:
			case quiz.Passed(a, qz.PassingPercent):
				passed++
			default:
				failed++
			}
			if a.Status == store.TimedOut {
				timedOut++
			}
			answers, err := db.AnswersOfAttempt(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range answers {
				if !x.GradedAt.IsZero() && x.TextAnswer != nil {
					graded++
				}
			}
		}
		pending += len(c.queue[qz.ID])
	}
	if shownAttempts == 0 {
		t.Errorf("the student login %s took no quiz", res.Student)
	}
	if passed == 0 || failed == 0 {
		t.Errorf("%d attempts passed, %d failed; want both", passed, failed)
	}
	if graded == 0 || pending == 0 || int64(graded) != l.Graded || int64(pending) != l.Pending {
		t.Errorf("%d short answers graded, %d pending (result: %+v); want both", graded, pending, l)
	}
	t.Logf("%d passed, %d failed, %d timed out, %d graded, %d pending", passed, failed, timedOut, graded, pending)

	// Hand-ins: for the assignment that is over, some on time, some late, some missing
	// and most graded; the gradebook shows results.
	var onTime, late, missing, handedIn, gradedHandIns int
	cw := &coursework.Service{DB: db, Now: func() time.Time { return testNow }}
	for id := int64(1); id <= res.Subjects; id++ {
		subj, err := db.SubjectByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		roster, err := db.Roster(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		marks, err := db.MarksOfSubject(ctx, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		c := readLearning(t, db, id)
		var over *store.Material
		for i, m := range c.materials {
			if m.Kind == "assignment" && m.DueAt.Before(testNow) {
				over = &c.materials[i]
			}
		}
		if over == nil {
			t.Fatalf("%s has no assignment that is over", subj.Code)
		}
		byStudent := map[int64]store.Mark{}
		for _, m := range marks {
			handedIn++
			if m.Marks != nil {
				gradedHandIns++
			}
			if m.MaterialID == over.ID {
				byStudent[m.StudentID] = m
			}
		}
		for _, u := range roster {
			m, ok := byStudent[u.ID]
			switch {
			case !ok:
				missing++
			case m.IsLate:
				late++
			default:
				onTime++
			}
		}
		if subj.Instructor == nil {
			continue
		}
		teacher, err := db.UserByID(ctx, subj.Instructor.ID)
		if err != nil {
			t.Fatal(err)
		}
		g, err := cw.Gradebook(ctx, teacher, id)
		if err != nil || len(g.Columns) != 3 || len(g.Rows) != len(roster) {
			t.Fatalf("%s gradebook: %d columns, %d rows, %v", subj.Code, len(g.Columns), len(g.Rows), err)
		}
		if len(roster) > 3 && !g.Average.Valid {
			t.Errorf("%s: the gradebook counts nothing", subj.Code)
		}
	}
	if onTime == 0 || late == 0 || missing == 0 || gradedHandIns == 0 || gradedHandIns == handedIn {
		t.Errorf("hand-ins: %d on time, %d late, %d missing, %d of %d graded; want each", onTime, late, missing, gradedHandIns, handedIn)
	}
	if int64(handedIn) != l.HandIns || int64(gradedHandIns) != l.GradedHandIns || l.LateHandIns == 0 {
		t.Errorf("hand-in counts %d, %d graded; result %+v", handedIn, gradedHandIns, l)
	}
	t.Logf("hand-ins: %d on time, %d late, %d missing; %d of %d graded", onTime, late, missing, gradedHandIns, handedIn)
	if l.Elapsed <= 0 || res.Elapsed <= 0 {
		t.Errorf("durations: %+v", res)
	}
}

// learningSnapshot is what determinism compares: quiz titles, question texts,
// materials, and every attempt's taker, number, status and score.
func learningSnapshot(t *testing.T, db *store.DB, subjects int64) []string {
	t.Helper()
	var out []string
	for id := int64(1); id <= subjects; id++ {
		c := readLearning(t, db, id)
		for _, m := range c.materials {
			out = append(out, fmt.Sprintf("material %s|%s|%s|%v", m.Kind, m.Title, m.ExternalURL, m.DueAt))
		}
		for _, q := range c.quizzes {
			out = append(out, "quiz "+q.Title)
			for _, qq := range c.questions[q.ID] {
				out = append(out, "question "+qq.Text)
			}
			for _, a := range c.attempts[q.ID] {
				out = append(out, fmt.Sprintf("attempt %d|%d|%s|%d/%d|%d|%v|%v", a.UserID, a.Number, a.Status,
					a.Score, a.MaxScore, a.PendingCount, a.StartedAt, a.FinishedAt))
			}
		}
		marks, err := db.MarksOfSubject(context.Background(), id, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range marks {
			grade := "-"
			if m.Marks != nil {
				grade = fmt.Sprint(*m.Marks)
			}
			out = append(out, fmt.Sprintf("hand-in %d|%d|%v|%v|%s", m.MaterialID, m.StudentID, m.IsLate, m.SubmittedAt, grade))
		}
	}
	return out
}

func TestLearningDeterministic(t *testing.T) {
	skipUnderRace(t)
	a, b, c := openDB(t), openDB(t), openDB(t)
	ra, rb, rc := run(t, a, small(7)), run(t, b, small(7)), run(t, c, small(8))
	sa, sb, sc := learningSnapshot(t, a, ra.Subjects), learningSnapshot(t, b, rb.Subjects), learningSnapshot(t, c, rc.Subjects)
	if len(sa) == 0 {
		t.Fatal("no learning content")
	}
	if !slices.Equal(sa, sb) {
		for i := range min(len(sa), len(sb)) {
			if sa[i] != sb[i] {
				t.Fatalf("the same seed gave different learning content: %q vs %q", sa[i], sb[i])
			}
		}
		t.Fatalf("the same seed gave %d and %d lines", len(sa), len(sb))
	}
	ra.Learning.Elapsed, rb.Learning.Elapsed = 0, 0
	if ra.Learning != rb.Learning {
		t.Errorf("the same seed gave different counts: %+v vs %+v", ra.Learning, rb.Learning)
	}
	if slices.Equal(sa, sc) {
		t.Error("different seeds gave the same attempts")
	}
}

// TestLearningSmall: without instructors there are no subjects and nothing to add;
// a subject without students gets its materials and quiz but no attempts.
func TestLearningSmall(t *testing.T) {
	for _, users := range []int{1, 2, 3} {
		db := openDB(t)
		o := Options{Users: users, Posts: 3, Password: "pw-for-tests", Now: testNow, Seed: 1}
		res := run(t, db, o)
		if res.Subjects == 0 && res.Learning != (LearningResult{}) {
			t.Errorf("%d users, no subjects, but learning content %+v", users, res.Learning)
		}
		if res.Subjects > 0 && (res.Learning.Quizzes != res.Subjects || res.Learning.Materials < 2*res.Subjects) {
			t.Errorf("%d users: %+v", users, res)
		}
		if problems, err := db.SeedCheck(context.Background()); err != nil || len(problems) > 0 {
			t.Fatalf("%d users: %v %v", users, problems, err)
		}
	}
}
