package main

import (
	"strings"
	"fmt"
	"regexp"
	"log"
	"net/http"
	"os"

	"eplatform/views"

	"github.com/a-h/templ"
)

func main() {
	asset := func(n string) string { return "/static/" + n }
	v := &views.Viewer{ID: 7, Username: "amira.h", FirstName: "Amira", LastName: "Hassan", UserType: "admin"}
	flashes := []views.Flash{{Kind: "success", Message: "Welcome back, Amira!"}, {Kind: "error", Message: "Could not save <b>that</b>."}}
	pg := func(title, nav string, viewer *views.Viewer, fl []views.Flash) views.Page {
		return views.Page{Title: title, Nav: nav, Viewer: viewer, Flashes: fl, Asset: asset, Next: "/home/post/3/?x=1&y=<2>"}
	}
	mux := http.NewServeMux()
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir(os.Args[1]))))
	h := func(path string, c templ.Component) { mux.Handle(path, templ.Handler(c)) }
	h("/home", views.HomePage(pg("Home", "home", v, flashes)))
	h("/home-student", views.HomePage(pg("Home", "home", &views.Viewer{ID: 8, Username: "bob"}, nil)))
	h("/login", views.LoginPage(pg("Sign in", "", nil, []views.Flash{{Kind: "info", Message: "You have been logged out."}}), views.LoginForm{Username: "amira", Errors: views.FormErrors{"": {"Please enter a correct username and password. Note that both fields may be case-sensitive."}}}))
	h("/login-clean", views.LoginPage(pg("Sign in", "", nil, nil), views.LoginForm{}))
	h("/signup", views.SignupPage(pg("Sign up", "", nil, nil), views.SignupForm{FirstName: "Amira", Username: "amira", Email: "bad", UserType: "student", Birthdate: "2015-01-02", Errors: views.FormErrors{
		"":          {"Please fix the errors below."},
		"username":  {"A user with that username already exists."},
		"email":     {"Enter a valid email address."},
		"birthdate": {"Students must be 17 to 40 years old."},
		"password2": {"The two password fields didn’t match."},
	}}))
	h("/signup-inst", views.SignupPage(pg("Sign up", "", nil, nil), views.SignupForm{UserType: "instructor", Errors: views.FormErrors{"access_code": {"Invalid access code."}}}))
	h("/reset", views.ResetRequestPage(pg("Reset password", "", nil, nil), views.ResetRequestForm{Email: "x@y.z"}))
	h("/reset-sent", views.ResetSentPage(pg("Reset password", "", nil, nil)))
	h("/reset-confirm", views.ResetConfirmPage(pg("New password", "", nil, nil), views.ResetConfirmForm{Token: "abc/def", Valid: true, Errors: views.FormErrors{"new_password2": {"The two password fields didn’t match."}}}))
	h("/reset-bad", views.ResetConfirmPage(pg("New password", "", nil, nil), views.ResetConfirmForm{Token: "abc", Valid: false}))
	h("/reset-done", views.ResetDonePage(pg("Password changed", "", nil, nil)))
	h("/404", views.ErrorPage(pg("Not found", "", v, nil), views.ErrorInfo{Status: 404, Title: "Page not found", Message: "The page you asked for does not exist or was moved."}))
	h("/429", views.ErrorPage(pg("Too many requests", "", nil, nil), views.ErrorInfo{Status: 429, Title: "Too many requests", Message: "Too many login attempts. Please try again later."}))
	h("/500", views.ErrorPage(pg("Error", "", v, []views.Flash{{Kind: "warning", Message: "Heads up"}}), views.ErrorInfo{Status: 500, Title: "Something went wrong", Message: "We could not complete your request."}))
	nojs := pg("Home", "home", v, flashes)
	nojs.Asset = func(n string) string {
		if strings.HasPrefix(n, "js/") {
			return "/none/" + n
		}
		return "/static/" + n
	}
	h("/home-nojs", views.HomePage(nojs))
	nojs.Flashes = nil
	h("/signup-nojs", views.SignupPage(nojs, views.SignupForm{UserType: "student"}))
	mux.HandleFunc("/icons", func(w http.ResponseWriter, r *http.Request) {
		b, _ := os.ReadFile(os.Args[1] + "/img/icons.svg")
		ids := regexp.MustCompile(`symbol id="([^"]+)"`).FindAllStringSubmatch(string(b), -1)
		fmt.Fprint(w, `<!doctype html><link rel=stylesheet href="/static/css/app.css"><body style="padding:20px"><div style="display:flex;flex-wrap:wrap;gap:16px">`)
		for _, m := range ids {
			fmt.Fprintf(w, `<div style="width:110px;text-align:center;font-size:12px"><svg class="icon" style="width:48px;height:48px;stroke-width:1.5"><use href="/static/img/icons.svg#%s"></use></svg><br>%s</div>`, m[1], m[1])
		}
		fmt.Fprint(w, `<img src="/static/img/favicon.svg" width=64></div>`)
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:8765", mux))
}
