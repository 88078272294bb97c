package browsertest

import (
	"context"
	"strconv"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/seed"
	"eplatform/app/store"
)

// TestDetailPagesCheck: the pages that need seeded rows — an instructor's subject,
// quiz (its settings and questions), analytics, grading, gradebook, hand-ins and a
// hand-in's grading page, calendar and quizzes; a student's quiz, an attempt being
// taken and a result, grades, a subject, a material, a post, who liked it and a
// profile — at a phone's and a laptop's width, light and dark, on one seeded app:
// no horizontal overflow, no serious or critical axe-core finding (checkPage). The
// rest of the page-by-page check of issue 14, with TestMainPagesCheck and
// TestChatPagesCheck.
func TestDetailPagesCheck(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ctx := context.Background()
	opts := seed.DefaultOptions()
	opts.Users, opts.Posts = 40, 120
	res, err := seed.Run(ctx, app.State.DB, opts)
	if err != nil {
		t.Fatal(err)
	}
	user := func(name string) store.User {
		t.Helper()
		u, err := app.State.DB.UserByUsername(ctx, name)
		if err != nil {
			t.Fatalf("user %q: %v", name, err)
		}
		return u
	}
	teacher, student := user(res.Instructor), user(res.Student)

	// The instructor's pages: their newest quiz, its subject, an assignment of it.
	taught, err := app.State.DB.QuizzesCreatedBy(ctx, teacher.ID, false, 10)
	if err != nil || len(taught) == 0 {
		t.Fatalf("quizzes of %s: %d %v", teacher.Username, len(taught), err)
	}
	quiz := "/home/quizzes/" + id64(taught[0].ID) + "/"
	subject := "/home/subjects/" + taught[0].SubjectCode + "/"
	assignmentOf := func(subjectID int64) string {
		t.Helper()
		mats, err := app.State.DB.MaterialsOfSubject(ctx, subjectID, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mats {
			if m.Kind == "assignment" {
				return "/home/materials/" + id64(m.ID) + "/"
			}
		}
		t.Fatalf("no assignment in subject %d", subjectID)
		return ""
	}
	assignment := assignmentOf(taught[0].SubjectID)
	teacherPages := []string{subject, subject + "gradebook/", subject + "edit/", subject + "materials/new/",
		quiz, quiz + "analytics/", quiz + "grading/", "/home/quizzes/new/",
		assignment, assignment + "edit/", assignment + "submissions/",
		"/home/quizzes/my/", "/home/quizzes/", "/home/calendar/", "/home/subjects/my/", "/home/notifications/"}
	// A student's result as the instructor reads it, and a question's answers to grade.
	if taken, err := app.State.DB.AttemptsOfQuiz(ctx, taught[0].ID, 5); err != nil || len(taken) == 0 {
		t.Fatalf("attempts at %s: %d %v", quiz, len(taken), err)
	} else {
		teacherPages = append(teacherPages, "/home/attempts/"+id64(taken[0].ID)+"/results/")
	}
	qs, err := app.State.DB.QuestionsOfQuiz(ctx, taught[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if q.Kind == "short_answer" {
			teacherPages = append(teacherPages, "/home/questions/"+id64(q.ID)+"/grading/")
			break
		}
	}

	// The student's: a finished attempt's result, an attempt under way, its quiz.
	done, err := app.State.DB.AttemptsByUser(ctx, student.ID, 20)
	if err != nil || len(done) == 0 {
		t.Fatalf("attempts of %s: %d %v", student.Username, len(done), err)
	}
	results := ""
	for _, a := range done {
		if !a.FinishedAt.IsZero() {
			results = "/home/attempts/" + id64(a.ID) + "/results/"
			break
		}
	}
	open, err := app.State.DB.QuizzesForUser(ctx, student.ID, false, 20)
	if err != nil {
		t.Fatal(err)
	}
	take, studentQuiz, studentSubject, handIn := "", "", "", ""
	for _, q := range open {
		if att, _, err := app.State.Quiz.Start(ctx, student, q.ID); err == nil {
			take, studentQuiz = "/home/attempts/"+id64(att.ID)+"/", "/home/quizzes/"+id64(q.ID)+"/"
			studentSubject, handIn = "/home/subjects/"+q.SubjectCode+"/", assignmentOf(q.SubjectID)
			break
		}
	}
	if results == "" || take == "" {
		t.Fatalf("no finished attempt (%q) or no quiz to start (%q) for %s", results, take, student.Username)
	}
	studentPages := []string{studentQuiz, take, results, studentSubject, handIn, "/home/grades/", "/home/subjects/my/",
		"/home/profile/" + teacher.Username + "/"}

	axe := axeScript(t)
	run := func(who store.User, pages []string, more func(b *Browser) []string) {
		b := New(t)
		b.Navigate(app.URL + "/login/")
		b.SetValue("#id_username", who.Username)
		b.SetValue("#id_password", opts.Password)
		b.Submit("form[action='/login/']")
		b.WaitJS(`location.pathname === "/home/"`)
		checkPages(t, b, app.URL, axe, who.Username, append(pages, more(b)...))
	}
	// Links read off pages: a hand-in to grade, a material, a post and who liked it.
	firstLink := func(b *Browser, page, selector string) string {
		t.Helper()
		b.Navigate(app.URL + page)
		var href string
		b.Eval(`(document.querySelector(`+strconv.Quote(selector)+`) || {getAttribute: () => ""}).getAttribute("href")`, &href)
		if href == "" {
			t.Errorf("no %s on %s", selector, page)
		}
		return href
	}
	run(teacher, teacherPages, func(b *Browser) []string {
		if h := firstLink(b, assignment+"submissions/", `a[href^="/home/submissions/"]`); h != "" {
			return []string{h}
		}
		return nil
	})
	run(student, studentPages, func(b *Browser) []string {
		var out []string
		if h := firstLink(b, "/home/", `a[href^="/home/post/"][href$="/"]`); h != "" {
			out = append(out, h, h+"likes/")
		}
		if m := firstLink(b, studentSubject, `a[href^="/home/materials/"]`); m != "" {
			out = append(out, m)
		}
		return out
	})
}
