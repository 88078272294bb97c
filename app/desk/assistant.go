package desk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"eplatform/app/problem"
	"eplatform/app/store"
	"eplatform/app/text"
)

// Feedback kinds of the assistant (the original's ?type=).
var FeedbackKinds = []string{"general", "assignment", "quiz"}

// ValidKind tells whether k is a feedback kind.
func ValidKind(k string) bool {
	for _, v := range FeedbackKinds {
		if v == k {
			return true
		}
	}
	return false
}

// Horizons of the assistant.
const (
	ActivityWindow = 14 * 24 * time.Hour
	DeadlineWindow = 14 * 24 * time.Hour
)

// Report is what the assistant found, before it is written as text.
type Report struct {
	Subjects    []store.StudyScore
	Questions   []store.StudyScore
	Unopened    []store.StudyItem
	UnopenedN   int
	Deadlines   []store.StudyItem
	Activity    store.Activity
	Attempt     *store.AttemptResult // the attempt named by a quiz submission id
	GeneratedAt time.Time
}

// Analyse gathers the user's own data.
func (s *Service) Analyse(ctx context.Context, userID int64) (Report, error) {
	now := s.Now()
	r := Report{GeneratedAt: now}
	var err error
	if r.Subjects, err = s.DB.SubjectScores(ctx, userID, 3); err != nil {
		return r, err
	}
	if r.Questions, err = s.DB.WeakQuestions(ctx, userID, 3); err != nil {
		return r, err
	}
	if r.Unopened, r.UnopenedN, err = s.DB.UnopenedMaterials(ctx, userID, 5); err != nil {
		return r, err
	}
	if r.Deadlines, err = s.DB.UpcomingAssignments(ctx, userID, now, now.Add(DeadlineWindow), 5); err != nil {
		return r, err
	}
	r.Activity, err = s.DB.UserActivity(ctx, userID, now.Add(-ActivityWindow))
	return r, err
}

func pct(got, max int) int {
	if max <= 0 {
		return 0
	}
	return (got*100 + max/2) / max
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Write turns a report into the assistant's text for a feedback kind. It is
// deterministic: the same data gives the same words.
func (r Report) Write(kind string) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	quiz := func() {
		if len(r.Subjects) == 0 {
			line("Quizzes: you have not finished a quiz yet. Taking one in each of your subjects shows where you stand.")
			return
		}
		line("Quizzes (%d finished attempts):", r.Activity.Attempts)
		for _, sc := range r.Subjects {
			p := pct(sc.Got, sc.Max)
			verdict := "solid — keep it up"
			switch {
			case p < 50:
				verdict = "your weakest area: review the materials before the next attempt"
			case p < 75:
				verdict = "fair: a second pass on the harder topics would help"
			}
			line("- %s: %d%% (%d of %d marks), %s.", sc.Label, p, sc.Got, sc.Max, verdict)
		}
		if len(r.Questions) > 0 {
			line("Questions to revisit:")
			for _, q := range r.Questions {
				line("- \"%s\" (%s): %d of %d marks.", clip(q.Label, 80), q.Subject, q.Got, q.Max)
			}
		}
	}
	materials := func() {
		if r.Activity.Enrolled == 0 {
			line("Subjects: you are not enrolled in any subject yet. Enrol in one to get materials and deadlines here.")
			return
		}
		if r.UnopenedN == 0 {
			line("Materials: you have opened every material of your %d subject(s). Well done.", r.Activity.Enrolled)
		} else {
			line("Materials: %d not opened yet. Start with:", r.UnopenedN)
			for _, m := range r.Unopened {
				line("- %s (%s, %s)", m.Title, m.Subject, m.Kind)
			}
		}
	}
	deadlines := func() {
		if len(r.Deadlines) == 0 {
			line("Deadlines: no assignment is due in the next 14 days.")
			return
		}
		line("Deadlines in the next 14 days:")
		for _, d := range r.Deadlines {
			left := d.DueAt.Sub(r.GeneratedAt)
			when := fmt.Sprintf("in %d day(s)", int(left.Hours()/24))
			if left < 24*time.Hour {
				when = fmt.Sprintf("in %d hour(s)", int(left.Hours()))
			}
			line("- %s (%s): due %s, %s.", d.Title, d.Subject, d.DueAt.Format("Mon 2 Jan 15:04 UTC"), when)
		}
	}
	activity := func() {
		a := r.Activity
		switch n := a.Posts + a.Comments; {
		case n == 0:
			line("Activity: no posts or comments in the last 14 days. Asking a question in the feed is a good way to get unstuck.")
		case n < 5:
			line("Activity: %d post(s) and %d comment(s) in the last 14 days. A little more discussion helps learning stick.", a.Posts, a.Comments)
		default:
			line("Activity: %d post(s) and %d comment(s) in the last 14 days — you are an active member.", a.Posts, a.Comments)
		}
	}
	switch kind {
	case "quiz":
		line("Quiz feedback")
		if a := r.Attempt; a != nil {
			line("Attempt %d of \"%s\" (%s): %d of %d marks, %d%%.", a.Number, a.Quiz, a.Subject, a.Score, a.Max, pct(a.Score, a.Max))
			if a.Pending > 0 {
				line("%d answer(s) still await the instructor's grade.", a.Pending)
			}
			if len(a.Missed) == 0 {
				line("You lost no marks on the graded questions of this attempt.")
			} else {
				line("Where this attempt lost marks:")
				for _, q := range a.Missed {
					line("- \"%s\": %d of %d marks.", clip(q.Label, 80), q.Got, q.Max)
				}
			}
		}
		quiz()
	case "assignment":
		line("Assignment feedback")
		deadlines()
		materials()
	default:
		line("Your learning summary")
		quiz()
		materials()
		deadlines()
		activity()
	}
	return strings.TrimSpace(b.String())
}

// Feedback computes, stores and returns feedback for the user. kind "" is general;
// an unknown kind is a problem naming type. The submission id is the caller's label
// (at most 50 characters, as the original's column; longer ones are cut), checked by
// the one rule for user text.
func (s *Service) Feedback(ctx context.Context, user store.User, kind, submissionID string) (store.AIFeedback, error) {
	if kind == "" {
		kind = "general"
	}
	if !ValidKind(kind) {
		return store.AIFeedback{}, problem.Field("type", "Select a valid choice: "+strings.Join(FeedbackKinds, ", ")+".")
	}
	submissionID, msg := text.Clean(strings.TrimSpace(submissionID))
	if msg != "" {
		return store.AIFeedback{}, problem.Field("submission_id", msg)
	}
	if utf8.RuneCountInString(submissionID) > 50 {
		submissionID = string([]rune(submissionID)[:50])
	}
	r, err := s.Analyse(ctx, user.ID)
	if err != nil {
		return store.AIFeedback{}, err
	}
	if id, perr := strconv.ParseInt(submissionID, 10, 64); kind == "quiz" && perr == nil && id > 0 {
		a, err := s.DB.AttemptForFeedback(ctx, user.ID, id)
		switch {
		case err == nil:
			r.Attempt = &a
		case !errors.Is(err, store.ErrNotFound):
			return store.AIFeedback{}, err
		}
	}
	f := store.AIFeedback{UserID: user.ID, Kind: kind, SubmissionID: submissionID, Feedback: clip2(r.Write(kind), 10000), CreatedAt: s.Now()}
	err = s.DB.WithTx(ctx, func(tx *store.Queries) error {
		var err error
		f.ID, err = tx.InsertAIFeedback(ctx, f)
		return err
	})
	return f, err
}

// clip2 shortens without folding whitespace (the feedback keeps its lines).
func clip2(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// History returns the user's stored feedback, newest first.
func (s *Service) History(ctx context.Context, userID int64, limit int) ([]store.AIFeedback, error) {
	return s.DB.ListAIFeedback(ctx, userID, limit)
}
