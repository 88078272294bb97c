// Package zone is the viewer's time zone: the IANA name a person chose (or their
// browser reported) in their profile, checked, loaded once per process and carried in
// the request context, so every time a page shows is in the viewer's zone with the
// zone named. A viewer without a zone (anonymous, or not set) sees UTC, named too.
package zone

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	// The zone database is in the binary: a minimal container has no /usr/share/zoneinfo.
	_ "time/tzdata"
)

// MaxName is the longest name accepted; the longest IANA name is 32 characters.
const MaxName = 64

// Names returns the zones the settings page offers, sorted.
func Names() []string { return slices.Clone(names) }

// Offered reports whether name is one of Names.
func Offered(name string) bool {
	_, ok := slices.BinarySearch(names, name)
	return ok
}

// Check returns a message for a name that is not a zone ("" is allowed: not set).
func Check(name string) string {
	if name == "" {
		return ""
	}
	if _, ok := Location(name); !ok {
		return "Choose a time zone from the list (an IANA name such as Europe/Berlin)."
	}
	return ""
}

var locations sync.Map // name → *time.Location (only zones that loaded)

// Location returns the zone called name, and false (with UTC) for "" or a name that
// is not a zone. time.LoadLocation parses the zone data on every call, so a loaded
// zone is kept. "Local" is refused: it would be the server's zone, not a person's.
func Location(name string) (*time.Location, bool) {
	if name == "" || len(name) > MaxName || name == "Local" || strings.ContainsAny(name, "\\\x00") {
		return time.UTC, false
	}
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), true
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC, false
	}
	locations.Store(name, l)
	return l, true
}

type key struct{}

type viewer struct {
	name string
	loc  *time.Location
}

// With returns ctx carrying the viewer's zone name ("" or a bad name: UTC).
func With(ctx context.Context, name string) context.Context {
	loc, ok := Location(name)
	if !ok {
		name = ""
	}
	return context.WithValue(ctx, key{}, viewer{name, loc})
}

// From returns the viewer's zone, UTC when none is set.
func From(ctx context.Context) *time.Location {
	if v, ok := ctx.Value(key{}).(viewer); ok {
		return v.loc
	}
	return time.UTC
}

// Name returns the name of the zone the viewer chose, "" when none is set.
func Name(ctx context.Context) string {
	v, _ := ctx.Value(key{}).(viewer)
	return v.name
}

// Label names the viewer's zone for a sentence such as "Times are in …":
// "Asia/Tokyo", or "UTC" when none is set.
func Label(ctx context.Context) string {
	if n := Name(ctx); n != "" {
		return n
	}
	return "UTC"
}

// In is t in the viewer's zone.
func In(ctx context.Context, t time.Time) time.Time { return t.In(From(ctx)) }

// Full is a date and time as pages show it, in the viewer's zone with the zone
// named: "8 Dec 2026, 14:05 CET" ("…, 05:05 UTC" without a zone). A zone without an
// abbreviation is named by its offset ("+03").
func Full(ctx context.Context, t time.Time) string { return In(ctx, t).Format(FullLayout) }

// FullLayout is Full's layout, for a time already in the viewer's zone.
const FullLayout = "2 Jan 2006, 15:04 MST"
