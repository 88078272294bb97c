// Package seed fills a database with realistic, deterministic demo content for
// `eplatform seed` and `eplatform serve -demo`: users of all three roles, learning-themed
// posts (some long, some with @mentions), likes, comments, notifications following the
// feed's rules, a few subjects with enrollments, and their learning content
// (materials, a quiz each, and students' attempts: see learning.go).
//
// A generator goroutine draws the rows from seeded random streams while the writer
// inserts the previous batch through store.Seeder, so the output depends only on the
// options: the same -seed gives the same users and texts.
package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"eplatform/app/auth"
	"eplatform/app/store"
)

// DefaultPassword is the password every demo user gets unless told otherwise.
const DefaultPassword = "demo-password-1"

// Options say how much to generate.
type Options struct {
	Users           int     // one admin, about 5% instructors, the rest students
	Posts           int     // spread over the past 90 days
	CommentsPerPost float64 // mean
	LikesPerPost    float64 // mean
	Seed            int64   // the same seed gives the same data
	Password        string  // every user's password
	Force           bool    // seed even when the database already has users
	Now             time.Time
	Progress        *Progress // nil: silent
	// CacheBytes is the writer's page cache while seeding (default: about the size of
	// the data, 64 MiB to 4 GiB, so random-order index inserts stay in memory).
	CacheBytes int64
	// CommitRows is the number of rows per transaction (default: store.SeedOptions').
	// Tests use small values to cross transaction boundaries.
	CommitRows int
}

// DefaultOptions are the command's defaults.
func DefaultOptions() Options {
	return Options{Users: 200, Posts: 2000, CommentsPerPost: 2, LikesPerPost: 5, Seed: 1, Password: DefaultPassword}
}

// ErrNotEmpty is returned when the database has users and Force is off.
var ErrNotEmpty = errors.New("seed: the database already has users")

// Result counts what was written.
type Result struct {
	Users, Subjects, Enrollments, Posts, Comments, Likes, Mentions, Notifications int64
	// Rows and Elapsed are about the bulk insert only (RowsPerSecond is its rate); the
	// learning content that follows it is counted in Learning, with its own duration.
	Rows     int64
	Elapsed  time.Duration
	Learning LearningResult
	// Demo is the chats, FAQ, appointments and contact messages (when the run has an
	// admin, an instructor and a student).
	Demo DemoResult
	// Logins to show: the admin, an instructor and a student ("" when none).
	Admin, Instructor, Student string
}

// RowsPerSecond is the overall insert rate.
func (r Result) RowsPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Rows) / r.Elapsed.Seconds()
}

// String is the one-line summary.
func (r Result) String() string {
	return fmt.Sprintf("seeded %d users, %d posts, %d comments, %d likes, %d mentions, %d notifications, "+
		"%d subjects, %d enrollments: %d rows in %s (%s rows/s)",
		r.Users, r.Posts, r.Comments, r.Likes, r.Mentions, r.Notifications, r.Subjects, r.Enrollments,
		r.Rows, fmtDuration(r.Elapsed), humanCount(r.RowsPerSecond())) + r.Learning.String() + r.Demo.String()
}

// String is the learning content's part of the summary ("" when none was added).
func (l LearningResult) String() string {
	if l.Materials == 0 && l.Quizzes == 0 {
		return ""
	}
	return fmt.Sprintf("; then %d materials (opened %d times), %d quizzes (%d questions), %d attempts, "+
		"%d short answers graded and %d waiting for grading, %d hand-ins (%d late, %d graded) in %s", l.Materials,
		l.Views, l.Quizzes, l.Questions, l.Attempts, l.Graded, l.Pending, l.HandIns, l.LateHandIns, l.GradedHandIns,
		fmtDuration(l.Elapsed))
}

func (o *Options) check() error {
	switch {
	case o.Users < 0 || o.Posts < 0:
		return errors.New("seed: -users and -posts must not be negative")
	case o.Posts > 0 && o.Users == 0:
		return errors.New("seed: posts need at least one user")
	case o.CommentsPerPost < 0 || o.LikesPerPost < 0 || math.IsNaN(o.CommentsPerPost) || math.IsNaN(o.LikesPerPost) ||
		o.CommentsPerPost > 1000 || o.LikesPerPost > 1e6:
		return errors.New("seed: -comments-per-post and -likes-per-post must be between 0 and a sensible maximum")
	case o.Password == "":
		return errors.New("seed: the password must not be empty")
	case len(o.Password) > auth.MaxPassword:
		return fmt.Errorf("seed: the password must have at most %d characters", auth.MaxPassword)
	}
	return nil
}

// Run seeds db. It refuses (ErrNotEmpty) a database that already has users unless
// opts.Force. Rows are committed in large transactions, each a consistent whole; if ctx
// ends or a write fails midway, what was committed stays and the result's Rows counts
// it (the other counts are then zero). The learning content (learning.go) is added
// after the bulk insert is complete; if that fails, the error comes with the bulk
// counts.
func Run(ctx context.Context, db *store.DB, opts Options) (Result, error) {
	if err := opts.check(); err != nil {
		return Result{}, err
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	started := time.Now()
	state, err := db.SeedState(ctx, false)
	if err != nil {
		return Result{}, err
	}
	if state.Users > 0 {
		if !opts.Force {
			return Result{}, fmt.Errorf("%w (%d)", ErrNotEmpty, state.Users)
		}
		if state, err = db.SeedState(ctx, true); err != nil {
			return Result{}, err
		}
	}
	// One hash for everyone: argon2id costs ~25 ms, 100 000 of them would take an hour.
	hash, err := auth.HashPassword(opts.Password, auth.DefaultParams)
	if err != nil {
		return Result{}, err
	}

	cache := opts.CacheBytes
	if cache <= 0 {
		// About what the data will occupy, so the random-order index inserts stay in memory.
		est := int64(float64(opts.Posts)*(700+opts.LikesPerPost*150+opts.CommentsPerPost*400)) + int64(opts.Users)*400
		cache = min(max(est, 64<<20), 4<<30)
	}
	var res Result
	p := opts.Progress
	seeder, err := db.Seeder(ctx, store.SeedOptions{
		CacheBytes: cache, CommitRows: opts.CommitRows,
		// Building the random-order indexes at the end pays when most rows are new
		// (1M posts: 144k → 220k rows/s); on top of a large database it would rebuild them
		// over the old rows too.
		DeferIndexes: state.MaxPostID < int64(opts.Posts),
		IndexProgress: func(done, total int) {
			if done == 0 {
				p.Phase("indexes", int64(total))
			}
			p.Update(int64(done), res.Rows)
			if done == total {
				p.EndPhase()
				p.Note("checkpointing the write-ahead log into the database")
			}
		},
	})
	if err != nil {
		return Result{}, err
	}
	defer seeder.Close()

	g := newGenerator(opts, state, hash)
	genCtx, stop := context.WithCancel(ctx)
	defer stop()
	free := make(chan *job, 4)
	for range cap(free) {
		free <- &job{}
	}
	out := make(chan *job, 2)
	go func() {
		defer close(out)
		g.run(genCtx, free, out)
	}()

	totals := []int64{int64(opts.Users), -1, int64(opts.Posts)}
	phase := -1
	var werr error
	var subjects []seededSubject // this run's, for the learning content
	for j := range out {
		if werr != nil {
			continue // drain, so the generator is not stuck
		}
		if j.phase != phase {
			phase = j.phase
			total := totals[phase]
			if phase == phaseSubjects {
				total = int64(len(j.b.Subjects))
			}
			p.Phase(phases[phase], total)
		}
		if werr = seeder.Insert(ctx, &j.b); werr != nil {
			stop()
			continue
		}
		b := &j.b
		if len(b.Subjects) > 0 || len(b.Enrollments) > 0 {
			subjects = collectSubjects(subjects, b)
		}
		res.Users += int64(len(b.Users))
		res.Subjects += int64(len(b.Subjects))
		res.Enrollments += int64(len(b.Enrollments))
		res.Posts += int64(len(b.Posts))
		res.Comments += int64(len(b.Comments))
		res.Likes += int64(len(b.Likes))
		res.Mentions += int64(len(b.PostMentions) + len(b.CommentMentions))
		res.Notifications += int64(len(b.Notifications))
		res.Rows += int64(b.Rows())
		p.Update(j.done, res.Rows)
		free <- j
	}
	if werr == nil {
		werr = ctx.Err()
	}
	if werr != nil {
		// Close rolls back the open transaction; what was committed stays.
		p.Stop()
		return Result{Rows: seeder.Committed(), Elapsed: time.Since(started)}, werr
	}
	p.EndPhase()
	if err := seeder.Finish(ctx); err != nil {
		return res, err
	}
	// The learning content goes through the services, which need the writer connection
	// the seeder holds until it is closed (Close may be called again by the defer).
	if err := seeder.Close(); err != nil {
		return res, err
	}
	res.Elapsed = time.Since(started)
	g.fillLogins(&res)
	if len(subjects) > 0 {
		p.Note("adding quizzes and materials")
		if res.Learning, err = addLearning(ctx, db, opts, subjects); err != nil {
			return res, err
		}
		if res.Learning.Student != "" {
			res.Student = res.Learning.Student // one whose quiz results and feedback show something
		}
	}
	if res.Admin != "" && res.Instructor != "" && res.Student != "" {
		p.Note("adding chats, FAQ, appointments and contact messages")
		var students []int64
		for _, u := range g.users {
			if u.role == roleStudent {
				students = append(students, u.id)
			}
		}
		if res.Demo, err = addDemo(ctx, db, opts, res.Admin, res.Instructor, res.Student, students); err != nil {
			return res, err
		}
	}
	return res, nil
}

// fillLogins names the first admin, instructor and student.
func (g *generator) fillLogins(r *Result) {
	for _, u := range g.users {
		switch {
		case u.role == roleAdmin && r.Admin == "":
			r.Admin = u.name
		case u.role == roleInstructor && r.Instructor == "":
			r.Instructor = u.name
		case u.role == roleStudent && r.Student == "":
			r.Student = u.name
		}
	}
}

// Logins writes the demo accounts to sign in with.
func (r Result) Logins(w io.Writer, password string) {
	fmt.Fprintf(w, "Every seeded user's password is %q. Try:\n", password)
	for _, l := range []struct{ role, name string }{{"admin", r.Admin}, {"instructor", r.Instructor}, {"student", r.Student}} {
		if l.name != "" {
			fmt.Fprintf(w, "  %-10s  %s / %s\n", l.role, l.name, password)
		}
	}
}

// Demo seeds a small living site (60 users, 400 posts) when db has no users yet, and
// prints the logins to out. It does nothing on a database that has users. It is what
// `serve -demo` runs before the server starts.
func Demo(ctx context.Context, db *store.DB, out io.Writer) error {
	state, err := db.SeedState(ctx, false)
	if err != nil {
		return err
	}
	if state.Users > 0 {
		fmt.Fprintf(out, "Demo: the database already has %d users; not adding demo data.\n", state.Users)
		return nil
	}
	opts := DefaultOptions()
	opts.Users, opts.Posts = 60, 400
	res, err := Run(ctx, db, opts)
	if errors.Is(err, ErrNotEmpty) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	fmt.Fprintf(out, "Demo: %s\n", res)
	res.Logins(out, opts.Password)
	return nil
}
