// Package auth holds the account rules: password hashing (argon2id), what a valid
// signup is, login, browser sessions (a gorilla/sessions store backed by SQLite),
// bearer tokens for the JSON API, password reset and roles. The web and api packages
// call it; neither repeats a rule.
package auth
