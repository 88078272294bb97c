// Package audit records administrative and grading actions in the audit log: who did
// what to which target, when, from where, with small before/after snapshots.
//
// A service records an action with Record on the transaction that performs it, so the
// entry exists exactly when the action does: a refusal or a rollback leaves none.
//
//	err := s.DB.WithTx(ctx, func(tx *store.Queries) error {
//		... the action ...
//		return audit.Record(ctx, tx, audit.Entry{At: s.Now(), Actor: by, Action: audit.UserRole,
//			Target: audit.User(u), Before: map[string]any{"role": old}, After: map[string]any{"role": role}})
//	})
//
// Reading the log is the admin area's (desk.Service.AuditLog); pruning is Pruner's.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"eplatform/app/httpx"
	"eplatform/app/store"
)

// The recorded actions. The names are stored: add new ones, never rename old ones.
const (
	UserRole          = "user.role"           // an admin changed someone's role
	UserActivate      = "user.activate"       // an admin reactivated an account
	UserDeactivate    = "user.deactivate"     // an admin deactivated an account
	UserCreate        = "user.create"         // an account made by an admin (or the command line)
	UserDelete        = "user.delete"         // an account deleted by an admin
	UserPasswordReset = "user.password_reset" // an admin mailed someone a reset link
	UserTwoFactorOff  = "user.2fa_reset"      // an admin turned someone's second factor off
	PostDelete        = "post.delete"         // someone else's post deleted by a moderator
	CommentDelete     = "comment.delete"      // someone else's comment deleted by a moderator
	MessageDelete     = "message.delete"      // someone else's chat message deleted by a moderator
	SubjectUpdate     = "subject.instructor"  // a subject's instructor (owner) changed
	SubjectDelete     = "subject.delete"      // a subject deleted with its materials and grades
	AnswerGrade       = "quiz.grade"          // a short answer graded or regraded
	SubmissionGrade   = "submission.grade"    // a hand-in graded or regraded
	BackupDownload    = "backup.download"     // an admin downloaded a full backup
	BackupRestore     = "backup.restore"      // an archive restored from the command line
	FAQCreate         = "faq.create"
	FAQUpdate         = "faq.update"
	FAQDelete         = "faq.delete"
	ContactHandled    = "contact.handled" // a contact message marked handled
)

// Actions lists every action, for the admin page's filter and the API's document.
var Actions = []string{UserRole, UserActivate, UserDeactivate, UserCreate, UserDelete, UserPasswordReset, UserTwoFactorOff,
	PostDelete, CommentDelete, MessageDelete, SubjectUpdate, SubjectDelete, AnswerGrade, SubmissionGrade,
	BackupDownload, BackupRestore, FAQCreate, FAQUpdate, FAQDelete, ContactHandled}

// Target kinds.
const (
	KindUser       = "user"
	KindPost       = "post"
	KindComment    = "comment"
	KindMessage    = "message"
	KindSubject    = "subject"
	KindAttempt    = "attempt"
	KindSubmission = "submission"
	KindBackup     = "backup"
	KindFAQ        = "faq"
	KindContact    = "contact"
)

// Kinds lists every target kind.
var Kinds = []string{KindUser, KindPost, KindComment, KindMessage, KindSubject, KindAttempt, KindSubmission,
	KindBackup, KindFAQ, KindContact}

// Known reports whether v is one of list (filters refuse anything else).
func Known(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// Target is what an action was done to.
type Target struct {
	Kind  string
	ID    int64 // 0: none (a backup)
	Label string
}

// User is the target for an action on an account: its username as it is now.
func User(u store.User) Target { return Target{Kind: KindUser, ID: u.ID, Label: u.Username} }

// Entry is one action to record.
type Entry struct {
	At time.Time
	// Actor is who acted; the zero User is the command line or a background job.
	Actor  store.User
	Action string
	Target Target
	// Before and After are small values marshalled to JSON (maps of the fields that
	// changed); nil is nothing.
	Before, After any
}

// Limits of what an entry keeps: snapshots are meant to be a few fields, labels a
// name or the start of a text.
const (
	maxLabel = 200
	maxJSON  = 4000
)

// Record writes e with the request's id and client address (WithClient) from ctx, on
// tx: the transaction of the action itself.
func Record(ctx context.Context, tx *store.Queries, e Entry) error {
	if e.Action == "" || e.Target.Kind == "" {
		return fmt.Errorf("audit: an entry needs an action and a target kind")
	}
	before, err := snapshot(e.Before)
	if err != nil {
		return err
	}
	after, err := snapshot(e.After)
	if err != nil {
		return err
	}
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	actor := e.Actor.Username
	if e.Actor.ID == 0 {
		actor = CommandLine
	}
	_, err = tx.InsertAudit(ctx, store.AuditEntry{At: at, ActorID: e.Actor.ID, ActorName: actor,
		Action: e.Action, TargetKind: e.Target.Kind, TargetID: e.Target.ID, TargetLabel: clip(e.Target.Label, maxLabel),
		Before: before, After: after, RequestID: httpx.RequestID(ctx), Client: Client(ctx)})
	return err
}

// CommandLine is the actor name of entries without a signed-in actor.
const CommandLine = "(command line)"

// snapshot marshals v; one too large to be "small" keeps its start, marked, so an
// entry is never refused (the action it records must not fail for it).
func snapshot(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: snapshot: %w", err)
	}
	if len(b) > maxJSON {
		if b, err = json.Marshal(map[string]string{"truncated": clip(string(b), maxJSON-100)}); err != nil {
			return "", fmt.Errorf("audit: snapshot: %w", err)
		}
	}
	return string(b), nil
}

// clip shortens s to at most n characters with an ellipsis, for labels taken from
// texts (a post's start).
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

type clientKey struct{}

// WithClient notes the request's client address in ctx (the server does it for every
// request), for the entries recorded while serving it.
func WithClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientKey{}, addr)
}

// Client is the client address noted by WithClient ("" outside a request).
func Client(ctx context.Context) string {
	s, _ := ctx.Value(clientKey{}).(string)
	return s
}
