package views

// AdminDashboard is the admin area's landing page.
type AdminDashboard struct {
	Roles        []RoleCount
	Inactive     int
	SignUps      int // joined in the last 7 days
	Posts        Chart
	PostsTotal   int
	Messages     Chart
	MessageTotal int
	Days         int // how many days the charts cover
	DatabaseSize string
	MediaSize    string
	Version      string
	Uptime       string
	CacheHitRate string
	CacheHits    uint64
	CacheMisses  uint64
	Sockets      int
	OpenContacts int
}

// RoleCount is one role's active accounts.
type RoleCount struct {
	Role, Label string
	Count       int
}
