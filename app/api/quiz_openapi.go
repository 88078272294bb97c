package api

import "maps"

// The quizzes' request and response schemas, merged into schemas (openapi.go).
func init() { maps.Copy(schemas, quizSchemas) }

var (
	quizKind    = map[string]any{"type": "string", "enum": []string{"mcq", "true_false", "short_answer"}}
	quizStatus  = map[string]any{"type": "string", "enum": []string{"in_progress", "completed", "timed_out"}}
	nullInteger = map[string]any{"type": []string{"integer", "null"}}
	quizGradeBy = map[string]any{"type": "string", "enum": []string{"best", "last"}, "default": "best",
		"description": "which finished attempt the gradebook counts"}
)

var quizSchemas = map[string]any{
	"Quiz": obj([]string{"id", "subject", "title", "description", "time_limit_minutes", "passing_percent", "max_attempts",
		"is_randomized", "is_active", "grade_by", "total_marks", "question_count", "can_manage", "url", "created_at", "updated_at"}, map[string]any{
		"id": integer, "subject": integer, "title": str, "description": str,
		"time_limit_minutes": map[string]any{"type": "integer", "minimum": 1, "maximum": 240},
		"passing_percent":    map[string]any{"type": "integer", "minimum": 0, "maximum": 100},
		"max_attempts":       map[string]any{"type": "integer", "minimum": 0, "description": "0 = unlimited"},
		"is_randomized":      map[string]any{"type": "boolean", "description": "question and answer order shuffled per attempt, stable within it"},
		"is_active":          boolean, "grade_by": quizGradeBy, "total_marks": integer, "question_count": integer, "can_manage": boolean,
		"url": str, "created_at": instant, "updated_at": instant,
		"due_at": map[string]any{"type": []string{"string", "null"}, "format": "date-time",
			"description": "no attempt starts after it and none runs past it; null: always open"}}),
	"QuizList": listOf("Quiz"),
	"QuizWrite": obj(nil, map[string]any{
		"title": map[string]any{"type": "string", "maxLength": 200}, "description": map[string]any{"type": "string", "maxLength": 5000},
		"time_limit_minutes": map[string]any{"type": "integer", "minimum": 1, "maximum": 240, "default": 30},
		"passing_percent":    map[string]any{"type": "integer", "minimum": 0, "maximum": 100, "default": 60},
		"max_attempts":       map[string]any{"type": "integer", "minimum": 0, "default": 0},
		"is_randomized":      boolean, "is_active": boolean, "grade_by": quizGradeBy,
		"due_at": map[string]any{"type": "string", "description": "RFC 3339 or 2006-01-02T15:04 (UTC); \"\" removes it; not in the past"}}),
	"Answer": obj([]string{"id", "text"}, map[string]any{"id": integer, "text": str,
		"is_correct": map[string]any{"type": "boolean", "description": "only for the quiz's managers and in results"}}),
	"Question": obj([]string{"id", "quiz", "kind", "text", "marks", "position", "answers"}, map[string]any{
		"id": integer, "quiz": integer, "kind": quizKind, "text": str, "marks": map[string]any{"type": "integer", "minimum": 1},
		"explanation": map[string]any{"type": "string", "description": "only for the quiz's managers and in results"},
		"image_url":   map[string]any{"type": []string{"string", "null"}, "description": "served to the quiz's managers and takers"},
		"position":    integer, "answers": map[string]any{"type": "array", "items": ref("Answer")},
		"auto_accept": map[string]any{"type": "boolean", "description": "short answers: one matching a model answer (ignoring case and spaces) gets full marks at submit; only for the quiz's managers"}}),
	"QuestionWrite": obj([]string{"kind", "text"}, map[string]any{
		"kind": quizKind, "text": map[string]any{"type": "string", "maxLength": 5000},
		"marks":       map[string]any{"type": "integer", "minimum": 1, "default": 1},
		"explanation": map[string]any{"type": "string", "maxLength": 5000},
		"correct":     map[string]any{"type": "boolean", "description": "true_false: whether True is the right answer"},
		"auto_accept": map[string]any{"type": "boolean", "description": "short_answer: accept answers matching a model answer (ignoring case and spaces) at submit; turning it on also accepts those waiting"},
		"answers": map[string]any{"type": "array", "items": obj([]string{"text"}, map[string]any{
			"id":   map[string]any{"type": "integer", "description": "an existing answer to keep (its saved selections stay)"},
			"text": str, "is_correct": boolean})}}),
	"QuestionImage": obj([]string{"image"}, map[string]any{"image": map[string]any{"type": "string", "format": "binary"}}),
	"IDOrder":       obj([]string{"ids"}, map[string]any{"ids": map[string]any{"type": "array", "items": integer}}),
	"QuizDetail": map[string]any{"allOf": []any{ref("Quiz"), obj([]string{"questions", "attempts", "attempts_left"}, map[string]any{
		"questions":       map[string]any{"type": []string{"array", "null"}, "items": ref("Question"), "description": "null for students"},
		"attempts":        map[string]any{"type": "array", "items": ref("Attempt")},
		"attempts_left":   map[string]any{"type": []string{"integer", "null"}, "description": "null: unlimited"},
		"grading_pending": integer})}},
	"Attempt": obj([]string{"id", "quiz", "user", "attempt_number", "status", "started_at", "deadline_at", "finished_at",
		"score", "max_score", "percent", "pending_count", "passed", "server_time"}, map[string]any{
		"id": integer, "quiz": integer, "user": integer, "attempt_number": integer, "status": quizStatus,
		"started_at": instant, "deadline_at": map[string]any{"type": "string", "format": "date-time", "description": "fixed at start; answers after it are refused"},
		"finished_at": nullInstant, "score": integer, "max_score": integer, "percent": integer,
		"pending_count": map[string]any{"type": "integer", "description": "short answers waiting for a grade"},
		"passed":        boolean, "server_time": map[string]any{"type": "string", "format": "date-time", "description": "for a countdown that corrects the client's clock"}}),
	"AttemptSheet": obj([]string{"attempt", "quiz", "questions", "answers", "resumed"}, map[string]any{
		"attempt": ref("Attempt"), "quiz": ref("Quiz"),
		"questions": map[string]any{"type": "array", "items": ref("Question"), "description": "in the attempt's order, without correctness"},
		"answers": map[string]any{"type": "array", "items": obj([]string{"question", "answer_id", "text"}, map[string]any{
			"question": integer, "answer_id": nullInteger, "text": nullStr})},
		"resumed": boolean}),
	"AnswersWrite": obj([]string{"answers"}, map[string]any{"answers": map[string]any{"type": "array", "items": obj([]string{"question"}, map[string]any{
		"question": integer, "answer_id": map[string]any{"type": "integer", "description": "a choice; 0 clears"},
		"text": map[string]any{"type": "string", "maxLength": 5000, "description": "a short answer; blank clears"}})}}),
	"SubmitResult": obj([]string{"attempt", "already_submitted"}, map[string]any{"attempt": ref("Attempt"), "already_submitted": boolean}),
	"AttemptResults": obj([]string{"attempt", "quiz", "user", "items"}, map[string]any{
		"attempt": ref("Attempt"), "quiz": ref("Quiz"), "user": str, "display_name": displayName,
		"items": map[string]any{"type": "array", "items": obj([]string{"question", "answer_id", "answer", "correct_answers", "marks_awarded", "pending", "feedback"}, map[string]any{
			"question": ref("Question"), "answer_id": nullInteger, "answer": nullStr,
			"correct_answers": map[string]any{"type": "array", "items": str, "description": "the correct option, or the model answers"},
			"marks_awarded":   nullInteger, "pending": boolean, "feedback": str})}}),
	"GradingQueue": obj([]string{"count", "next", "previous", "results"}, map[string]any{"count": integer, "next": nullStr, "previous": nullStr,
		"results": map[string]any{"type": "array", "items": obj([]string{"attempt", "question", "username", "question_text", "marks", "answer", "finished_at"}, map[string]any{
			"attempt": integer, "question": integer, "username": str, "display_name": displayName, "question_text": str, "marks": integer, "answer": str, "finished_at": instant})}}),
	"GradeWrite": obj([]string{"question", "marks"}, map[string]any{"question": integer,
		"marks":    map[string]any{"type": "integer", "minimum": 0, "description": "0..the question's marks"},
		"feedback": map[string]any{"type": "string", "maxLength": 5000}}),
	"QuizAnalytics": obj([]string{"attempts", "average_percent", "median_percent", "pass_rate", "histogram", "per_question", "average_seconds"}, map[string]any{
		"attempts": integer, "average_percent": map[string]any{"type": "number"}, "median_percent": map[string]any{"type": "number"},
		"pass_rate": integer,
		"histogram": map[string]any{"type": "array", "items": integer, "minItems": 10, "maxItems": 10, "description": "attempts by percent: 0–9, …, 90–100"},
		"per_question": map[string]any{"type": "array", "items": obj([]string{"question", "text", "correct", "percent_correct"}, map[string]any{
			"question": integer, "text": str, "correct": integer, "percent_correct": integer})},
		"average_seconds": integer}),
}

// What the quiz route table does not say, for the OpenAPI document (openapi.go).
func init() { addOpDocs(quizOps) }

// Who may do what with quizzes, said once in the descriptions below.
const (
	quizManagers = " The subject's instructor and admins only (403 for others who may see the subject)."
	quizTakers   = " The subject's active students only (403 for others who may see the quiz)."
)

var quizOps = map[string]opDoc{
	"GET /api/subjects/{id}/quizzes/": {Description: "The subject's quizzes: all of them for its managers, the active ones for its enrolled students " +
		"(403 for anyone else who may see the subject). Not paginated.", Status: []int{403}},
	"POST /api/subjects/{id}/quizzes/": {Description: "Creates a quiz in the subject with defaults of 30 minutes, a pass at 60 % and unlimited attempts." + quizManagers},
	"GET /api/quizzes/{id}/": {Description: "A quiz with the caller's attempts; its managers also get the questions with the correct answers and the grading count. " +
		"Students must be enrolled (403).", Status: []int{403}},
	"PATCH /api/quizzes/{id}/":  {Description: "Changes a quiz's settings; attempts already started keep their deadline." + quizManagers},
	"DELETE /api/quizzes/{id}/": {Description: "Deletes a quiz with its questions and attempts." + quizManagers},
	"POST /api/quizzes/{id}/questions/": {Description: "Adds a question at the end: mcq needs at least two answers with exactly one correct, " +
		"true_false says with correct whether True is right, short_answer may list model answers for the grader. " +
		"While students are taking the quiz, questions cannot be added (409)." + quizManagers, Status: []int{409}},
	"POST /api/quizzes/{id}/questions/order/": {Description: "Puts the quiz's questions in the given order: every question id once." + quizManagers, Status: []int{409}},
	"PUT /api/questions/{id}/": {Description: "Replaces a question and its answers: answers with a known id are kept (with the choices saved for them), " +
		"others are added, missing ones removed. 409 while students are taking the quiz." + quizManagers, Status: []int{409}},
	"DELETE /api/questions/{id}/": {Description: "Deletes a question; the quiz's total marks follow. 409 while students are taking the quiz." + quizManagers, Status: []int{409}},
	"PUT /api/questions/{id}/image/": {Description: "Sets a question's picture from the multipart field image (JPEG, PNG, GIF or WebP ≤ 5 MB, " +
		"recognised by content and re-encoded)." + quizManagers},
	"DELETE /api/questions/{id}/image/": {Description: "Removes a question's picture." + quizManagers},
	"POST /api/quizzes/{id}/attempts/": {Description: "Starts an attempt (201), or resumes the caller's open one (200, resumed: true). The deadline is " +
		"fixed now from the time limit; the questions come in the attempt's own stable order, without correctness. " +
		"No attempts left, no questions yet, or a manager of the quiz: 400." + quizTakers, Status: []int{200, 400}},
	"GET /api/attempts/{id}/": {Description: "The caller's attempt with its questions and saved answers; an attempt past its deadline is " +
		"submitted first. Someone else's attempt is a 404."},
	"POST /api/attempts/{id}/answers/": {Description: "Saves answers to the caller's open attempt: answer_id for a choice, text for a short answer " +
		"(0 or blank clears). The score follows each save. 409 after the deadline or the submit. Limited to 300 saves a minute.", Status: []int{409}},
	"POST /api/attempts/{id}/submit/": {Description: "Submits the caller's attempt; a second submit changes nothing and says already_submitted. " +
		"The quiz's creator is notified."},
	"GET /api/attempts/{id}/results/": {Description: "A finished attempt's results: each question, the answer given, the correct answers, the explanation " +
		"and the marks. The attempt's student, and the quiz's managers (404 for others); 400 while the attempt is open.", Status: []int{400}},
	"GET /api/quizzes/{id}/grading/": {Description: "The short answers of finished attempts that wait for a grade, oldest first." + quizManagers, Status: []int{403}},
	"POST /api/attempts/{id}/grade/": {Description: "Grades one short answer of a finished attempt with 0 up to the question's marks and optional " +
		"feedback; the score and pass/fail follow and the student is notified. Only short answers of a submitted attempt are graded (400)." + quizManagers},
	"GET /api/quizzes/{id}/analytics/": {Description: "A quiz's analytics over finished attempts: count, average and median percent, pass rate, " +
		"a histogram by tenths, percent correct per question and the average time." + quizManagers, Status: []int{403}},
}
