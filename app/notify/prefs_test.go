package notify_test

import (
	"context"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/coursework"
	"eplatform/app/desk"
	"eplatform/app/learn"
	"eplatform/app/notify"
	"eplatform/app/problem"
	"eplatform/app/quiz"
	"eplatform/app/store"
)

// kindWorld makes one notification of every kind the code creates, through the domain
// services as the handlers call them: stud is mentioned, commented, liked, graded
// (quiz and hand-in); teach hears of an enrollment, a finished quiz and an appointment.
type kindWorld struct {
	app         *apptest.App
	stud, teach store.User
}

func (w kindWorld) makeEveryKind(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	st := w.app.State
	bob := w.app.Account("bob", "student")
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err := st.Feed.CreatePost(ctx, bob, "hello @stud", nil)
	must("mention", err)
	post, err := st.Feed.CreatePost(ctx, w.stud, "my post", nil)
	must("post", err)
	_, _, err = st.Feed.AddComment(ctx, bob, post.ID, "nice")
	must("comment", err)
	_, _, err = st.Feed.ToggleLike(ctx, bob, post.ID)
	must("like", err)

	subj, err := st.Learn.CreateSubject(ctx, w.teach, learn.SubjectInput{Name: learn.Str("Computing"), Code: learn.Str("CS1")})
	must("subject", err)
	_, err = st.Learn.Enroll(ctx, w.stud, subj.ID)
	must("enrollment", err)

	title := "Basics"
	qz, err := st.Quiz.CreateQuiz(ctx, w.teach, subj.ID, quiz.QuizInput{Title: &title})
	must("quiz", err)
	short, err := st.Quiz.AddQuestion(ctx, w.teach, qz.ID, quiz.QuestionInput{Kind: quiz.ShortAnswer, Text: "Name a sort", Marks: 3,
		Answers: []store.AnswerFields{{Text: "Quicksort"}}})
	must("question", err)
	att, _, err := st.Quiz.Start(ctx, w.stud, qz.ID)
	must("start", err)
	answer := "Radix sort"
	_, err = st.Quiz.Save(ctx, w.stud, att.ID, []quiz.AnswerIn{{QuestionID: short.ID, Text: &answer}})
	must("save", err)
	_, _, err = st.Quiz.Submit(ctx, w.stud, att.ID)
	must("quiz_completed", err)
	_, err = st.Quiz.Grade(ctx, w.teach, att.ID, short.ID, 2, "")
	must("quiz_graded", err)

	m, err := st.Learn.AddMaterial(ctx, w.teach, subj.ID, learn.MaterialInput{Kind: learn.Str(learn.Assignment), Title: learn.Str("Essay")})
	must("assignment", err)
	res, err := st.Coursework.Submit(ctx, w.stud, m.ID, coursework.SubmitInput{Text: "Mine"})
	must("hand-in", err)
	marks := 50
	_, err = st.Coursework.Grade(ctx, w.teach, res.Submission.ID, coursework.GradeInput{Marks: &marks})
	must("assignment_graded", err)

	// The test clock is Wednesday 2026-11-25 12:00 UTC: Thursday 10:00 is bookable.
	_, err = st.Desk.Book(ctx, w.stud, desk.BookInput{InstructorID: w.teach.ID, Name: "Stud", Email: "stud@example.com",
		Date: "2026-11-26", Time: "10:00"})
	must("appointment", err)
}

// countByType counts every notification of the two people by kind.
func (w kindWorld) countByType(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, u := range []store.User{w.stud, w.teach} {
		list, err := w.app.State.Notify.List(context.Background(), store.NotificationQuery{RecipientID: u.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range list {
			out[n.Type]++
		}
	}
	return out
}

// created are the kinds some code path creates today; "message" has a choice but
// chat keeps its own unread counts and creates no notification rows.
var created = []string{"mention", "comment", "like", "enrollment", "quiz_completed", "quiz_graded", "assignment_graded", "appointment"}

// TestChoiceHonouredAtCreation: with every kind off, none of them is created (so no
// count, frame or digest ever sees it); with every kind on (live or digest), each is
// created once.
func TestChoiceHonouredAtCreation(t *testing.T) {
	for _, choice := range []string{notify.Off, notify.Live, notify.Digest} {
		t.Run(choice, func(t *testing.T) {
			app := apptest.StartRelaxed(t)
			w := kindWorld{app: app, stud: app.Account("stud", "student"), teach: app.Account("teach", "instructor")}
			all := map[string]string{}
			for _, k := range notify.Kinds {
				all[k.Name] = choice
			}
			for _, u := range []store.User{w.stud, w.teach} {
				if _, err := app.State.Notify.SetPreferences(context.Background(), u.ID, notify.PreferencesUpdate{Kinds: all}); err != nil {
					t.Fatal(err)
				}
			}
			w.makeEveryKind(t)
			got := w.countByType(t)
			for _, kind := range created {
				want := 1
				if choice == notify.Off {
					want = 0
				}
				if got[kind] != want {
					t.Errorf("%s with %s: %d notifications, want %d (all: %v)", kind, choice, got[kind], want, got)
				}
			}
			if choice == notify.Off {
				for _, u := range []store.User{w.stud, w.teach} {
					if n, err := app.State.Notify.Unread(context.Background(), u.ID); err != nil || n != 0 {
						t.Errorf("%s's unread count with everything off: %d %v", u.Username, n, err)
					}
				}
			}
		})
	}
}

// TestOneKindOffLeavesTheOthers: turning likes off drops only likes.
func TestOneKindOffLeavesTheOthers(t *testing.T) {
	app := apptest.StartRelaxed(t)
	w := kindWorld{app: app, stud: app.Account("stud", "student"), teach: app.Account("teach", "instructor")}
	if _, err := app.State.Notify.SetPreferences(context.Background(), w.stud.ID,
		notify.PreferencesUpdate{Kinds: map[string]string{"like": notify.Off}}); err != nil {
		t.Fatal(err)
	}
	w.makeEveryKind(t)
	got := w.countByType(t)
	for _, kind := range created {
		want := 1
		if kind == "like" {
			want = 0
		}
		if got[kind] != want {
			t.Errorf("%s: %d, want %d (%v)", kind, got[kind], want, got)
		}
	}
}

func TestPreferencesDefaultsAndValidation(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	ada := app.Account("ada", "student")
	n := app.State.Notify
	p, err := n.Preferences(ctx, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"mention": "digest", "comment": "digest", "like": "live", "message": "digest", "enrollment": "live",
		"quiz_completed": "live", "quiz_graded": "digest", "assignment_graded": "digest", "appointment": "digest"}
	if len(p.Kinds) != len(want) || p.DigestFrequency != "daily" {
		t.Fatalf("defaults %+v", p)
	}
	for k, v := range want {
		if p.Kinds[k] != v {
			t.Errorf("default of %s = %s, want %s", k, p.Kinds[k], v)
		}
	}
	weekly, bad := "weekly", "hourly"
	cases := []struct {
		u     notify.PreferencesUpdate
		field string
	}{
		{notify.PreferencesUpdate{Kinds: map[string]string{"poke": "live"}}, "kinds"},
		{notify.PreferencesUpdate{Kinds: map[string]string{"like": "loud"}}, "kinds"},
		{notify.PreferencesUpdate{Kinds: map[string]string{"like": "off"}, DigestFrequency: &bad}, "digest_frequency"},
	}
	for _, c := range cases {
		_, err := n.SetPreferences(ctx, ada.ID, c.u)
		apptest.WantKind(t, "bad update", err, problem.KindInvalid)
		apptest.WantField(t, "bad update", err, c.field, "")
	}
	// Nothing of a refused update was kept (the like stayed live).
	if p, _ := n.Preferences(ctx, ada.ID); p.Kinds["like"] != "live" || p.DigestFrequency != "daily" {
		t.Fatalf("a refused update was half applied: %+v", p)
	}
	p, err = n.SetPreferences(ctx, ada.ID, notify.PreferencesUpdate{Kinds: map[string]string{"like": "off", "mention": "live"}, DigestFrequency: &weekly})
	if err != nil || p.Kinds["like"] != "off" || p.Kinds["mention"] != "live" || p.Kinds["comment"] != "digest" || p.DigestFrequency != "weekly" {
		t.Fatalf("after update %+v %v", p, err)
	}
}
