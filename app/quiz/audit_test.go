package quiz_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"eplatform/app/audit"
	"eplatform/app/quiz"
)

// Grading and regrading a short answer are recorded with the marks and the attempt's
// score before and after; a refused grade and a batch that rolls back are not.
func TestGradesAreAudited(t *testing.T) {
	w := newWorld(t)
	att, _, err := w.svc.Start(ctx, w.stud, w.qz.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: w.mcq.ID, AnswerID: w.mcqRight},
		{QuestionID: w.short.ID, Text: str("Merge sort")}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.svc.Submit(ctx, w.stud, att.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Grade(ctx, w.teach2, att.ID, w.short.ID, 2, ""); err == nil {
		t.Fatal("another subject's instructor graded")
	}
	if _, err := w.svc.Grade(ctx, w.teach, att.ID, w.short.ID, 9, ""); err == nil {
		t.Fatal("marks above the maximum were given")
	}
	if n := len(w.app.AuditEntries(audit.AnswerGrade)); n != 0 {
		t.Fatalf("refused grades recorded: %d", n)
	}
	if _, err := w.svc.Grade(ctx, w.teach, att.ID, w.short.ID, 2, "Fine"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Grade(ctx, w.admin, att.ID, w.short.ID, 3, "Fine after all"); err != nil {
		t.Fatal(err)
	}
	list := w.app.AuditEntries(audit.AnswerGrade)
	if len(list) != 2 {
		t.Fatalf("%d grade entries, want 2", len(list))
	}
	regrade, grade := list[0], list[1]
	if grade.ActorName != "teach" || regrade.ActorName != "admin" || grade.TargetKind != audit.KindAttempt || grade.TargetID != att.ID {
		t.Errorf("entries: %+v %+v", grade, regrade)
	}
	check := func(what, got, want string) {
		t.Helper()
		var g, w map[string]any
		if err := json.Unmarshal([]byte(got), &g); err != nil {
			t.Fatal(err)
		}
		_ = json.Unmarshal([]byte(want), &w)
		gb, _ := json.Marshal(g)
		wb, _ := json.Marshal(w)
		if string(gb) != string(wb) {
			t.Errorf("%s = %s, want %s", what, gb, wb)
		}
	}
	q := w.short.ID
	check("grade before", grade.Before, `{"question":`+strconv.FormatInt(q, 10)+`,"marks":null,"feedback":"","score":2,"pending":1}`)
	check("grade after", grade.After, `{"question":`+strconv.FormatInt(q, 10)+`,"marks":2,"feedback":"Fine","score":4,"pending":0}`)
	check("regrade before", regrade.Before, `{"question":`+strconv.FormatInt(q, 10)+`,"marks":2,"feedback":"Fine","score":4,"pending":0}`)
	check("regrade after", regrade.After, `{"question":`+strconv.FormatInt(q, 10)+`,"marks":3,"feedback":"Fine after all","score":5,"pending":0}`)

	// A batch whose second row is refused stores nothing, its first row's entry included.
	three := 3
	if _, err := w.svc.GradeQuestion(ctx, w.teach, w.short.ID, []quiz.GradeIn{{AttemptID: att.ID, Marks: &three},
		{AttemptID: att.ID + 1000, Marks: &three}}); err == nil {
		t.Fatal("a batch with an unknown attempt was stored")
	}
	if n := len(w.app.AuditEntries(audit.AnswerGrade)); n != 2 {
		t.Fatalf("a rolled-back batch left entries: %d", n)
	}
}
