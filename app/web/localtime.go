package web

import (
	"context"
	"fmt"
	"strings"
	"time"

	"eplatform/app/zone"
)

// Every time a page shows is formatted here, in the viewer's zone (app/zone, put in
// the request context with the identity), with the zone named wherever a clock time
// is shown: a viewer without a zone sees UTC and reads "UTC". A kept fragment shared
// between viewers has the zone in its key (cardKey, notifications), so it never shows
// one viewer's zone to another. The machine-readable datetime attributes stay UTC
// (isoTime).

// absTime is a time as a page that cannot say "3 h ago" shows it: "7 Dec 2026, 14:05 CET".
func absTime(ctx context.Context, t time.Time) string { return zone.Full(ctx, t) }

// dueText is a due date (or a hand-in, a grading, an attempt) as the pages show it:
// "Dec 1, 2026 17:00 CET".
func dueText(ctx context.Context, t time.Time) string {
	return zone.In(ctx, t).Format("Jan 2, 2006 15:04 MST")
}

// stamp is a time in the admin tables: "2026-12-01 17:00 CET" (sorts as text).
func stamp(ctx context.Context, t time.Time) string {
	return zone.In(ctx, t).Format("2006-01-02 15:04 MST")
}

// dueFromForm reads a due date typed in a form (datetime-local, or a date) as the
// viewer's wall clock, and passes it on as RFC 3339 for the rules (learn.ParseDue,
// which read a bare time as UTC, as the API documents). Anything else is passed on
// as it is, for the rules to refuse with their message.
func dueFromForm(ctx context.Context, s string) string {
	v := strings.TrimSpace(s)
	loc := zone.From(ctx)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
		return t.AddDate(0, 0, 1).Add(-time.Minute).Format(time.RFC3339) // the end of that day
	}
	return s
}

// zoneKey is the part of a kept fragment's key that names the viewer's zone: "" for
// UTC (no zone), "@Asia/Tokyo" otherwise.
func zoneKey(ctx context.Context) string {
	if n := zone.Name(ctx); n != "" {
		return "@" + n
	}
	return ""
}

// ago is a short relative time: "just now", "5 min ago", "3 h ago", "2 d ago", or a
// date (the viewer's day). The page's <time> element carries the absolute time as its
// title (views.timeAgo).
func ago(ctx context.Context, t, now time.Time) string {
	d := now.Sub(t)
	t, now = zone.In(ctx, t), zone.In(ctx, now)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	case d < 7*24*time.Hour:
		return fmt.Sprintf("%d d ago", int(d.Hours()/24))
	case t.Year() == now.Year():
		return t.Format("Jan 2")
	default:
		return t.Format("Jan 2, 2006")
	}
}
