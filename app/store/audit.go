package store

import (
	"context"
	"strings"
	"time"
)

// AuditEntry is a row of audit_log: one administrative or grading action.
type AuditEntry struct {
	ID int64
	At time.Time
	// ActorID is 0 for the command line or a background job; ActorName is the
	// actor's username when the entry was written.
	ActorID   int64
	ActorName string
	// ActorFullName is the actor's first and last name as they are now ("" for none,
	// the command line or a deleted account): read, not written.
	ActorFullName string
	Action        string
	TargetKind    string
	TargetID      int64 // 0: none
	TargetLabel   string
	// Before and After are small JSON objects ("" when there is nothing to show).
	Before, After string
	RequestID     string
	Client        string
}

// InsertAudit writes an entry (inside the transaction of the action it records).
func (s *Queries) InsertAudit(ctx context.Context, e AuditEntry) (int64, error) {
	id, err := s.insertID(ctx, `INSERT INTO audit_log (created_at, actor_id, actor_name, action, target_kind, target_id,
		target_label, before_json, after_json, request_id, client) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		millis(e.At), orNull(e.ActorID), e.ActorName, e.Action, e.TargetKind, orNull(e.TargetID), e.TargetLabel,
		e.Before, e.After, e.RequestID, e.Client)
	if err != nil {
		return 0, wrapf(err, "store: insert audit entry")
	}
	return id, nil
}

// AuditQuery selects audit entries, newest first. Zero fields do not filter.
type AuditQuery struct {
	Actor      string // username at the time, any case
	ActorID    int64
	Action     string
	TargetKind string
	TargetID   int64
	// Since is inclusive, Until exclusive.
	Since, Until time.Time
	// BeforeID continues a listing: only entries older than this id (keyset paging).
	BeforeID int64
	Limit    int
}

// ListAudit returns the entries q selects, newest first (by id, which grows with time).
func (s *Queries) ListAudit(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	var where []string
	var args []any
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	if q.Actor != "" {
		add("actor_name = ? COLLATE NOCASE", q.Actor)
	}
	if q.ActorID != 0 {
		add("actor_id = ?", q.ActorID)
	}
	if q.Action != "" {
		add("action = ?", q.Action)
	}
	if q.TargetKind != "" {
		add("target_kind = ?", q.TargetKind)
	}
	if q.TargetID != 0 {
		add("target_id = ?", q.TargetID)
	}
	if !q.Since.IsZero() {
		add("created_at >= ?", millis(q.Since))
	}
	if !q.Until.IsZero() {
		add("created_at < ?", millis(q.Until))
	}
	if q.BeforeID != 0 {
		add("id < ?", q.BeforeID)
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	query := `SELECT id, created_at, coalesce(actor_id, 0), actor_name,
		coalesce((SELECT trim(u.first_name || ' ' || u.last_name) FROM users u WHERE u.id = audit_log.actor_id), ''), action, target_kind, coalesce(target_id, 0),
		target_label, before_json, after_json, request_id, client FROM audit_log`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id DESC LIMIT ?"
	rows, err := s.query(ctx, query, append(args, q.Limit)...)
	if err != nil {
		return nil, wrapf(err, "store: list audit")
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &e.ActorFullName, &e.Action, &e.TargetKind, &e.TargetID,
			&e.TargetLabel, &e.Before, &e.After, &e.RequestID, &e.Client); err != nil {
			return nil, wrapf(err, "store: scan audit entry")
		}
		e.At = FromMillis(at)
		out = append(out, e)
	}
	return out, wrapf(rows.Err(), "store: list audit")
}

// AuditActions lists the actions that occur in the log, for the page's filter.
func (s *Queries) AuditActions(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, `SELECT DISTINCT action FROM audit_log ORDER BY action`)
	if err != nil {
		return nil, wrapf(err, "store: audit actions")
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, wrapf(err, "store: audit actions")
		}
		out = append(out, a)
	}
	return out, wrapf(rows.Err(), "store: audit actions")
}

// DeleteAuditBefore removes at most batch entries written before t and says how many
// went; the pruning job calls it until fewer than batch go, so one transaction never
// holds the writer long.
func (s *Queries) DeleteAuditBefore(ctx context.Context, t time.Time, batch int) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM audit_log WHERE id IN
		(SELECT id FROM audit_log WHERE created_at < ? ORDER BY created_at LIMIT ?)`, millis(t), batch)
	if err != nil {
		return 0, wrapf(err, "store: prune audit")
	}
	return res.RowsAffected()
}
