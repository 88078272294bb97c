package desk

import (
	"context"
	"time"

	"eplatform/app/store"
)

// DashboardDays is how many days the dashboard's charts cover.
const DashboardDays = 30

// Day is one bar of a dashboard chart.
type Day struct {
	Date  time.Time // the UTC day
	Count int
}

// Dashboard is the admin area's landing page figures.
type Dashboard struct {
	Roles    map[string]int // active accounts by role
	Inactive int
	// SignUps are the accounts created in the last 7 days.
	SignUps int
	// Posts and Messages are per UTC day, oldest first, the last DashboardDays days
	// (today included), zero days too.
	Posts, Messages []Day
	Counts          Counts // database size, users, open contact messages
}

// Dashboard gathers the admin landing page's figures; admins only.
func (s *Service) Dashboard(ctx context.Context, by store.User) (Dashboard, error) {
	var d Dashboard
	counts, err := s.SiteCounts(ctx, by) // checks the role
	if err != nil {
		return d, err
	}
	now := s.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	first := today.AddDate(0, 0, -(DashboardDays - 1))
	a, err := s.DB.SiteActivity(ctx, now.Add(-7*24*time.Hour), first)
	if err != nil {
		return d, err
	}
	d = Dashboard{Roles: a.Roles, Inactive: a.Inactive, SignUps: a.SignUps, Counts: counts,
		Posts: days(first, a.Posts), Messages: days(first, a.Messages)}
	return d, nil
}

// days lays per-day counts out as DashboardDays bars from first.
func days(first time.Time, per map[int64]int) []Day {
	out := make([]Day, DashboardDays)
	for i := range out {
		day := first.AddDate(0, 0, i)
		out[i] = Day{Date: day, Count: per[day.UnixMilli()/86_400_000]}
	}
	return out
}
