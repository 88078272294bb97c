// Package api serves the JSON API of API.md under /api/. Routes are declared once in
// a table (routes.go) from which both the ServeMux registrations and the OpenAPI
// document are built, so the two cannot drift apart.
package api
