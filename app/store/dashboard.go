package store

import (
	"context"
	"time"
)

// SiteActivityCounts is the admin dashboard's figures from the database.
type SiteActivityCounts struct {
	// Roles counts active accounts by role (student, instructor, admin).
	Roles map[string]int
	// Inactive counts deactivated accounts.
	Inactive int
	// SignUps counts accounts that joined at or after the since of SiteActivity.
	SignUps int
	// Posts and Messages count by UTC day (unix milliseconds / 86 400 000) since from.
	Posts, Messages map[int64]int
}

// SiteActivity gathers the dashboard's counts: accounts by role, sign-ups since
// joinedSince, and posts and chat messages per UTC day since from. Posts are read
// through posts_created; messages have no index by time, so that count reads the
// table (a sum per day over a 30-day window, fine at the sizes a dashboard is opened).
func (s *Queries) SiteActivity(ctx context.Context, joinedSince, from time.Time) (SiteActivityCounts, error) {
	a := SiteActivityCounts{Roles: map[string]int{}, Posts: map[int64]int{}, Messages: map[int64]int{}}
	rows, err := s.query(ctx, `SELECT user_type, is_active, count(*) FROM users GROUP BY user_type, is_active`)
	if err != nil {
		return a, wrapf(err, "store: users by role")
	}
	for rows.Next() {
		var role string
		var active, n int
		if err := rows.Scan(&role, &active, &n); err != nil {
			rows.Close()
			return a, wrapf(err, "store: users by role")
		}
		if active == 1 {
			a.Roles[role] += n
		} else {
			a.Inactive += n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return a, wrapf(err, "store: users by role")
	}
	if err := s.queryRow(ctx, `SELECT count(*) FROM users WHERE date_joined >= ?`, millis(joinedSince)).Scan(&a.SignUps); err != nil {
		return a, wrapf(err, "store: sign-ups")
	}
	for _, c := range []struct {
		table string
		into  map[int64]int
	}{{"posts", a.Posts}, {"messages", a.Messages}} {
		if err := s.perDay(ctx, `SELECT created_at / 86400000, count(*) FROM `+c.table+` WHERE created_at >= ? GROUP BY 1`, from, c.into); err != nil {
			return a, err
		}
	}
	return a, nil
}

func (s *Queries) perDay(ctx context.Context, q string, from time.Time, into map[int64]int) error {
	rows, err := s.query(ctx, q, millis(from))
	if err != nil {
		return wrapf(err, "store: per day")
	}
	defer rows.Close()
	for rows.Next() {
		var day int64
		var n int
		if err := rows.Scan(&day, &n); err != nil {
			return wrapf(err, "store: per day")
		}
		into[day] = n
	}
	return rows.Err()
}
