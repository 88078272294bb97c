package store

// The bulk seeder on PostgreSQL. SQLite's tricks (PRAGMAs, staging tables for the
// full-text triggers, INSERT OR FAIL, LastInsertId) have no meaning here; PostgreSQL's
// fast path is COPY. Each table's rows of a batch go in with one COPY (pgx's CopyFrom
// on the connection the seeder holds), inside one transaction per CommitRows as on
// SQLite, with the generator's ids written explicitly (the identity columns are BY
// DEFAULT) and checked beforehand to continue each table's highest id, which is what
// SQLite's check of LastInsertId guarantees there. Commit moves every identity
// sequence past the ids written, so the application's next INSERT gets a fresh id.
//
// Foreign keys and CHECKs stay enforced: the generator writes in foreign-key order,
// and COPY checks a whole batch at the speed of the bulk path. SeedOptions'
// CacheBytes and DeferIndexes are SQLite's (the server's memory is the operator's,
// and its B-tree inserts go through shared buffers, not a per-connection cache);
// Finish runs ANALYZE instead, so the planner sees the loaded tables.

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"eplatform/app/text"
)

// pgSeed is the PostgreSQL seeder's own state.
type pgSeed struct {
	inTx  bool
	next  map[string]int64 // the id the next row of each id table must have
	dirty map[string]bool  // id tables written in the open transaction
	terms map[string]bool  // post terms written (or found) so far
	fresh []string         // post terms of the open transaction not yet written
}

// pgSeedIDTables are the seeded tables whose rows carry a generated id.
var pgSeedIDTables = []string{"users", "subjects", "posts", "comments", "notifications"}

func (db *DB) pgSeeder(ctx context.Context, opts SeedOptions) (*Seeder, error) {
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: seeder: %w", err)
	}
	s := &Seeder{db: db, conn: conn, opts: opts, pgs: &pgSeed{next: map[string]int64{}, dirty: map[string]bool{}, terms: map[string]bool{}}}
	for _, t := range pgSeedIDTables {
		var max int64
		// Table names come from the fixed list above.
		if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM "+t).Scan(&max); err != nil {
			return nil, errors.Join(fmt.Errorf("store: seeder: %w", err), conn.Close())
		}
		s.pgs.next[t] = max + 1
	}
	return s, nil
}

// pgCopy is one table's rows of a batch.
type pgCopy struct {
	table string
	cols  []string
	n     int
	id    func(i int) int64 // nil: no generated id
	row   func(i int) []any
}

func (s *Seeder) insertPg(ctx context.Context, b *SeedBatch) error {
	ctx = context.WithoutCancel(ctx) // as on SQLite: the caller checks ctx between batches
	p := s.pgs
	if !p.inTx {
		if _, err := s.conn.ExecContext(ctx, "BEGIN"); err != nil {
			return fmt.Errorf("store: seeder: begin: %w", err)
		}
		s.db.metrics.Transactions.Add(1)
		p.inTx = true
	}
	copies := []pgCopy{
		{"users", []string{"id", "username", "email", "password_hash", "first_name", "last_name", "user_type", "birthdate", "date_joined", "last_login"},
			len(b.Users), func(i int) int64 { return b.Users[i].ID }, func(i int) []any {
				u := &b.Users[i]
				var birth, login any
				if u.Birthdate != "" {
					birth = u.Birthdate
				}
				if u.LastLogin != 0 {
					login = u.LastLogin
				}
				return []any{u.ID, u.Username, u.Email, u.PasswordHash, u.FirstName, u.LastName, u.UserType, birth, u.DateJoined, login}
			}},
		{"subjects", []string{"id", "name", "code", "description", "icon", "instructor_id", "created_by", "students_count", "created_at", "updated_at"},
			len(b.Subjects), func(i int) int64 { return b.Subjects[i].ID }, func(i int) []any {
				x := &b.Subjects[i]
				return []any{x.ID, x.Name, x.Code, x.Description, x.Icon, x.InstructorID, x.InstructorID, int64(x.StudentsCount), x.CreatedAt, x.CreatedAt}
			}},
		{"posts", []string{"id", "user_id", "content", "likes_count", "comments_count", "created_at", "updated_at"},
			len(b.Posts), func(i int) int64 { return b.Posts[i].ID }, func(i int) []any {
				x := &b.Posts[i]
				return []any{x.ID, x.UserID, x.Content, int64(x.LikesCount), int64(x.CommentsCount), x.CreatedAt, x.CreatedAt}
			}},
		{"comments", []string{"id", "post_id", "user_id", "content", "created_at", "updated_at"},
			len(b.Comments), func(i int) int64 { return b.Comments[i].ID }, func(i int) []any {
				c := &b.Comments[i]
				return []any{c.ID, c.PostID, c.UserID, c.Content, c.CreatedAt, c.CreatedAt}
			}},
		{"post_likes", []string{"post_id", "user_id", "created_at"}, len(b.Likes), nil, func(i int) []any {
			l := &b.Likes[i]
			return []any{l.PostID, l.UserID, l.CreatedAt}
		}},
		{"post_mentions", []string{"post_id", "user_id", "created_at"}, len(b.PostMentions), nil, func(i int) []any {
			m := &b.PostMentions[i]
			return []any{m.ParentID, m.UserID, m.CreatedAt}
		}},
		{"comment_mentions", []string{"comment_id", "user_id", "created_at"}, len(b.CommentMentions), nil, func(i int) []any {
			m := &b.CommentMentions[i]
			return []any{m.ParentID, m.UserID, m.CreatedAt}
		}},
		{"subject_enrollments", []string{"subject_id", "student_id", "is_active", "enrolled_at"}, len(b.Enrollments), nil, func(i int) []any {
			e := &b.Enrollments[i]
			return []any{e.SubjectID, e.StudentID, int64(1), e.EnrolledAt}
		}},
		{"notifications", []string{"id", "recipient_id", "sender_id", "type", "text", "url", "is_read", "post_id", "comment_id", "subject_id", "created_at"},
			len(b.Notifications), func(i int) int64 { return b.Notifications[i].ID }, func(i int) []any {
				n := &b.Notifications[i]
				read := int64(0)
				if n.IsRead {
					read = 1
				}
				return []any{n.ID, n.RecipientID, n.SenderID, n.Type, n.Text, n.URL, read,
					seedNullID(n.PostID), seedNullID(n.CommentID), seedNullID(n.SubjectID), n.CreatedAt}
			}},
	}
	// Every id is checked before anything is written: ids continue the table's highest,
	// one by one, as SQLite would have numbered them.
	for _, c := range copies {
		if c.id == nil || c.n == 0 {
			continue
		}
		want := p.next[c.table]
		for i := range c.n {
			if got := c.id(i); got != want+int64(i) {
				return fmt.Errorf("store: seed %s: row %d has id %d, want %d: ids must continue the table's highest in order",
					c.table, i, got, want+int64(i))
			}
		}
	}
	err := s.conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		for _, c := range copies {
			if c.n == 0 {
				continue
			}
			s.db.metrics.Queries.Add(1)
			n, err := pc.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromFunc(pgCopyRows(c)))
			if err != nil {
				return fmt.Errorf("store: seed %s: %w", c.table, translate(err))
			}
			if n != int64(c.n) {
				return fmt.Errorf("store: seed %s: copied %d rows of %d", c.table, n, c.n)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range copies {
		if c.id != nil && c.n > 0 {
			p.next[c.table] += int64(c.n)
			p.dirty[c.table] = true
		}
	}
	// The vocabulary that expands prefixes (post_terms), as addPostTerms keeps it.
	for i := range b.Posts {
		for t := range text.SearchTokens(b.Posts[i].Content) {
			if !p.terms[t] {
				p.terms[t] = true
				p.fresh = append(p.fresh, t)
			}
		}
	}
	rows := b.Rows()
	s.pending += rows
	s.inserted += int64(rows)
	if s.pending >= s.opts.CommitRows {
		return s.Commit(ctx)
	}
	return nil
}

// pgCopyRows feeds c's rows to CopyFrom one at a time.
func pgCopyRows(c pgCopy) func() ([]any, error) {
	i := 0
	return func() ([]any, error) {
		if i == c.n {
			return nil, nil
		}
		i++
		return c.row(i - 1), nil
	}
}

func (s *Seeder) commitPg(ctx context.Context) error {
	p := s.pgs
	if !p.inTx {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	if len(p.fresh) > 0 {
		s.db.metrics.Queries.Add(1)
		if _, err := s.conn.ExecContext(ctx, `INSERT INTO post_terms (term) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, p.fresh); err != nil {
			return fmt.Errorf("store: seed post terms: %w", err)
		}
	}
	// The identity sequences move past the ids written (setval is not undone by a
	// rollback, which only leaves a gap).
	for _, t := range pgSeedIDTables {
		if !p.dirty[t] {
			continue
		}
		s.db.metrics.Queries.Add(1)
		if _, err := s.conn.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, t, p.next[t]-1); err != nil {
			return fmt.Errorf("store: seed %s: move the id sequence: %w", t, err)
		}
	}
	p.inTx = false
	s.pending = 0
	if _, err := s.conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("store: seeder: commit: %w", err)
	}
	p.fresh, p.dirty = p.fresh[:0], map[string]bool{}
	s.committed = s.inserted
	return nil
}

func (s *Seeder) finishPg(ctx context.Context) error {
	if err := s.commitPg(ctx); err != nil {
		return err
	}
	// Fresh statistics, so the planner sees the loaded tables as they are.
	s.db.metrics.Queries.Add(1)
	if _, err := s.conn.ExecContext(context.WithoutCancel(ctx), `ANALYZE users, subjects, posts, comments, post_likes,
		post_mentions, comment_mentions, subject_enrollments, notifications, post_terms`); err != nil {
		return fmt.Errorf("store: seeder: analyze: %w", err)
	}
	return nil
}

func (s *Seeder) closePg() error {
	var errs []error
	if s.pgs.inTx {
		if _, err := s.conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
			errs = append(errs, fmt.Errorf("store: seeder: rollback: %w", err))
		}
		s.pgs.inTx = false
	}
	errs = append(errs, s.conn.Close())
	s.conn = nil
	return errors.Join(errs...)
}

// seedCheckPg is SeedCheck's PostgreSQL part after the common checks: foreign keys and
// CHECKs were enforced as the rows went in, and there is no FTS5 index to verify; the
// vocabulary of post_terms must hold every term of the posts.
func (db *DB) seedCheckPg(ctx context.Context) ([]string, error) {
	want := map[string]bool{}
	rows, err := db.writer.QueryContext(ctx, `SELECT content FROM posts`)
	if err != nil {
		return nil, fmt.Errorf("store: seed check: post terms: %w", err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		for t := range text.SearchTokens(c) {
			want[t] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: seed check: post terms: %w", err)
	}
	if rows, err = db.writer.QueryContext(ctx, `SELECT term FROM post_terms`); err != nil {
		return nil, fmt.Errorf("store: seed check: post terms: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		delete(want, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: seed check: post terms: %w", err)
	}
	if len(want) > 0 {
		return []string{fmt.Sprintf("%d terms of posts missing from post_terms", len(want))}, nil
	}
	return nil, nil
}
