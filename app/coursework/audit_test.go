package coursework_test

import (
	"encoding/json"
	"testing"

	"eplatform/app/audit"
	"eplatform/app/coursework"
	"eplatform/app/learn"
)

// A hand-in's grade and regrade are recorded with the marks before and after; a
// refused grade is not.
func TestHandInGradesAreAudited(t *testing.T) {
	w := newWorld(t)
	m := w.assignment("Essay", 0, learn.LateAccept, 20)
	x := w.submit(w.stud, m, coursework.SubmitInput{Text: "My essay"}).Submission
	if _, err := w.svc.Grade(ctx, w.teach2, x.ID, coursework.GradeInput{Marks: ptr(5)}); err == nil {
		t.Fatal("another instructor graded")
	}
	if _, err := w.svc.Grade(ctx, w.teach, x.ID, coursework.GradeInput{Marks: ptr(21)}); err == nil {
		t.Fatal("marks above the maximum")
	}
	if n := len(w.app.AuditEntries(audit.SubmissionGrade)); n != 0 {
		t.Fatalf("refused grades recorded: %d", n)
	}
	w.grade(w.teach, x.ID, 12, "Good")
	w.grade(w.root, x.ID, 15, "Better on a second reading")
	list := w.app.AuditEntries(audit.SubmissionGrade)
	if len(list) != 2 {
		t.Fatalf("%d entries, want 2", len(list))
	}
	regrade, grade := list[0], list[1]
	if grade.ActorName != "teach" || regrade.ActorName != "root" || grade.TargetID != x.ID || grade.TargetLabel != "Essay · stud" {
		t.Errorf("entries: %+v %+v", grade, regrade)
	}
	for _, c := range []struct{ what, got, want string }{
		{"grade before", grade.Before, `{"feedback":"","marks":null,"max_marks":20}`},
		{"grade after", grade.After, `{"feedback":"Good","marks":12,"max_marks":20}`},
		{"regrade before", regrade.Before, `{"feedback":"Good","marks":12,"max_marks":20}`},
		{"regrade after", regrade.After, `{"feedback":"Better on a second reading","marks":15,"max_marks":20}`},
	} {
		var g map[string]any
		if err := json.Unmarshal([]byte(c.got), &g); err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(g); string(b) != c.want {
			t.Errorf("%s = %s, want %s", c.what, b, c.want)
		}
	}
}
