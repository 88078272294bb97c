package seed

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"eplatform/app/chat"
	"eplatform/app/desk"
	"eplatform/app/mail"
	"eplatform/app/store"
)

// DemoResult counts the chats, FAQ, appointments and contact messages added so no
// page of the demo opens empty.
type DemoResult struct {
	Conversations, Messages, FAQs, Appointments, Contacts int
}

func (r DemoResult) String() string {
	return fmt.Sprintf("; %d conversations with %d messages, %d FAQ entries, %d appointments, %d contact messages",
		r.Conversations, r.Messages, r.FAQs, r.Appointments, r.Contacts)
}

// demoFAQ are the contact page's questions, by category.
var demoFAQ = []desk.FAQInput{
	{Category: "Account", Question: "How do I reset my password?", Answer: "Use “Forgot password?” on the login page. A link valid for three days is mailed to your address."},
	{Category: "Account", Question: "Why does signing up not sign me in?", Answer: "Your account is created first; then sign in with the username and password you chose."},
	{Category: "Subjects", Question: "How do I enroll in a subject?", Answer: "Open Subjects, pick one and press Enroll. Its materials and quizzes appear once you are enrolled."},
	{Category: "Subjects", Question: "Where do I hand in an assignment?", Answer: "Open the assignment in the subject's materials and upload your file before the due date."},
	{Category: "Quizzes", Question: "What happens when the time runs out?", Answer: "The quiz is handed in with the answers saved so far; the server keeps the deadline, not your browser."},
	{Category: "Quizzes", Question: "Who grades short answers?", Answer: "The subject's instructor; your result shows “pending” until they have."},
}

// addDemo fills the pages the bulk seed leaves empty, through the services (so every
// rule, notification and outbox mail happens as on the site): a 1:1 chat between the
// demo student and instructor and a group (the instructor and four students) with some messages read and some not, the
// FAQ, an appointment in every state, and contact messages (which mail the admins, so
// the outbox has mail). students are other students to add to the group.
func addDemo(ctx context.Context, db *store.DB, opts Options, adminName, instructorName, studentName string, students []int64) (DemoResult, error) {
	var res DemoResult
	load := func(name string) (store.User, error) { return db.UserByUsername(ctx, name) }
	admin, err := load(adminName)
	if err != nil {
		return res, err
	}
	teacher, err := load(instructorName)
	if err != nil {
		return res, err
	}
	student, err := load(studentName)
	if err != nil {
		return res, err
	}
	now := opts.Now.UTC().Truncate(time.Minute)
	clock := now.Add(-3 * 24 * time.Hour)
	tick := func() time.Time { return clock }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	chats := &chat.Service{DB: db, Now: tick, Log: log}
	dsk := &desk.Service{DB: db, Now: tick, Log: log, Mail: mail.New(db, mail.SMTPConfig{}, log, tick)}

	say := func(who store.User, conv int64, text string) error {
		clock = clock.Add(7 * time.Minute)
		if _, err := chats.Send(ctx, who, conv, text, nil, ""); err != nil {
			return fmt.Errorf("demo chat: %w", err)
		}
		res.Messages++
		return nil
	}
	// 1:1: the student asks, the teacher answers; the student has read everything but
	// the teacher's last message.
	start, err := chats.StartDirect(ctx, student, teacher.ID, "Hello! Could you look at my draft before Friday?")
	if err != nil {
		return res, fmt.Errorf("demo chat: %w", err)
	}
	res.Conversations++
	res.Messages++
	direct := start.ConversationID
	for _, m := range []struct {
		who  store.User
		text string
	}{{teacher, "Of course. Send it over when it's ready."}, {student, "Thanks! It's the one on recursion."}, {teacher, "Read it: the base case needs a second look, the rest is good."}} {
		if err := say(m.who, direct, m.text); err != nil {
			return res, err
		}
		if m.who.ID == teacher.ID && m.text[0] == 'O' {
			if _, err := chats.MarkRead(ctx, student.ID, direct); err != nil {
				return res, err
			}
		}
	}
	if _, err := chats.MarkRead(ctx, teacher.ID, direct); err != nil {
		return res, err
	}

	// A study group: the teacher and up to four students; the demo student has not read
	// the newest messages, another member has read them all.
	members := []int64{student.ID}
	for _, id := range students {
		if id != student.ID && len(members) < 4 {
			members = append(members, id)
		}
	}
	clock = clock.Add(24 * time.Hour)
	group, err := chats.CreateGroup(ctx, teacher, "Study group", members)
	if err != nil {
		return res, fmt.Errorf("demo group: %w", err)
	}
	res.Conversations++
	lines := []string{"Welcome to the study group! Questions about this week's reading go here.", "Is the quiz open book?", "No, but the formula sheet is allowed.", "Great, see you on Thursday."}
	speakers := []store.User{teacher, student, teacher, student}
	for i, text := range lines {
		if i == 2 {
			if _, err := chats.MarkRead(ctx, student.ID, group); err != nil {
				return res, err
			}
		}
		if err := say(speakers[i], group, text); err != nil {
			return res, err
		}
	}
	if len(members) > 1 {
		if _, err := chats.MarkRead(ctx, members[1], group); err != nil {
			return res, err
		}
	}

	for i, f := range demoFAQ {
		f.Position, f.Active = i, true
		if _, err := dsk.SaveFAQ(ctx, admin, 0, f); err != nil {
			return res, fmt.Errorf("demo faq: %w", err)
		}
		res.FAQs++
	}

	// Appointments: one left in each state, on the next weekdays' office hours.
	day := now.Add(24 * time.Hour)
	next := func() string {
		for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			day = day.Add(24 * time.Hour)
		}
		d := day.Format("2006-01-02")
		day = day.Add(24 * time.Hour)
		return d
	}
	clock = now
	for i, step := range [][]string{{}, {desk.ActionApprove}, {desk.ActionReject}, {desk.ActionApprove, desk.ActionComplete}, {desk.ActionCancel}} {
		a, err := dsk.Book(ctx, student, desk.BookInput{InstructorID: teacher.ID, Name: student.FirstName + " " + student.LastName,
			Email: student.Email, Date: next(), Time: fmt.Sprintf("%02d:00", 10+i), Type: desk.AppointmentTypes[i%len(desk.AppointmentTypes)].Value,
			Message: "I'd like to talk about my progress."})
		if err != nil {
			return res, fmt.Errorf("demo appointment: %w", err)
		}
		res.Appointments++
		for _, act := range step {
			who := teacher
			if act == desk.ActionCancel {
				who = student
			}
			if _, err := dsk.Change(ctx, who, a.ID, act); err != nil {
				return res, fmt.Errorf("demo appointment %s: %w", act, err)
			}
		}
	}

	// Contact messages (each mails the admins: the outbox), the first one handled.
	for i, c := range []desk.ContactInput{
		{Name: "Maya Lind", Email: "maya.lind@example.org", Subject: "Guest access for parents", Message: "Can parents see their children's grades?"},
		{Name: student.FirstName + " " + student.LastName, Email: student.Email, Subject: "Wrong birth date", Message: "I typed my birth date wrong when I signed up. Can you fix it?"},
		{Name: "Omar Haddad", Email: "omar.haddad@example.org", Subject: "School licence", Message: "We would like to use the platform for two classes. Who do we talk to?"},
	} {
		m, err := dsk.Contact(ctx, store.User{}, c)
		if err != nil {
			return res, fmt.Errorf("demo contact: %w", err)
		}
		res.Contacts++
		if i == 0 {
			if err := dsk.MarkHandled(ctx, admin, m.ID); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}
