package zone

import (
	"context"
	"slices"
	"testing"
	"time"
)

// Every zone the settings page offers loads from the embedded database, so a choice
// from the list is never refused.
func TestOfferedNamesLoad(t *testing.T) {
	t.Setenv("ZONEINFO", t.TempDir()) // an empty zone directory: only the embedded data remains
	if !slices.IsSorted(names) || len(names) < 300 {
		t.Fatalf("names: %d, sorted %v", len(names), slices.IsSorted(names))
	}
	for _, n := range names {
		if m := Check(n); m != "" {
			t.Errorf("%s: %s", n, m)
		}
	}
	if !Offered("Asia/Tokyo") || Offered("Asia/Calcutta") {
		t.Error("Offered: want Asia/Tokyo listed and the alias Asia/Calcutta not")
	}
}

func TestCheck(t *testing.T) {
	for _, ok := range []string{"", "UTC", "Europe/Berlin", "Asia/Calcutta", "America/Argentina/Buenos_Aires"} {
		if m := Check(ok); m != "" {
			t.Errorf("Check(%q) = %q, want accepted", ok, m)
		}
	}
	for _, bad := range []string{"Local", "Mars/Olympus", "../../etc/passwd", "Europe/Berlin\x00", "europe", "Europe\\Berlin"} {
		if Check(bad) == "" {
			t.Errorf("Check(%q) accepted", bad)
		}
	}
}

func TestContext(t *testing.T) {
	at := time.Date(2026, 12, 8, 23, 30, 0, 0, time.UTC)
	ctx := context.Background()
	if got := Full(ctx, at); got != "8 Dec 2026, 23:30 UTC" || Name(ctx) != "" {
		t.Errorf("no zone: %q %q", got, Name(ctx))
	}
	tokyo := With(ctx, "Asia/Tokyo")
	if got := Full(tokyo, at); got != "9 Dec 2026, 08:30 JST" || Name(tokyo) != "Asia/Tokyo" {
		t.Errorf("Tokyo: %q %q", got, Name(tokyo))
	}
	berlin := With(ctx, "Europe/Berlin")
	if got := Full(berlin, at.AddDate(0, -6, 0)); got != "9 Jun 2026, 01:30 CEST" {
		t.Errorf("Berlin in summer: %q", got)
	}
	bad := With(ctx, "Nowhere/City")
	if From(bad) != time.UTC || Name(bad) != "" {
		t.Errorf("a bad name: %v %q", From(bad), Name(bad))
	}
}
