package web

import (
	"context"
	"net/http"

	"eplatform/app/store"
	"eplatform/views"
)

// The "Your data" page (download everything, delete the account) and the admin's
// versions of both on the users page. The rules are app/mydata's.

func (h *Web) registerMyData(mux *http.ServeMux) {
	mux.HandleFunc("GET /home/me/data/{$}", h.requireLogin(h.myDataPage))
	mux.HandleFunc("GET /home/me/data/export/{$}", h.requireLogin(h.myDataExport))
	mux.HandleFunc("POST /home/me/data/delete/{$}", h.requireLogin(h.myDataDelete))
	a := h.requireAdmin
	mux.HandleFunc("GET /admin/users/{id}/export/{$}", a(h.adminExport))
	mux.HandleFunc("POST /admin/users/{id}/delete/{$}", a(h.adminDelete))
	mux.HandleFunc("POST /admin/users/{id}/delete/cancel/{$}", a(h.adminCancelDeletion))
	// A removed account's public profile must not be served from the anonymous pages
	// (the background job removes accounts outside any request).
	h.st.MyData.Removed = func(ctx context.Context, _ int64) { h.anonChanged(ctx) }
}

func (h *Web) myDataPage(w http.ResponseWriter, r *http.Request) {
	h.renderMyData(w, r, http.StatusOK, nil)
}

func (h *Web) renderMyData(w http.ResponseWriter, r *http.Request, status int, errs views.FormErrors) {
	d := views.MyDataData{GraceDays: int(h.st.Config.DeletionGrace.Hours() / 24), Errors: errs}
	h.render(w, r, status, views.MyDataPage(h.page(w, r, "Your data", "profile"), d))
}

func (h *Web) myDataExport(w http.ResponseWriter, r *http.Request) {
	me, _ := identity(r.Context())
	h.sendExport(w, r, me.ID)
}

// sendExport streams userID's data as a zip download once the rules allow it.
func (h *Web) sendExport(w http.ResponseWriter, r *http.Request, userID int64) {
	me, _ := identity(r.Context())
	u, err := h.st.MyData.StartExport(r.Context(), me, userID)
	if err != nil {
		h.fail(w, r, err, "")
		return
	}
	h.st.MyData.ServeExport(w, r, u)
}

func (h *Web) myDataDelete(w http.ResponseWriter, r *http.Request) {
	if !h.parseForm(w, r, formLimit) {
		return
	}
	me, _ := identity(r.Context())
	st, err := h.st.MyData.RequestDeletion(r.Context(), me, r.PostForm.Get("password"))
	if errs, ok := invalidFields(r, err); ok {
		h.renderMyData(w, r, http.StatusBadRequest, formErrors(errs))
		return
	}
	if err != nil {
		h.fail(w, r, err, "/home/me/data/")
		return
	}
	// The session has ended (signed out everywhere): forget its cookie too.
	if err := h.sessions.LogOut(w, r); err != nil {
		h.serverError(w, r, err)
		return
	}
	p := h.page(w, r, "Account deletion scheduled", "")
	h.render(w, r, http.StatusOK, views.DeletionScheduledPage(p, stamp(r.Context(), st.DeleteAt)))
}

func (h *Web) adminExport(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok {
		return
	}
	h.sendExport(w, r, id)
}

func (h *Web) adminDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := h.id(w, r, "id")
	if !ok || !h.parseForm(w, r, 4<<10) {
		return
	}
	me, _ := identity(r.Context())
	u, err := h.st.Auth.User(r.Context(), me, id)
	if err != nil {
		h.fail(w, r, err, "/admin/users/")
		return
	}
	now := r.PostForm.Get("now") == "1"
	st, err := h.st.MyData.AdminDelete(r.Context(), me, id, now)
	if err != nil {
		h.fail(w, r, err, "/admin/users/")
		return
	}
	if st.Deleted {
		h.back(w, r, "/admin/users/", "success", u.Username+" is deleted.")
		return
	}
	h.back(w, r, "/admin/users/?q="+urlQueryEscape(u.Username), "success",
		u.Username+" will be deleted on "+stamp(r.Context(), st.DeleteAt)+" unless they sign in before then; they are signed out.")
}

func (h *Web) adminCancelDeletion(w http.ResponseWriter, r *http.Request) {
	h.adminUserAction(func(r *http.Request, me store.User, id int64) (store.User, error) {
		u, err := h.st.Auth.User(r.Context(), me, id)
		if err != nil {
			return u, err
		}
		_, err = h.st.MyData.CancelDeletion(r.Context(), me, id)
		return u, err
	}, func(u store.User) string { return "The deletion of " + u.Username + " is cancelled." })(w, r)
}

// deletionDates marks the rows of the admin users page whose account is waiting to
// be deleted.
func (h *Web) deletionDates(r *http.Request, rows []views.AdminUserRow) error {
	me, _ := identity(r.Context())
	due, err := h.st.MyData.Scheduled(r.Context(), me)
	if err != nil {
		return err
	}
	for i := range rows {
		if at, ok := due[rows[i].ID]; ok {
			rows[i].DeleteAt = stamp(r.Context(), at)
		}
	}
	return nil
}
