package api

import "maps"

// The coursework request and response schemas, merged into schemas (openapi.go).
func init() {
	maps.Copy(schemas, courseworkSchemas)
	addOpDocs(courseworkOps)
}

// courseworkOps add the statuses the route tables cannot infer: who may read what.
var courseworkOps = map[string]opDoc{
	"GET /api/materials/{id}/submission/": {Description: "Students see their own hand-in; the subject's managers see the class's counts. " +
		"Anyone else who may see the subject is refused (403).", Status: []int{403}},
	"POST /api/materials/{id}/submission/": {Description: "Only the subject's active students hand in (403); a second hand-in before the due date " +
		"answers 200; after it, 409 unless the assignment accepts a late first hand-in.", Status: []int{200, 409}},
	"GET /api/materials/{id}/submissions/": {Description: "The subject's instructor and admins only (403 for anyone else who may see it).", Status: []int{403}},
	"GET /api/subjects/{id}/gradebook/":    {Description: "The subject's instructor and admins only (403 for anyone else who may see it).", Status: []int{403}},
	"POST /api/submissions/{id}/grade/":    {Description: "The subject's instructor and admins only; the hand-in's student gets 403, anyone else 404."},
}

var (
	handInStatus = map[string]any{"type": "string", "enum": []string{"not_submitted", "missing", "submitted", "late", "graded"},
		"description": "missing: nothing handed in and the due date passed"}
	cellStatus = map[string]any{"type": "string", "enum": []string{"not_submitted", "missing", "submitted", "late", "not_started",
		"in_progress", "pending", "graded"}, "description": "pending: the counted quiz attempt waits for a grade"}
	nullNumber   = map[string]any{"type": []string{"number", "null"}}
	subjectRef   = obj([]string{"id", "code", "name", "url"}, map[string]any{"id": integer, "code": str, "name": str, "url": str})
	handInCounts = obj([]string{"students", "submitted", "late", "graded", "to_grade", "missing", "not_yet_due"}, map[string]any{
		"students": integer, "submitted": integer, "late": integer, "graded": integer, "to_grade": integer,
		"missing": integer, "not_yet_due": integer})
)

var courseworkSchemas = map[string]any{
	"Submission": obj([]string{"id", "assignment", "student", "text", "file_url", "file_name", "file_size", "content_type", "is_late",
		"versions", "first_submitted_at", "submitted_at", "status", "marks", "max_marks", "feedback", "graded_at", "url", "history"}, map[string]any{
		"id": integer, "assignment": map[string]any{"type": "integer", "description": "the assignment material's id"},
		"student": ref("UserMini"), "text": str,
		"file_url":  map[string]any{"type": []string{"string", "null"}, "description": "served only to the student, the subject's instructor and admins"},
		"file_name": nullStr, "file_size": nullInteger, "content_type": nullStr,
		"is_late":            map[string]any{"type": "boolean", "description": "handed in after the due date"},
		"versions":           map[string]any{"type": "integer", "description": "hand-ins so far (each new version replaces the last)"},
		"first_submitted_at": instant, "submitted_at": instant, "status": handInStatus,
		"marks": nullInteger, "max_marks": integer, "feedback": str, "graded_at": nullInstant, "url": str,
		"history": map[string]any{"type": []string{"array", "null"}, "description": "every grade given, newest first (managers; null for the student)",
			"items": obj([]string{"marks", "max_marks", "feedback", "graded_by", "graded_at"}, map[string]any{
				"marks": integer, "max_marks": integer, "feedback": str,
				"graded_by": map[string]any{"oneOf": []any{ref("UserMini"), map[string]any{"type": "null"}}}, "graded_at": instant})}}),
	"HandInWrite": obj(nil, map[string]any{
		"text":        map[string]any{"type": "string", "maxLength": 20000},
		"file":        map[string]any{"type": "string", "format": "binary", "description": "multipart only: PDF, Office, OpenDocument, Markdown, text, CSV, TeX or ZIP ≤ 25 MB, recognised by content; replaces the current file"},
		"remove_file": map[string]any{"type": "boolean", "description": "drop the current file when handing in again without a new one"}}),
	"HandInDesk": obj([]string{"assignment", "status", "can_submit", "late", "refusal", "submission", "counts"}, map[string]any{
		"assignment": ref("Material"), "status": map[string]any{"oneOf": []any{handInStatus, map[string]any{"type": "null"}}, "description": "students"},
		"can_submit": boolean, "late": map[string]any{"type": "boolean", "description": "a hand-in now is marked late"},
		"refusal":    map[string]any{"type": []string{"string", "null"}, "description": "why the caller may not hand in now"},
		"submission": map[string]any{"oneOf": []any{ref("Submission"), map[string]any{"type": "null"}}},
		"counts":     map[string]any{"oneOf": []any{handInCounts, map[string]any{"type": "null"}}, "description": "managers"}}),
	"HandInList": obj([]string{"count", "next", "previous", "results", "counts"}, map[string]any{
		"count": integer, "next": nullStr, "previous": nullStr, "counts": handInCounts,
		"results": map[string]any{"type": "array", "items": obj([]string{"student", "status", "enrolled", "submission"}, map[string]any{
			"student": ref("UserMini"), "status": handInStatus,
			"enrolled":   map[string]any{"type": "boolean", "description": "false: a former student's hand-in"},
			"submission": map[string]any{"oneOf": []any{ref("Submission"), map[string]any{"type": "null"}}}})}}),
	"GradeSubmission": obj([]string{"marks"}, map[string]any{
		"marks":    map[string]any{"type": "integer", "minimum": 0, "description": "required (never defaulted to 0); at most the assignment's max_marks"},
		"feedback": map[string]any{"type": "string", "maxLength": 5000}}),
	"GradeColumn": obj([]string{"kind", "id", "title", "max_marks", "due_at", "grade_by", "late_policy", "url", "done", "to_grade", "missing", "average_percent"}, map[string]any{
		"kind": map[string]any{"type": "string", "enum": []string{"quiz", "assignment"}}, "id": integer, "title": str,
		"max_marks": integer, "due_at": nullInstant,
		"grade_by":    map[string]any{"type": []string{"string", "null"}, "enum": []any{"best", "last", nil}, "description": "quizzes"},
		"late_policy": map[string]any{"type": []string{"string", "null"}, "enum": []any{"accept", "refuse", nil}, "description": "assignments"},
		"url":         str, "done": integer, "to_grade": integer, "missing": integer,
		"average_percent": map[string]any{"type": []string{"number", "null"}, "description": "of the counted cells, one decimal"}}),
	"GradeRow": obj([]string{"student", "cells", "earned", "counted_max", "possible", "current_percent", "overall_percent"}, map[string]any{
		"student": ref("UserMini"),
		"cells": map[string]any{"type": "array", "description": "one per column, in order", "items": obj([]string{"status", "score", "max_marks", "counted", "is_late", "attempt", "submission"}, map[string]any{
			"status": cellStatus, "score": nullInteger, "max_marks": integer,
			"counted": map[string]any{"type": "boolean", "description": "part of the current grade: graded, or missing after the due date (0)"},
			"is_late": boolean, "attempt": nullInteger, "submission": nullInteger})},
		"earned":          map[string]any{"type": "integer", "description": "marks of the counted cells"},
		"counted_max":     map[string]any{"type": "integer", "description": "the counted cells' maximum"},
		"possible":        map[string]any{"type": "integer", "description": "every column's maximum"},
		"current_percent": map[string]any{"type": []string{"number", "null"}, "description": "earned / counted_max, rounded half up to one decimal"},
		"overall_percent": map[string]any{"type": []string{"number", "null"}, "description": "earned / possible"}}),
	"Gradebook": obj([]string{"subject", "columns", "rows", "histogram", "average_percent"}, map[string]any{
		"subject": subjectRef, "columns": map[string]any{"type": "array", "items": ref("GradeColumn")},
		"rows":            map[string]any{"type": "array", "items": ref("GradeRow")},
		"histogram":       map[string]any{"type": "array", "items": integer, "minItems": 10, "maxItems": 10, "description": "students by current percent: 0–9.9, …, 90–100"},
		"average_percent": nullNumber}),
	"MyGrades": obj([]string{"subjects"}, map[string]any{"subjects": map[string]any{"type": "array", "items": obj([]string{"subject", "columns", "row"}, map[string]any{
		"subject": subjectRef, "columns": map[string]any{"type": "array", "items": ref("GradeColumn")}, "row": ref("GradeRow")})}}),
}
