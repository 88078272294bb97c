package seed

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"eplatform/app/auth"
	"eplatform/app/store"
	"eplatform/app/text"
)

var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func openDB(t testing.TB) *store.DB {
	t.Helper()
	schema, err := os.ReadFile("../../schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), store.Options{
		Path: filepath.Join(t.TempDir(), "seed.db"), Schema: string(schema),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func small(seed int64) Options {
	o := DefaultOptions()
	o.Users, o.Posts, o.Seed, o.Now = 120, 600, seed, testNow
	return o
}

func run(t *testing.T, db *store.DB, o Options) Result {
	t.Helper()
	res, err := Run(context.Background(), db, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// snapshot is what determinism compares: every username and every post and comment text.
type snapshot struct {
	users, posts, comments []string
}

func take(t *testing.T, db *store.DB) snapshot {
	t.Helper()
	var s snapshot
	ctx := context.Background()
	for id := int64(1); ; id++ {
		u, err := db.UserByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		s.users = append(s.users, u.Username+"|"+u.Email+"|"+u.FirstName+" "+u.LastName+"|"+u.UserType+"|"+u.Birthdate)
	}
	d := dump(t, db)
	s.posts, s.comments = d.Posts, d.Comments
	return s
}

func dump(t *testing.T, db *store.DB) store.SeedDump {
	t.Helper()
	d, err := db.SeedDump(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// mentions is text.Mentions as a sorted set, comparable with the mention tables.
func mentions(s string) []string {
	m := text.Mentions(s)
	slices.Sort(m)
	return m
}

func TestDeterministic(t *testing.T) {
	skipUnderRace(t)
	a, b, c := openDB(t), openDB(t), openDB(t)
	ra := run(t, a, small(7))
	rb := run(t, b, small(7))
	run(t, c, small(8))
	sa, sb, sc := take(t, a), take(t, b), take(t, c)
	if len(sa.users) != 120 || len(sa.posts) != 600 {
		t.Fatalf("got %d users, %d posts; want 120, 600", len(sa.users), len(sa.posts))
	}
	if !slices.Equal(sa.users, sb.users) || !slices.Equal(sa.posts, sb.posts) || !slices.Equal(sa.comments, sb.comments) {
		t.Error("the same seed gave different data")
	}
	if ra.Rows != rb.Rows || ra.Likes != rb.Likes || ra.Notifications != rb.Notifications {
		t.Errorf("the same seed gave different counts: %+v vs %+v", ra, rb)
	}
	if slices.Equal(sa.users, sc.users) || slices.Equal(sa.posts, sc.posts) {
		t.Error("different seeds gave the same data")
	}
}

// skipUnderRace skips a test that only repeats, under -race, what another test
// already runs there (see raceEnabled).
func skipUnderRace(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("repeats TestContent's pipeline three times; slow under the race detector")
	}
}

var usernameRE = regexp.MustCompile(`^[a-z]+(\.[a-z]+)?[0-9]*$`)

func TestContent(t *testing.T) {
	db := openDB(t)
	o := small(1)
	res := run(t, db, o)
	ctx := context.Background()
	if problems, err := db.SeedCheck(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("inconsistent: %v %v", problems, err)
	}
	if res.Admin != "admin" || res.Instructor == "" || res.Student == "" {
		t.Fatalf("logins: %+v", res)
	}

	roles := map[string]int{}
	for id := int64(1); id <= 120; id++ {
		u, err := db.UserByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		roles[u.UserType]++
		if !usernameRE.MatchString(u.Username) || u.Email != u.Username+"@example.edu" {
			t.Errorf("user %d: %q <%s>", id, u.Username, u.Email)
		}
		if msg := auth.CheckEmail(u.Email); msg != "" {
			t.Errorf("user %d: email %s: %s", id, u.Email, msg)
		}
		birth, err := time.Parse(time.DateOnly, u.Birthdate)
		if err != nil {
			t.Fatalf("user %d: birthdate %q", id, u.Birthdate)
		}
		age := testNow.Year() - birth.Year()
		if testNow.YearDay() < birth.YearDay() {
			age--
		}
		if u.UserType == auth.Student && (age < auth.MinStudentAge || age > auth.MaxStudentAge) {
			t.Errorf("student %s is %d", u.Username, age)
		}
		if !u.DateJoined.Before(testNow.Add(-90 * 24 * time.Hour)) {
			t.Errorf("user %s joined %v, after the first post", u.Username, u.DateJoined)
		}
	}
	if roles[auth.Admin] != 1 || roles[auth.Instructor] < 2 || roles[auth.Instructor] > 20 || roles[auth.Student] < 90 {
		t.Errorf("roles: %v", roles)
	}

	// Every seeded user signs in with the password.
	for _, name := range []string{res.Admin, res.Instructor, res.Student} {
		u, err := db.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		ok, _, err := auth.CheckPassword(u.PasswordHash, o.Password, auth.DefaultParams)
		if err != nil || !ok {
			t.Errorf("%s cannot sign in with the seed password: %v", name, err)
		}
		if ok, _, _ := auth.CheckPassword(u.PasswordHash, "wrong-password", auth.DefaultParams); ok {
			t.Error("a wrong password is accepted")
		}
	}

	d := dump(t, db)
	var long, withMention int
	prev := int64(0)
	for i, content := range d.Posts {
		if words := len(strings.Fields(content)); words > 50 {
			long++
		}
		if len(content) < 1 || len(content) > 5000 {
			t.Errorf("post %d has %d characters", i+1, len(content))
		}
		// The @names in the text are exactly the post's mentions (all real users).
		names := mentions(content)
		if len(names) > 0 {
			withMention++
		}
		if id := d.PostIDs[i]; !slices.Equal(names, d.PostMentions[id]) {
			t.Errorf("post %d: text mentions %v, table %v: %q", id, names, d.PostMentions[id], content)
		}
		if at := d.PostTimes[i]; at <= prev || at > testNow.UnixMilli() || at < testNow.Add(-90*24*time.Hour).UnixMilli() {
			t.Errorf("post %d created at %d (previous %d)", d.PostIDs[i], at, prev)
		}
		prev = d.PostTimes[i]
	}
	if long < 30 || withMention < 30 {
		t.Errorf("of 600 posts %d are long (Read more) and %d mention someone", long, withMention)
	}
	for i, content := range d.Comments {
		if id := d.CommentIDs[i]; !slices.Equal(mentions(content), d.CommentMentions[id]) {
			t.Errorf("comment %d: text mentions %v, table %v", id, mentions(content), d.CommentMentions[id])
		}
	}
	if d.Read == 0 || d.Unread == 0 {
		t.Errorf("notifications: %d read, %d unread; want a mix", d.Read, d.Unread)
	}
	// The bulk rows' four types, the two that taking and grading the demo quizzes
	// create through the quiz rules, the one grading hand-ins creates, and the demo
	// appointments' status changes.
	for _, typ := range []string{"like", "comment", "mention", "enrollment", "quiz_completed", "quiz_graded", "assignment_graded", "appointment"} {
		if d.Types[typ] == 0 {
			t.Errorf("notification types %v; want %s", d.Types, typ)
		}
	}
	if len(d.Types) != 8 {
		t.Errorf("notification types %v; want exactly eight", d.Types)
	}

	// Seeded posts are searchable by a word of their content.
	ids, err := db.SeedSearchPosts(ctx, "flashcards", 1000)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, c := range d.Posts {
		if strings.Contains(strings.ToLower(c), "flashcards") {
			want++
		}
	}
	if want == 0 || len(ids) != want {
		t.Errorf("search for flashcards found %d posts, %d contain the word", len(ids), want)
	}
}

func TestRefusesWithoutForce(t *testing.T) {
	db := openDB(t)
	o := small(1)
	o.Users, o.Posts = 20, 50
	first := run(t, db, o)
	if _, err := Run(context.Background(), db, o); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("second seed: %v, want ErrNotEmpty", err)
	}
	// Forced, the same seed adds fresh users (no name clashes) and more posts.
	o.Force = true
	second := run(t, db, o)
	if second.Users != 20 || second.Posts != 50 {
		t.Fatalf("forced seed: %+v", second)
	}
	if second.Admin == first.Admin {
		t.Errorf("forced seed reused the username %q", first.Admin)
	}
	if problems, err := db.SeedCheck(context.Background()); err != nil || len(problems) > 0 {
		t.Fatalf("inconsistent: %v %v", problems, err)
	}
	n, err := db.CountUsers(context.Background())
	if err != nil || n != 40 {
		t.Fatalf("%d users, %v", n, err)
	}
}

func TestDemo(t *testing.T) {
	db := openDB(t)
	var out bytes.Buffer
	if err := Demo(context.Background(), db, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"admin / " + DefaultPassword, "instructor", "student", "60 users, 400 posts"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := Demo(context.Background(), db, &out); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountUsers(context.Background()); n != 60 {
		t.Errorf("a second demo changed the users to %d", n)
	}
}

func TestEdgeSizes(t *testing.T) {
	for _, o := range []Options{
		{Users: 1, Posts: 5, CommentsPerPost: 3, LikesPerPost: 3},
		{Users: 2, Posts: 20, CommentsPerPost: 2, LikesPerPost: 50},
		{Users: 3, Posts: 0},
		{Users: 0, Posts: 0},
	} {
		db := openDB(t)
		o.Password, o.Now = "pw-for-tests", testNow
		if _, err := Run(context.Background(), db, o); err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		if problems, err := db.SeedCheck(context.Background()); err != nil || len(problems) > 0 {
			t.Fatalf("%+v: %v %v", o, problems, err)
		}
	}
	if _, err := Run(context.Background(), openDB(t), Options{Users: 0, Posts: 3, Password: "x"}); err == nil {
		t.Error("posts without users accepted")
	}
}

func TestCancel(t *testing.T) {
	db := openDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	o := small(1)
	if _, err := Run(ctx, db, o); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
	// The writer is usable again, with its normal settings.
	if err := db.WithTx(context.Background(), func(tx *store.Queries) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

// TestThroughput seeds a mid-sized database and logs the insert rate; it asserts
// consistency, not speed (the real measurement is `eplatform seed` on 1M posts).
func TestThroughput(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("short, or slowed down by the race detector")
	}
	db := openDB(t)
	o := DefaultOptions()
	o.Users, o.Posts, o.Now = 2000, 10000, testNow
	res := run(t, db, o)
	t.Logf("%s", res)
	t.Logf("%.0f rows/s", res.RowsPerSecond())
	if res.Posts != 10000 || res.Users != 2000 || res.Likes < 40000 || res.Comments < 15000 {
		t.Errorf("unexpected sizes: %s", res)
	}
}
