package web

import (
	"context"
	"net/http"
	"strings"

	"eplatform/app/httpx"
	"eplatform/app/store"
	"eplatform/views"
)

// The learning assistant: /ai/ and the original's endpoints /ai/api/feedback/,
// /ai/api/feedback/{submission_id}/ and /ai/api/feedback-request/.

// FeedbackJSON is the original's answer shape.
type FeedbackJSON struct {
	Status       string `json:"status"`
	SubmissionID string `json:"submission_id"`
	FeedbackType string `json:"feedback_type"`
	Feedback     string `json:"feedback"`
	ID           int64  `json:"id"`
	CreatedAt    string `json:"created_at"`
}

func feedbackJSON(f store.AIFeedback) FeedbackJSON {
	return FeedbackJSON{Status: "success", SubmissionID: f.SubmissionID, FeedbackType: f.Kind, Feedback: f.Feedback,
		ID: f.ID, CreatedAt: f.CreatedAt.UTC().Format("2006-01-02T15:04:05Z")}
}

func feedbackView(ctx context.Context, f store.AIFeedback) views.AIFeedbackView {
	v := views.AIFeedbackView{ID: f.ID, Kind: f.Kind, SubmissionID: f.SubmissionID, Created: stamp(ctx, f.CreatedAt)}
	for _, l := range strings.Split(f.Feedback, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			v.Lines = append(v.Lines, l)
		}
	}
	return v
}

func (h *Web) aiPage(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	hist, err := h.st.Desk.History(r.Context(), u.ID, 20)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	d := views.AIData{Kind: "general"}
	for _, f := range hist {
		d.History = append(d.History, feedbackView(r.Context(), f))
	}
	h.render(w, r, http.StatusOK, views.AIPage(h.page(w, r, "Learning assistant", "ai"), d))
}

// aiRequest (POST /ai/) computes feedback from the form and shows the page again.
func (h *Web) aiRequest(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, 16<<10) {
		return
	}
	u, _ := identity(r.Context())
	if _, err := h.st.Desk.Feedback(r.Context(), u, r.PostFormValue("type"), r.PostFormValue("submission_id")); err != nil {
		h.fail(w, r, err, "/ai/")
		return
	}
	http.Redirect(w, r, "/ai/", http.StatusSeeOther)
}

// aiFeedback answers GET /ai/api/feedback/[{submission_id}/]?type=…
func (h *Web) aiFeedback(w http.ResponseWriter, r *http.Request) {
	u, _ := identity(r.Context())
	f, err := h.st.Desk.Feedback(r.Context(), u, r.URL.Query().Get("type"), r.PathValue("submission_id"))
	if err != nil {
		// The original's JSON endpoint: its errors are the API's error JSON.
		httpx.WriteError(w, r, h.st.Log, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, feedbackJSON(f))
}

// aiFeedbackRequest answers POST /ai/api/feedback-request/ with a form or JSON body
// {type, submission_id}. It goes through the site's cross-origin protection.
func (h *Web) aiFeedbackRequest(w http.ResponseWriter, r *http.Request) {
	kind, sub := "", ""
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var body struct {
			Type         string `json:"type"`
			SubmissionID any    `json:"submission_id"`
		}
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		if err := jsonDecode(r, &body); err != nil {
			httpx.WriteJSON(w, http.StatusBadRequest, map[string]string{"status": "error", "message": "Invalid JSON: the body must be a JSON object."})
			return
		}
		kind, sub = body.Type, anyString(body.SubmissionID)
	} else {
		if !h.parseForm(w, r, 16<<10) {
			return
		}
		kind, sub = r.PostFormValue("type"), r.PostFormValue("submission_id")
	}
	u, _ := identity(r.Context())
	f, err := h.st.Desk.Feedback(r.Context(), u, kind, sub)
	if err != nil {
		httpx.WriteError(w, r, h.st.Log, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, feedbackJSON(f))
}

// requireLoginJSON answers 401 JSON for anonymous callers of the assistant's endpoints.
func (h *Web) requireLoginJSON(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := identity(r.Context()); !ok {
			httpx.WriteJSON(w, http.StatusUnauthorized, map[string]string{"status": "error", "message": "Authentication credentials were not provided.", "detail": "Authentication credentials were not provided."})
			return
		}
		next(w, r)
	}
}
