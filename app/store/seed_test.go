package store

import (
	"context"
	"errors"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// seedFixture is a tiny consistent data set: three users, a subject with one
// enrollment, two posts with likes, comments, mentions and their notifications.
func seedFixture() []*SeedBatch {
	at := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC).UnixMilli()
	users := &SeedBatch{
		Users: []SeedUser{
			{ID: 1, Username: "admin", Email: "admin@example.edu", PasswordHash: "x", FirstName: "Ada", LastName: "Lovelace", UserType: "admin", DateJoined: at - 10},
			{ID: 2, Username: "grace.hopper7", Email: "grace.hopper7@example.edu", PasswordHash: "x", FirstName: "Grace", LastName: "Hopper", UserType: "instructor", Birthdate: "1980-02-03", DateJoined: at - 9, LastLogin: at},
			{ID: 3, Username: "alan.turing", Email: "alan.turing@example.edu", PasswordHash: "x", FirstName: "Alan", LastName: "Turing", UserType: "student", Birthdate: "2005-06-23", DateJoined: at - 8},
		},
		Subjects:    []SeedSubject{{ID: 1, Name: "Algorithms", Code: "CS201", Description: "Sorting", Icon: "code", InstructorID: 2, StudentsCount: 1, CreatedAt: at}},
		Enrollments: []SeedEnrollment{{SubjectID: 1, StudentID: 3, EnrolledAt: at + 1}},
		Notifications: []SeedNotification{
			{ID: 1, RecipientID: 2, SenderID: 3, Type: "enrollment", Text: "alan.turing enrolled in Algorithms", URL: "/home/subjects/CS201/", SubjectID: 1, CreatedAt: at + 1},
		},
	}
	posts := &SeedBatch{
		Posts: []SeedPost{
			{ID: 1, UserID: 3, Content: "Studying photosynthesis with @grace.hopper7 today", LikesCount: 2, CommentsCount: 1, CreatedAt: at + 100},
			{ID: 2, UserID: 2, Content: "Office hours moved to Friday", LikesCount: 0, CommentsCount: 1, CreatedAt: at + 200},
		},
		Likes: []SeedLike{{PostID: 1, UserID: 1, CreatedAt: at + 150}, {PostID: 1, UserID: 2, CreatedAt: at + 160}},
		Comments: []SeedComment{
			{ID: 1, PostID: 1, UserID: 2, Content: "@alan.turing nice!", CreatedAt: at + 170},
			{ID: 2, PostID: 2, UserID: 2, Content: "@admin please pin this", CreatedAt: at + 210},
		},
		PostMentions:    []SeedMention{{ParentID: 1, UserID: 2, CreatedAt: at + 100}},
		CommentMentions: []SeedMention{{ParentID: 1, UserID: 3, CreatedAt: at + 170}, {ParentID: 2, UserID: 1, CreatedAt: at + 210}},
		Notifications: []SeedNotification{
			{ID: 2, RecipientID: 2, SenderID: 3, Type: "mention", Text: "alan.turing mentioned you in a post", URL: "/home/post/1/", PostID: 1, CreatedAt: at + 100},
			{ID: 3, RecipientID: 3, SenderID: 1, Type: "like", Text: "admin liked your post", URL: "/home/post/1/", IsRead: true, PostID: 1, CreatedAt: at + 150},
			{ID: 4, RecipientID: 3, SenderID: 2, Type: "like", Text: "grace.hopper7 liked your post", URL: "/home/post/1/", PostID: 1, CreatedAt: at + 160},
			// The owner mentioned in a comment on their own post: the comment notification only.
			{ID: 5, RecipientID: 3, SenderID: 2, Type: "comment", Text: "grace.hopper7 commented on your post", URL: "/home/post/1/#comment-1", PostID: 1, CommentID: 1, CreatedAt: at + 170},
			{ID: 6, RecipientID: 1, SenderID: 2, Type: "mention", Text: "grace.hopper7 mentioned you in a comment", URL: "/home/post/2/#comment-2", PostID: 2, CommentID: 2, CreatedAt: at + 210},
		},
	}
	return []*SeedBatch{users, posts}
}

func seed(t *testing.T, db *DB, opts SeedOptions, batches ...*SeedBatch) error {
	t.Helper()
	ctx := context.Background()
	s, err := db.Seeder(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	}()
	for _, b := range batches {
		if err := s.Insert(ctx, b); err != nil {
			return err
		}
	}
	return s.Finish(ctx)
}

func pragma(t *testing.T, db *DB, name string) string {
	t.Helper()
	var v string
	if err := db.writer.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func count(t *testing.T, db *DB, query string) int {
	t.Helper()
	var n int
	if err := db.writer.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestSeeder(t *testing.T) {
	for _, commitRows := range []int{1, 0} { // a commit after every batch, and one at the end
		db := openTest(t)
		ctx := context.Background()
		before := map[string]string{}
		if !onPostgres {
			for _, p := range []string{"synchronous", "foreign_keys", "ignore_check_constraints", "cache_size"} {
				before[p] = pragma(t, db, p)
			}
		}
		if err := seed(t, db, SeedOptions{CommitRows: commitRows}, seedFixture()...); err != nil {
			t.Fatal(err)
		}
		if problems, err := db.SeedCheck(ctx); err != nil || len(problems) > 0 {
			t.Fatalf("SeedCheck: %v %v", problems, err)
		}
		for table, want := range map[string]int{"users": 3, "posts": 2, "post_likes": 2, "comments": 2,
			"post_mentions": 1, "comment_mentions": 2, "notifications": 6, "subjects": 1, "subject_enrollments": 1} {
			if n := count(t, db, "SELECT count(*) FROM "+table); n != want {
				t.Errorf("%s: %d rows, want %d", table, n, want)
			}
		}
		u, err := db.UserByUsername(ctx, "GRACE.HOPPER7")
		if err != nil || u.ID != 2 || u.UserType != "instructor" || u.Birthdate != "1980-02-03" || u.LastLogin.IsZero() {
			t.Errorf("user 2: %+v %v", u, err)
		}

		if ids, err := db.SeedSearchPosts(ctx, "photosynthesis", 10); err != nil || len(ids) != 1 || ids[0] != 1 {
			t.Errorf("posts search: %v %v", ids, err)
		}
		if onPostgres {
			// Every identity sequence moved past the seeded ids.
			var ids [2]int64
			err = db.WithTx(ctx, func(tx *Queries) error {
				var err error
				ids[0], err = tx.CreateUser(ctx, NewUser{Username: "late", Email: "late@example.edu", PasswordHash: "x", UserType: "student", Now: time.Now()})
				if err != nil {
					return err
				}
				ids[1], err = tx.insertID(ctx, `INSERT INTO notifications (recipient_id, sender_id, type, text, url, post_id, created_at)
					VALUES (1, 2, 'mention', 'grace.hopper7 mentioned you in a post', '/home/post/2/', 2, 1)`)
				return err
			})
			if err != nil || ids != [2]int64{4, 7} {
				t.Fatalf("ids after seeding: %v %v, want 4 and 7", ids, err)
			}
			continue
		}
		// The full-text indexes were kept by their triggers.
		if n := count(t, db, "SELECT count(*) FROM users_fts WHERE users_fts MATCH 'turing'"); n != 1 {
			t.Errorf("users search found %d", n)
		}
		if n := count(t, db, "SELECT count(*) FROM subjects_fts WHERE subjects_fts MATCH 'algorithms'"); n != 1 {
			t.Errorf("subjects search found %d", n)
		}

		// The connection is as it was, and usable by everyone again.
		for p, want := range before {
			if got := pragma(t, db, p); got != want {
				t.Errorf("PRAGMA %s is %s after seeding, was %s", p, got, want)
			}
		}
		if n := count(t, db, "SELECT count(*) FROM sqlite_temp_master"); n != 0 {
			t.Errorf("%d temporary objects left", n)
		}
		if n := count(t, db, "SELECT count(*) FROM posts_fts_config WHERE k = 'hashsize'") +
			count(t, db, "SELECT count(*) FROM users_fts_config WHERE k = 'hashsize'"); n != 0 {
			t.Errorf("FTS hashsize left in the config tables")
		}
		err = db.WithTx(ctx, func(tx *Queries) error {
			_, err := tx.CreateUser(ctx, NewUser{Username: "late", Email: "late@example.edu", PasswordHash: "x", UserType: "student", Now: time.Now()})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, "SELECT count(*) FROM users_fts WHERE users_fts MATCH 'late'"); n != 1 {
			t.Errorf("a user created after seeding is not searchable")
		}
		// CHECKs apply again.
		err = db.WithTx(ctx, func(tx *Queries) error {
			_, err := tx.exec(ctx, `INSERT INTO posts (user_id, content, created_at, updated_at) VALUES (1, '', 1, 1)`)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "CHECK") {
			t.Errorf("empty post after seeding: %v", err)
		}
	}
}

func TestSeederOnTopOfData(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if err := seed(t, db, SeedOptions{}, seedFixture()...); err != nil {
		t.Fatal(err)
	}
	st, err := db.SeedState(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if st.Users != 3 || st.MaxUserID != 3 || st.MaxPostID != 2 || st.MaxCommentID != 2 || st.MaxNotificationID != 6 ||
		st.MaxSubjectID != 1 || len(st.Usernames) != 3 || st.SubjectCodes[0] != "cs201" {
		t.Fatalf("state: %+v", st)
	}
	// Ids continue from the highest.
	more := &SeedBatch{
		Users: []SeedUser{{ID: 4, Username: "new", Email: "new@example.edu", PasswordHash: "x", UserType: "student", DateJoined: 1}},
		Posts: []SeedPost{{ID: 3, UserID: 4, Content: "hello", CreatedAt: 5}},
	}
	if err := seed(t, db, SeedOptions{}, more); err != nil {
		t.Fatal(err)
	}
	if problems, err := db.SeedCheck(ctx); err != nil || len(problems) > 0 {
		t.Fatalf("SeedCheck: %v %v", problems, err)
	}
}

func TestSeederRejectsWrongIDs(t *testing.T) {
	ctx := context.Background()
	for name, b := range map[string]*SeedBatch{
		"user ids with a gap": {Users: []SeedUser{
			{ID: 1, Username: "a", Email: "a@x.edu", UserType: "student"},
			{ID: 3, Username: "b", Email: "b@x.edu", UserType: "student"}}},
		"posts not starting after the highest": {Posts: []SeedPost{{ID: 7, UserID: 1, Content: "x"}}},
		"comment ids out of order": {Comments: []SeedComment{
			{ID: 2, PostID: 1, UserID: 1, Content: "x"}, {ID: 1, PostID: 1, UserID: 1, Content: "y"}}},
		"a notification id taken": {Notifications: []SeedNotification{
			{ID: 5, RecipientID: 1, SenderID: 2, Type: "like", URL: "/home/post/1/", PostID: 1}}},
	} {
		db := openTest(t)
		if err := seed(t, db, SeedOptions{}, b); err == nil || !strings.Contains(err.Error(), "id") {
			t.Errorf("%s: %v", name, err)
		}
		// Nothing was kept.
		if n := count(t, db, "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM posts) + (SELECT count(*) FROM comments) + (SELECT count(*) FROM notifications)"); n != 0 {
			t.Errorf("%s: %d rows kept", name, n)
		}
		if err := db.WithTx(ctx, func(*Queries) error { return nil }); err != nil {
			t.Errorf("%s: writer unusable afterwards: %v", name, err)
		}
	}
	// A constraint the generator must respect still fails the batch (unique username).
	db := openTest(t)
	dup := &SeedBatch{Users: []SeedUser{
		{ID: 1, Username: "same", Email: "a@x.edu", UserType: "student"},
		{ID: 2, Username: "SAME", Email: "b@x.edu", UserType: "student"}}}
	if err := seed(t, db, SeedOptions{}, dup); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate username: %v", err)
	}
}

func TestSeederRollsBackUncommitted(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	s, err := db.Seeder(ctx, SeedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range seedFixture() {
		if err := s.Insert(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if s.Inserted() != 20 || s.Committed() != 0 {
		t.Errorf("inserted %d, committed %d", s.Inserted(), s.Committed())
	}
	// Other writers wait while the seeder holds SQLite's one writer connection
	// (PostgreSQL has many).
	done := make(chan error, 1)
	if onPostgres {
		done <- nil
	} else {
		go func() { done <- db.WithTx(ctx, func(*Queries) error { return nil }) }()
		select {
		case err := <-done:
			t.Fatalf("a write ran while seeding: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if n := count(t, db, "SELECT count(*) FROM users"); n != 0 {
		t.Errorf("%d users kept without a commit", n)
	}
}

// TestSeedCheckFindsProblems breaks each promise once and expects SeedCheck to say so.
func TestSeedCheckFindsProblems(t *testing.T) {
	ctx := context.Background()
	for name, c := range map[string]struct {
		edit func(b []*SeedBatch)
		want string
	}{
		"likes_count":    {func(b []*SeedBatch) { b[1].Posts[0].LikesCount = 3 }, "likes_count"},
		"comments_count": {func(b []*SeedBatch) { b[1].Posts[1].CommentsCount = 0 }, "comments_count"},
		"missing like notification": {func(b []*SeedBatch) {
			b[1].Notifications = append(b[1].Notifications[:2], b[1].Notifications[3:]...)
			for i := range b[1].Notifications {
				b[1].Notifications[i].ID = int64(i + 2)
			}
		}, "without a like notification"},
		"wrong url": {func(b []*SeedBatch) { b[1].Notifications[3].URL = "/home/post/1/#comment-2" }, "url"},
		"dangling like": {func(b []*SeedBatch) {
			b[1].Likes = append(b[1].Likes, SeedLike{PostID: 1, UserID: 99})
			b[1].Posts[0].LikesCount = 3
			b[1].Notifications = append(b[1].Notifications, SeedNotification{ID: 7, RecipientID: 3, SenderID: 99,
				Type: "like", URL: "/home/post/1/", PostID: 1})
		}, "foreign_key_check"},
		"check constraint": {func(b []*SeedBatch) { b[0].Users[2].Birthdate = "2005-02-30" }, "integrity_check"},
		"students_count":   {func(b []*SeedBatch) { b[0].Subjects[0].StudentsCount = 5 }, "students_count"},
	} {
		db := openTest(t)
		b := seedFixture()
		c.edit(b)
		if onPostgres && c.want == "integrity_check" {
			continue // a SQLite CHECK (a valid date) that schema_postgres.sql does not have
		}
		if onPostgres && c.want == "foreign_key_check" {
			// PostgreSQL keeps enforcing foreign keys while seeding: the batch fails.
			if err := seed(t, db, SeedOptions{}, b...); err == nil || !strings.Contains(err.Error(), "foreign key") {
				t.Errorf("%s: %v, want a foreign key error", name, err)
			}
			continue
		}
		if err := seed(t, db, SeedOptions{}, b...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		problems, err := db.SeedCheck(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(problems, "\n"), c.want) {
			t.Errorf("%s: problems %q, want one about %q", name, problems, c.want)
		}
	}
}

// TestSeedCheckFindsMissingPostTerms: the vocabulary that expands prefixes must hold
// every term of the seeded posts.
func TestSeedCheckFindsMissingPostTerms(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if err := seed(t, db, SeedOptions{}, seedFixture()...); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM post_terms WHERE term IN ('photosynthesis', 'office', 'friday')`); n != 3 {
		t.Fatalf("%d of the seeded posts' terms in post_terms, want 3", n)
	}
	if _, err := db.writer.Exec(`DELETE FROM post_terms WHERE term = 'photosynthesis'`); err != nil {
		t.Fatal(err)
	}
	problems, err := db.SeedCheck(ctx)
	if err != nil || !strings.Contains(strings.Join(problems, "\n"), "1 terms of posts") {
		t.Errorf("problems %q %v, want the missing term", problems, err)
	}
}

// TestSeederDeferIndexes: with DeferIndexes the random-order indexes are dropped while
// loading and come back, identical, whether the seed finishes or stops early; Open
// rebuilds them if a seed was killed before it could.
func TestSeederDeferIndexes(t *testing.T) {
	sqliteOnly(t)
	ctx := context.Background()
	indexes := func(db *DB) map[string]string {
		t.Helper()
		out := map[string]string{}
		for name, def := range schemaOf(t, db) {
			if strings.HasPrefix(name, "index ") {
				out[name] = def
			}
		}
		return out
	}
	// While seeding, the seeder holds the only writer connection: ask through it.
	missing := func(s *Seeder) int {
		t.Helper()
		var n int
		if err := s.conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN ('`+
			strings.Join(seedDeferredIndexes, "', '")+`')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return len(seedDeferredIndexes) - n
	}

	t.Run("finish", func(t *testing.T) {
		db := openTest(t)
		want := indexes(db)
		var calls [][2]int
		s, err := db.Seeder(ctx, SeedOptions{DeferIndexes: true, IndexProgress: func(done, total int) {
			calls = append(calls, [2]int{done, total})
		}})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if n := missing(s); n != len(seedDeferredIndexes) {
			t.Fatalf("%d of the deferred indexes dropped, want all %d", n, len(seedDeferredIndexes))
		}
		for _, b := range seedFixture() {
			if err := s.Insert(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Finish(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if got := indexes(db); !maps.Equal(got, want) {
			t.Errorf("indexes after seeding differ from the schema's:\n got %v\nwant %v", got, want)
		}
		if len(calls) != len(seedDeferredIndexes)+1 || calls[0] != [2]int{0, 7} || calls[len(calls)-1] != [2]int{7, 7} {
			t.Errorf("progress calls %v", calls)
		}
		if problems, err := db.SeedCheck(ctx); err != nil || len(problems) > 0 {
			t.Fatalf("SeedCheck: %v %v", problems, err)
		}
	})

	t.Run("stopped early", func(t *testing.T) {
		db := openTest(t)
		want := indexes(db)
		s, err := db.Seeder(ctx, SeedOptions{DeferIndexes: true, CommitRows: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Insert(ctx, seedFixture()[0]); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if got := indexes(db); !maps.Equal(got, want) {
			t.Errorf("indexes after Close differ from the schema's:\n got %v\nwant %v", got, want)
		}
		if n := count(t, db, "SELECT count(*) FROM users"); n != 3 {
			t.Errorf("%d users kept, want the committed 3", n)
		}
	})

	t.Run("killed", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "killed.db")
		db, err := Open(ctx, Options{Path: path, Schema: readSchema(t)})
		if err != nil {
			t.Fatal(err)
		}
		want := indexes(db)
		// What a seed killed after dropping them leaves behind (here some of them:
		// the others must be left alone).
		for i, name := range seedDeferredIndexes {
			if i%2 == 1 {
				continue
			}
			if _, err := db.writer.Exec("DROP INDEX " + name); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		db, err = Open(ctx, Options{Path: path, Schema: readSchema(t)})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if got := indexes(db); !maps.Equal(got, want) {
			t.Errorf("indexes after reopening differ from the schema's:\n got %v\nwant %v", got, want)
		}
	})
}
