package views

// CalendarEvent is one dated thing of a day.
type CalendarEvent struct {
	Time      string // "15:04" in the viewer's zone
	ISO       string // the instant, UTC (the datetime attribute)
	Full      string // "8 Dec 2026, 14:05 JST" (the title)
	Title     string
	Detail    string
	URL       string
	Kind      string // assignment | quiz | appointment
	Tentative bool
}

// CalendarDay is one cell of the month grid.
type CalendarDay struct {
	Date    string // 2006-01-02
	Label   string // "Mon 3 Mar" for screen readers and the narrow list
	Day     int
	InMonth bool
	Today   bool
	Events  []CalendarEvent
}

// CalendarData is /home/calendar/.
type CalendarData struct {
	Month    string // "March 2026"
	Zone     string // the zone the days and times are in: "Asia/Tokyo", "UTC"
	PrevURL  string
	NextURL  string
	TodayURL string
	Days     []CalendarDay // whole weeks, Monday first
	Count    int           // events this month
	// The feed link.
	FeedSince string // when the current link was made ("" without one)
	NewFeed   string // the link just made: shown once
	NewWebcal string
	LinkURL   string // POST: a new link
	RevokeURL string // POST: turn the feed off
}
