package roster_test

import (
	"context"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/auth"
	"eplatform/app/learn"
	"eplatform/app/problem"
	"eplatform/app/roster"
	"eplatform/app/store"
)

// The class-list rules, called as the handlers and the command call them, on a real
// database.

var ctx = context.Background()

type world struct {
	app                *apptest.App
	svc                *roster.Service
	adm, teach, teach2 store.User
	stud               store.User
	subj, subj2        store.Subject
}

func newWorld(t *testing.T) *world {
	t.Helper()
	app := apptest.StartRelaxed(t)
	w := &world{app: app, svc: app.State.Roster, adm: app.Account("root", "admin"),
		teach: app.Account("teach", "instructor"), teach2: app.Account("teach2", "instructor"),
		stud: app.Account("stud", "student")}
	var err error
	if w.subj, err = app.State.Learn.CreateSubject(ctx, w.teach, learn.SubjectInput{Name: learn.Str("Computing"), Code: learn.Str("CS1")}); err != nil {
		t.Fatal(err)
	}
	if w.subj2, err = app.State.Learn.CreateSubject(ctx, w.teach2, learn.SubjectInput{Name: learn.Str("Maths"), Code: learn.Str("MA-2")}); err != nil {
		t.Fatal(err)
	}
	return w
}

const header = "username,email,first_name,last_name,user_type,birthdate,subjects\n"

const good = header +
	"ada,ada@example.com,Ada,Lovelace,student,2005-03-04,CS1 ma-2\n" +
	"alan,alan@example.com,Alan,Turing,student,2004-06-23,cs1;MA-2\n" +
	"grace,grace@example.com,Grace,Hopper,instructor,,\n" +
	"edsger,edsger@example.com,Edsger,Dijkstra,admin,1930-05-11,\n"

func (w *world) count(t *testing.T) int {
	t.Helper()
	n, err := w.app.State.DB.CountUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportGoodFile(t *testing.T) {
	w := newWorld(t)
	before := w.count(t)
	rep, err := w.svc.Preview(ctx, w.adm, []byte(good))
	if err != nil || rep.Bad != 0 || rep.Created() != 4 || rep.Imported {
		t.Fatalf("preview: %+v %v", rep, err)
	}
	if w.count(t) != before {
		t.Fatal("a preview wrote users")
	}
	rep, err = w.svc.Import(ctx, w.adm, []byte(good))
	if err != nil || !rep.Imported || rep.Created() != 4 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	if w.count(t) != before+4 {
		t.Fatalf("users: %d, want %d", w.count(t), before+4)
	}
	ada, err := w.app.State.DB.UserByUsername(ctx, "ada")
	if err != nil || ada.Email != "ada@example.com" || ada.UserType != "student" || ada.Birthdate != "2005-03-04" || ada.FirstName != "Ada" {
		t.Fatalf("ada: %+v %v", ada, err)
	}
	grace, _ := w.app.State.DB.UserByUsername(ctx, "grace")
	if grace.UserType != "instructor" || grace.Birthdate != "" {
		t.Errorf("grace: %+v", grace)
	}
	for _, s := range []store.Subject{w.subj, w.subj2} {
		for _, u := range []string{"ada", "alan"} {
			uu, _ := w.app.State.DB.UserByUsername(ctx, u)
			if ok, err := w.app.State.DB.IsEnrolled(ctx, s.ID, uu.ID); err != nil || !ok {
				t.Errorf("%s not enrolled in %s: %v", u, s.Code, err)
			}
		}
		if n, _ := w.app.State.DB.CountActiveEnrollments(ctx, s.ID); n != 2 {
			t.Errorf("%s has %d students", s.Code, n)
		}
		got, _ := w.app.State.DB.SubjectByID(ctx, s.ID)
		if got.StudentsCount != 2 {
			t.Errorf("%s students_count %d", s.Code, got.StudentsCount)
		}
	}
	// Nobody can sign in before choosing a password; the mailed link sets it.
	if _, err := w.app.State.Auth.Authenticate(ctx, "ada", ""); err == nil {
		t.Fatal("an invited account signed in without a password")
	}
	if _, err := w.app.State.Auth.Authenticate(ctx, "ada", "!"); err == nil {
		t.Fatal("the unusable hash is a password")
	}
	mails, err := w.app.State.DB.RecentMail(ctx, 0, 10)
	if err != nil || len(mails) != 4 {
		t.Fatalf("outbox: %d mails, %v", len(mails), err)
	}
	var link string
	for _, row := range rep.Rows {
		if row.Username == "ada" {
			link = row.Link
		}
	}
	found := false
	for _, m := range mails {
		if m.To == "ada@example.com" && strings.Contains(m.Body, link) && strings.Contains(m.Body, `"ada"`) {
			found = true
		}
	}
	if !found || link == "" {
		t.Fatalf("no invitation with %q for ada in %+v", link, mails)
	}
	token := strings.TrimSuffix(link[strings.Index(link, "/reset/")+len("/reset/"):], "/")
	// Valid for a week, not the hour of a reset.
	w.app.Clock.Advance(6 * 24 * 60 * 60e9)
	if _, err := w.app.State.Auth.ResetPassword(ctx, token, "correct-Horse-7", "correct-Horse-7"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.app.State.Auth.Authenticate(ctx, "ada", "correct-Horse-7"); err != nil {
		t.Fatalf("after setting the password: %v", err)
	}
	if strings.Contains(w.app.Logs.String(), "unreadable password hash") {
		t.Error("an invited account's sign-in logged an unreadable hash")
	}
}

func TestInvitationExpiresAfterAWeek(t *testing.T) {
	w := newWorld(t)
	rep, err := w.svc.ImportAsOwner(ctx, []byte(header+"ada,ada@example.com,Ada,Lovelace,student,2005-03-04,\n"))
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSuffix(rep.Rows[0].Link[strings.Index(rep.Rows[0].Link, "/reset/")+len("/reset/"):], "/")
	w.app.Clock.Advance(auth.InviteTokenLife + 1e9)
	_, err = w.app.State.Auth.ResetPassword(ctx, token, "correct-Horse-7", "correct-Horse-7")
	apptest.WantKind(t, "expired invitation", err, problem.KindNotFound)
}

// Every kind of bad row gives its own error on its own row, and nothing is written.
func TestImportBadRowsImportNothing(t *testing.T) {
	w := newWorld(t)
	before := w.count(t)
	file := header +
		"ok1,ok1@example.com,Ok,One,student,2005-03-04,CS1\n" + // line 2: fine
		"stud,new@example.com,Dup,Db,student,2005-03-04,\n" + // 3: username in the database
		"newer,STUD@example.com,Dup,Db,student,2005-03-04,\n" + // 4: email in the database (any case)
		"OK1,other@example.com,Dup,File,student,2005-03-04,\n" + // 5: username as line 2
		"ok5,OK1@example.com,Dup,File,student,2005-03-04,\n" + // 6: email as line 2
		"ok6,not-an-email,Bad,Email,student,2005-03-04,\n" + // 7
		"ok7,ok7@example.com,,Missing,student,2005-03-04,\n" + // 8: first name missing
		"ok8,ok8@example.com,Role,Bad,teacher,2005-03-04,\n" + // 9: unknown user_type
		"ok9,ok9@example.com,Date,Bad,student,2005-13-40,\n" + // 10: bad birthdate
		"ok10,ok10@example.com,Too,Young,student,2012-01-01,\n" + // 11: 14 years old
		"ok11,ok11@example.com,Too,Old,student,1970-01-01,\n" + // 12: 56 years old
		"ok12,ok12@example.com,No,Subject,student,2005-03-04,CS1 NOPE\n" + // 13: unknown code
		"ok13,ok13@example.com,=cmd|' /C calc'!A0,Formula,student,2005-03-04,\n" + // 14: a formula
		"bad name,ok14@example.com,Bad,User,student,2005-03-04,\n" + // 15: bad username
		"ok15,ok15@example.com,Staff,Subject,instructor,,CS1\n" + // 16: staff enrolled
		"ok16,ok16@example.com,No,Birth,student,,\n" + // 17: students need a birthdate
		"ok17,ok17@example.com,Extra,Values,student,2005-03-04,,surplus\n" // 18: too many values
	want := map[int][2]string{
		3: {"username", "already exists"}, 4: {"email", "already exists"},
		5: {"username", "line 2"}, 6: {"email", "line 2"}, 7: {"email", "valid email"},
		8: {"first_name", "required"}, 9: {"user_type", "valid choice"}, 10: {"birthdate", "valid date"},
		11: {"birthdate", "between 17 and 40"}, 12: {"birthdate", "between 17 and 40"},
		13: {"subjects", `"NOPE"`}, 14: {"first_name", "formula"}, 15: {"username", "valid username"},
		16: {"subjects", "Only students"}, 17: {"birthdate", "required"}, 18: {"non_field_errors", "8 values"},
	}
	for _, call := range []string{"preview", "import"} {
		var rep roster.Report
		var err error
		if call == "preview" {
			rep, err = w.svc.Preview(ctx, w.adm, []byte(file))
		} else {
			rep, err = w.svc.Import(ctx, w.adm, []byte(file))
			apptest.WantKind(t, "import of bad rows", err, problem.KindInvalid)
		}
		if call == "preview" && err != nil {
			t.Fatal(err)
		}
		if rep.Bad != len(want) || len(rep.Rows) != len(want)+1 || rep.Imported {
			t.Errorf("%s: %d bad of %d rows, imported %v", call, rep.Bad, len(rep.Rows), rep.Imported)
		}
		for _, row := range rep.Rows {
			wf, bad := want[row.Line]
			if !bad {
				if len(row.Errors) > 0 {
					t.Errorf("%s line %d: unexpected errors %v", call, row.Line, row.Errors)
				}
				continue
			}
			if got := strings.Join(row.Errors[wf[0]], " "); !strings.Contains(got, wf[1]) {
				t.Errorf("%s line %d: %s errors %q, want %q (all: %v)", call, row.Line, wf[0], got, wf[1], row.Errors)
			}
		}
	}
	if w.count(t) != before {
		t.Fatalf("users: %d, want %d: a bad file imported something", w.count(t), before)
	}
	if n, _ := w.app.State.DB.CountActiveEnrollments(ctx, w.subj.ID); n != 0 {
		t.Fatalf("a bad file enrolled %d", n)
	}
	if mails, _ := w.app.State.DB.RecentMail(ctx, 0, 10); len(mails) != 0 {
		t.Fatalf("a bad file mailed %d", len(mails))
	}
}

// The file's quirks: a byte order mark, CRLF, columns in another order, semicolons as
// separators, quoted values, blank lines and an optional column left out.
func TestImportQuirks(t *testing.T) {
	w := newWorld(t)
	file := "\xEF\xBB\xBFEmail;User_Type;Username;Birthdate;Last_Name;First_Name\r\n" +
		"\"ada@example.com\";student;ada;2005-03-04;\"Lovelace; Countess\";Ada\r\n" +
		"\r\n" +
		" alan@example.com ; student ; alan ;2004-06-23;Turing;\"Alan \"\"A.M.\"\"\"\r\n"
	rep, err := w.svc.Import(ctx, w.adm, []byte(file))
	if err != nil {
		t.Fatalf("%v %+v", err, rep.Rows)
	}
	if len(rep.Rows) != 2 || rep.Rows[0].Line != 2 || rep.Rows[1].Line != 4 {
		t.Fatalf("rows: %+v", rep.Rows)
	}
	ada, _ := w.app.State.DB.UserByUsername(ctx, "ada")
	alan, _ := w.app.State.DB.UserByUsername(ctx, "alan")
	if ada.LastName != "Lovelace; Countess" || alan.FirstName != `Alan "A.M."` || alan.Email != "alan@example.com" {
		t.Errorf("values: %+v %+v", ada, alan)
	}
}

func TestImportFileErrors(t *testing.T) {
	w := newWorld(t)
	cases := []struct {
		name, file, msg string
	}{
		{"empty", "", "empty"},
		{"header only", header, "nobody"},
		{"no header", "ada,ada@example.com,Ada,Lovelace,student,2005-03-04\n", "unknown column"},
		{"missing column", "username,email,first_name,last_name,user_type\nada,a@example.com,A,L,student\n", "birthdate"},
		{"twice", "username,email,first_name,last_name,user_type,birthdate,email\n", "twice"},
		{"latin-1", header + "jos\xe9,j@example.com,Jos\xe9,X,student,2005-03-04,\n", "Line 2 is not UTF-8"},
		{"utf-16", "\xFF\xFEu\x00", "UTF-16"},
		{"quotes", header + "ada,\"ada@example.com,Ada\n", "not valid CSV"},
	}
	for _, c := range cases {
		_, err := w.svc.Preview(ctx, w.adm, []byte(c.file))
		apptest.WantField(t, c.name, err, "file", c.msg)
	}
	big := header + strings.Repeat("x,x@example.com,X,Y,student,2005-03-04,\n", roster.MaxRows+1)
	_, err := w.svc.Preview(ctx, w.adm, []byte(big))
	apptest.WantKind(t, "2001 rows", err, problem.KindTooLarge)
	_, err = w.svc.Preview(ctx, w.adm, []byte(header+strings.Repeat("#", roster.MaxBytes)))
	apptest.WantKind(t, "over 1 MB", err, problem.KindTooLarge)
}

func TestImportOnlyAdmins(t *testing.T) {
	w := newWorld(t)
	for _, u := range []store.User{w.teach, w.stud} {
		_, err := w.svc.Preview(ctx, u, []byte(good))
		apptest.WantKind(t, u.Username+" preview", err, problem.KindForbidden)
		_, err = w.svc.Import(ctx, u, []byte(good))
		apptest.WantKind(t, u.Username+" import", err, problem.KindForbidden)
	}
}

func TestEnrollList(t *testing.T) {
	w := newWorld(t)
	other := w.app.Account("other", "student")
	if _, err := w.app.State.Learn.Enroll(ctx, other, w.subj.ID); err != nil {
		t.Fatal(err)
	}
	w.app.Account("third", "student")
	list := roster.SplitList("stud\r\nOTHER@example.com, nobody ; teach2\n\n third \nstud\n")
	if strings.Join(list, "|") != "stud|OTHER@example.com|nobody|teach2|third" {
		t.Fatalf("split: %q", list)
	}
	res, err := w.svc.EnrollList(ctx, w.teach, w.subj.ID, list)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"stud enrolled", "OTHER@example.com already enrolled", "nobody unknown", "teach2 not a student", "third enrolled"}
	for i, l := range res.Lines {
		if got := l.Entry + " " + l.Outcome; i >= len(want) || got != want[i] {
			t.Errorf("line %d: %q", i, got)
		}
	}
	if res.Enrolled != 2 || res.StudentsCount != 3 || res.Lines[1].Username != "other" {
		t.Errorf("result: %+v", res)
	}
	// Admins may; the other instructor and students may not; an inactive subject is
	// not found for those who cannot see it.
	if _, err := w.svc.EnrollList(ctx, w.adm, w.subj.ID, []string{"stud"}); err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.EnrollList(ctx, w.teach2, w.subj.ID, []string{"stud"})
	apptest.WantKind(t, "other instructor", err, problem.KindForbidden)
	_, err = w.svc.EnrollList(ctx, w.stud, w.subj.ID, []string{"stud"})
	apptest.WantKind(t, "student", err, problem.KindForbidden)
	_, err = w.svc.EnrollList(ctx, w.teach, 99999, []string{"stud"})
	apptest.WantKind(t, "missing subject", err, problem.KindNotFound)
	_, err = w.svc.EnrollList(ctx, w.teach, w.subj.ID, nil)
	apptest.WantField(t, "empty list", err, "users", "at least one")
	_, err = w.svc.EnrollList(ctx, w.teach, w.subj.ID, make([]string, roster.MaxListLines+1))
	apptest.WantKind(t, "too long", err, problem.KindTooLarge)
}
