// Package people holds the rules of profiles and search: who sees which section of a
// profile (privacy.go, the one place the privacy rules live, used by the pages, the
// API, search and the search box suggestions alike), what a valid profile and entry
// are (kinds.go), the profile service (profile.go) and full-text search over people,
// posts and subjects (search.go).
//
// Profile rows are created lazily: a user without one reads as the defaults
// (everything public except the email address), and the row is written the first
// time its owner opens or edits it. Reading someone else's profile never writes.
package people
