package api_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"html"
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/web"
)

// formWalk is what the pages offer: every POST route of app/web, the forms the pages
// render for it, and the clients signed in as each role.
type formWalk struct {
	routes   []string             // "POST /home/post/{id}/edit/{$}"
	forms    map[string]*pageForm // route → a form a page rendered for it
	fields   []string             // every field name of every rendered form
	rendered int
	clients  map[string]*apptest.Client
	random   bool // the long walk: every form value, and random combinations
}

// pageForm is one form of a page: where it posts, as whom, with the values the page
// put in it (a valid submission, or close to one).
type pageForm struct {
	role   string
	action string
	values url.Values
	file   string // the name of a file input, if any
}

// webRoutes reads the patterns app/web registers from its source, so a new route is
// walked without anyone adding it here.
func webRoutes(t *testing.T) (posts, gets []string) {
	t.Helper()
	dir := filepath.Join(apptest.Root(), "app", "web")
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle") {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			pattern, _ := strconv.Unquote(lit.Value)
			switch {
			case strings.HasPrefix(pattern, "POST "):
				posts = append(posts, pattern)
			case strings.HasPrefix(pattern, "GET "):
				gets = append(gets, pattern)
			}
			return true
		})
	}
	if len(posts) < 50 {
		t.Fatalf("found only %d POST routes in app/web: has the way routes are registered changed?", len(posts))
	}
	return posts, gets
}

var webParamRE = regexp.MustCompile(`\{([a-z_]+)(\.\.\.)?\}`)

// webPath fills a route's parameters with seeded rows, named by the path segment
// before each parameter.
func (h *hostile) webPath(route string) string {
	p := strings.TrimSuffix(strings.Fields(route)[1], "{$}")
	segs := strings.Split(p, "/")
	for i, s := range segs {
		m := webParamRE.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		prev := ""
		if i > 0 {
			prev = segs[i-1]
		}
		segs[i] = h.webParam(m[1], prev, segs)
	}
	return strings.Join(segs, "/")
}

func (h *hostile) webParam(name, prev string, segs []string) string {
	w := h.w
	switch name {
	case "code":
		return "CS1"
	case "username", "name":
		return "stud"
	case "kind":
		return "education"
	case "action":
		return "approve"
	case "token":
		return "no-such-token"
	case "user_id":
		if prev == "start" {
			return w.id("teach")
		}
		return w.id("other")
	}
	row := map[string]string{
		"post": "post", "comment": "comment", "notifications": "notification", "conversation": "group",
		"message": "message", "subjects": "subject", "materials": "material", "quizzes": "quiz",
		"questions": "question2", "attempts": "attempt_open", "submissions": "submission",
		"appointments": "appointment", "users": "victim", "education": "education", "projects": "project",
	}[prev]
	if slices.Contains(segs, "submit") || slices.Contains(segs, "submission") || slices.Contains(segs, "submissions") {
		if prev == "materials" {
			row = "assignment"
		}
	}
	if row == "" {
		return "1"
	}
	return w.id(row)
}

var (
	formRE     = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	attrRE     = regexp.MustCompile(`(?is)([a-z-]+)\s*=\s*"([^"]*)"`)
	inputRE    = regexp.MustCompile(`(?is)<input\b([^>]*)>`)
	textareaRE = regexp.MustCompile(`(?is)<textarea\b([^>]*)>(.*?)</textarea>`)
	selectRE   = regexp.MustCompile(`(?is)<select\b([^>]*)>(.*?)</select>`)
	optionRE   = regexp.MustCompile(`(?is)<option\b([^>]*)>`)
)

func attrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRE.FindAllStringSubmatch(s, -1) {
		out[strings.ToLower(m[1])] = html.UnescapeString(m[2])
	}
	if strings.Contains(s, " checked") {
		out["checked"] = "checked"
	}
	if strings.Contains(s, " selected") {
		out["selected"] = "selected"
	}
	return out
}

// parseForms reads the POST forms of a page.
func parseForms(page string) []pageForm {
	var out []pageForm
	for _, m := range formRE.FindAllStringSubmatch(page, -1) {
		a := attrs(m[1])
		if !strings.EqualFold(a["method"], "post") {
			continue
		}
		f := pageForm{action: a["action"], values: url.Values{}}
		for _, in := range inputRE.FindAllStringSubmatch(m[2], -1) {
			ia := attrs(in[1])
			name := ia["name"]
			switch {
			case name == "":
			case ia["type"] == "file":
				f.file = name
			case ia["type"] == "checkbox" || ia["type"] == "radio":
				if ia["checked"] != "" || !f.values.Has(name) {
					v := ia["value"]
					if v == "" {
						v = "on"
					}
					f.values.Set(name, v)
				}
			default:
				f.values.Add(name, ia["value"])
			}
		}
		for _, ta := range textareaRE.FindAllStringSubmatch(m[2], -1) {
			if name := attrs(ta[1])["name"]; name != "" {
				v := html.UnescapeString(ta[2])
				if strings.TrimSpace(v) == "" {
					v = "Some text"
				}
				f.values.Set(name, v)
			}
		}
		for _, sel := range selectRE.FindAllStringSubmatch(m[2], -1) {
			name := attrs(sel[1])["name"]
			var first, chosen string
			for _, o := range optionRE.FindAllStringSubmatch(sel[2], -1) {
				oa := attrs(o[1])
				if oa["value"] == "" {
					continue
				}
				if first == "" {
					first = oa["value"]
				}
				if oa["selected"] != "" {
					chosen = oa["value"]
				}
			}
			if chosen == "" {
				chosen = first
			}
			if name != "" {
				f.values.Set(name, chosen)
			}
		}
		out = append(out, f)
	}
	return out
}

// routeOf names the POST route an action URL goes to.
func routeOf(routes []string, action string) string {
	u, err := url.Parse(action)
	if err != nil {
		return ""
	}
	for _, r := range routes {
		p := strings.TrimSuffix(strings.Fields(r)[1], "{$}")
		var re strings.Builder
		re.WriteString("^")
		last := 0
		for _, loc := range webParamRE.FindAllStringIndex(p, -1) {
			re.WriteString(regexp.QuoteMeta(p[last:loc[0]]) + `[^/]+`)
			last = loc[1]
		}
		re.WriteString(regexp.QuoteMeta(p[last:]) + "$")
		if ok, _ := regexp.MatchString(re.String(), u.Path); ok {
			return r
		}
	}
	return ""
}

// lastWebRoute orders routes that end what later requests need (a deletion, a
// sign-out, a membership) after the others, children before their parents.
func lastWebRoute(r string) bool {
	for _, w := range []string{"delete", "logout", "leave", "unenroll", "deactivate", "remove", "/reset/"} {
		if strings.Contains(r, w) {
			return true
		}
	}
	return false
}

// walkForms crawls the pages as every role for their forms, then sends every POST
// route hostile values in every field of its form (the others as the page filled
// them), hostile path ids and hostile bodies.
func (h *hostile) walkForms(t *testing.T) *formWalk {
	t.Helper()
	posts, gets := webRoutes(t)
	fw := &formWalk{routes: posts, forms: map[string]*pageForm{}, clients: map[string]*apptest.Client{}}
	fw.clients["anon"] = h.app.Client()
	fw.clients["anon"].Transport = h.w.client.Transport
	h.webLogin(t, fw)

	names := map[string]bool{}
	for _, role := range []string{"stud", "teach", "admin", "anon"} {
		for _, g := range gets {
			path := h.webPath(g)
			if strings.HasPrefix(path, "/media/") || strings.HasPrefix(path, "/static/") || strings.Contains(path, ".") || strings.Contains(path, "/files/") {
				continue
			}
			r := fw.clients[role].Get(path)
			if r.StatusCode != http.StatusOK {
				continue
			}
			for _, f := range parseForms(r.Body) {
				if f.action == "" {
					f.action = path
				}
				route := routeOf(posts, f.action)
				for n := range f.values {
					names[n] = true
				}
				if f.file != "" {
					names[f.file] = true
				}
				if route == "" || fw.forms[route] != nil {
					continue
				}
				f.role = role
				fw.forms[route] = &f
			}
		}
	}
	fw.rendered = len(fw.forms)
	if testing.Verbose() {
		for _, r := range posts {
			if fw.forms[r] == nil {
				t.Logf("no page rendered a form for %s", r)
			}
		}
	}
	fw.fields = slices.Sorted(maps.Keys(names))

	slices.SortStableFunc(fw.routes, func(a, b string) int {
		la, lb := lastWebRoute(a), lastWebRoute(b)
		switch {
		case la && !lb:
			return 1
		case lb && !la:
			return -1
		case la && lb:
			return strings.Count(b, "/") - strings.Count(a, "/")
		}
		return 0
	})
	for _, route := range fw.routes {
		h.walkForm(t, fw, route)
		if lastWebRoute(route) {
			h.webLogin(t, fw)
		}
	}
	return fw
}

// webLogin signs a browser in as each role (again, after routes that may sign out).
func (h *hostile) webLogin(t *testing.T, fw *formWalk) {
	t.Helper()
	for _, role := range []string{"stud", "teach", "admin"} {
		c := h.app.Client()
		c.Transport = h.w.client.Transport
		c.LogIn(role, apptest.Password)
		fw.clients[role] = c
	}
}

// formValues are the hostile values with a form spelling, and a few that only forms
// have (numbers and dates as text).
var formValues = func() []hostileValue {
	var out []hostileValue
	for _, v := range hostileValues {
		if v.form != "" {
			out = append(out, v)
		}
	}
	for _, s := range []string{"-1", "1.5", "1e400", "99999999999999999999", "0x1F", "2026-02-31", "25:61", "NaN"} {
		out = append(out, hostileValue{name: "form " + s, form: s})
	}
	return out
}()

// coreFormValues go into every form field in the short walk; the others take turns.
var coreFormValues = []string{"NUL-prefixed", "invalid UTF-8", "a long string", "form -1", "form 1e400"}

// walkForm sends one POST route every hostile request.
func (h *hostile) walkForm(t *testing.T, fw *formWalk, route string) {
	t.Helper()
	f := fw.forms[route]
	if f == nil {
		// No page rendered this form to the roles walked (a form only some state
		// shows): every field name any form has, hostile at once, as the student
		// and the instructor.
		path := h.webPath(route)
		for _, role := range []string{"stud", "teach"} {
			for _, v := range h.pick(formValues, coreFormValues) {
				vals := url.Values{}
				for i, n := range fw.fields {
					// A long value in one field is enough: the body limit refuses the rest.
					if i == 0 || len(v.form) < 1000 {
						vals.Set(n, v.form)
					}
				}
				h.sendForm(t, fw, route, role, path, "with every field "+v.name, urlencoded(vals))
			}
		}
		for _, b := range walkedFormBodies(t, "file", false) {
			h.sendForm(t, fw, route, "stud", path, b.what, b)
		}
		return
	}
	action := f.action
	for _, m := range webParamRE.FindAllStringSubmatch(strings.Fields(route)[1], -1) {
		// The same action with each of its ids hostile: find the id's place by the
		// route's segments.
		rsegs := strings.Split(strings.TrimSuffix(strings.Fields(route)[1], "{$}"), "/")
		asegs := strings.Split(strings.SplitN(action, "?", 2)[0], "/")
		for i, s := range rsegs {
			if s != m[0] || i >= len(asegs) {
				continue
			}
			for _, id := range walkedIDs() {
				bad := slices.Clone(asegs)
				bad[i] = id
				h.sendForm(t, fw, route, f.role, strings.Join(bad, "/"), "with "+m[0]+"="+abbrev(id), urlencoded(f.values))
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(f.values)) {
		for _, v := range h.pick(formValues, coreFormValues) {
			vals := cloneValues(f.values)
			vals.Set(name, v.form)
			h.sendForm(t, fw, route, f.role, action, "with "+name+" = "+v.name, urlencoded(vals))
		}
		vals := cloneValues(f.values)
		if *hostileLong > 0 {
			vals[name] = []string{"\x00x", "ok"}
			h.sendForm(t, fw, route, f.role, action, "with "+name+" twice", urlencoded(vals))
			vals = cloneValues(f.values)
		}
		vals.Del(name)
		h.sendForm(t, fw, route, f.role, action, "without "+name, urlencoded(vals))
		// The same as multipart, which every form handler also reads.
		vals = cloneValues(f.values)
		vals.Set(name, "\x00x")
		h.sendForm(t, fw, route, f.role, action, "multipart with "+name+" NUL-prefixed", multipartForm(vals, f.file))
	}
	file := f.file
	if file == "" {
		file = "file"
	}
	for _, b := range walkedFormBodies(t, file, f.file != "") {
		h.sendForm(t, fw, route, f.role, action, b.what, b)
	}
}

// shortFormBodies are the whole bodies the short walk sends to a form without a file
// input (one with a file gets every broken upload).
var shortFormBodies = []string{"with no body", "with an empty form", "with a broken escape", "with raw invalid UTF-8",
	"with 100,000 fields", "with a 2 MB field", "with JSON", "multipart with no boundary", "multipart truncated in a part",
	"multipart with a huge part header", "multipart empty"}

func walkedFormBodies(t *testing.T, file string, upload bool) []hostileBody {
	t.Helper()
	all := hostileFormBodies(t, file)
	if upload || *hostileLong > 0 {
		return all
	}
	var out []hostileBody
	for _, b := range all {
		if slices.Contains(shortFormBodies, b.what) {
			out = append(out, b)
		}
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

func urlencoded(v url.Values) hostileBody {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(v)) {
		for _, x := range v[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k) + "=" + queryEscape(x))
		}
	}
	return hostileBody{contentType: "application/x-www-form-urlencoded", body: []byte(b.String())}
}

// escaped holds the escaped forms of the long values, which are sent thousands of
// times.
var escaped sync.Map

func queryEscape(s string) string {
	if len(s) < 1000 {
		return url.QueryEscape(s)
	}
	if e, ok := escaped.Load(s); ok {
		return e.(string)
	}
	e := url.QueryEscape(s)
	escaped.Store(s, e)
	return e
}

func multipartForm(v url.Values, file string) hostileBody {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(v)) {
		for _, x := range v[k] {
			fmt.Fprintf(&b, "--B\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", k, x)
		}
	}
	if file != "" {
		fmt.Fprintf(&b, "--B\r\nContent-Disposition: form-data; name=%q; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n", file)
	}
	b.WriteString("--B--\r\n")
	return hostileBody{contentType: "multipart/form-data; boundary=B", body: []byte(b.String())}
}

// hostileFormBodies are whole bodies sent to every form route.
func hostileFormBodies(t *testing.T, file string) []hostileBody {
	t.Helper()
	if b, ok := formBodies.Load(file); ok {
		return b.([]hostileBody)
	}
	b := makeFormBodies(t, file)
	formBodies.Store(file, b)
	return b
}

// formBodies keeps the bodies by file field name: they are large, and the same for
// every route.
var formBodies sync.Map

func makeFormBodies(t *testing.T, file string) []hostileBody {
	t.Helper()
	out := []hostileBody{
		{"with no body", "", nil},
		{"with an empty form", "application/x-www-form-urlencoded", []byte{}},
		{"with a broken escape", "application/x-www-form-urlencoded", []byte("content=%zz&title=%")},
		{"with raw invalid UTF-8", "application/x-www-form-urlencoded", []byte("content=\xff\xfe&title=\x00")},
		{"with 100,000 fields", "application/x-www-form-urlencoded", []byte(strings.Repeat("a=1&", 100_000))},
		{"with a 2 MB field", "application/x-www-form-urlencoded", []byte("content=" + megabyte + megabyte)},
		{"with JSON", "application/json", []byte(`{"content":"\u0000x"}`)},
		{"with text/plain", "text/plain", []byte("content=x")},
		{"with a bad media type", "application/x-www-form-urlencoded; ;;=", []byte("content=x")},
	}
	return append(out, hostileMultipart(t, file)...)
}

// sendForm posts a body as role and checks the answer: never a 5xx, an error as
// the error page (or, for a fragment request, the error JSON), a redirect with a
// Location, and no rows changed when the request was refused (a 4xx, or a redirect
// back to a page showing an error).
func (h *hostile) sendForm(t *testing.T, fw *formWalk, route, role, path, what string, b hostileBody) {
	t.Helper()
	c := fw.clients[role]
	fragment := slices.Contains(web.FragmentRoutes, route)
	for _, frag := range []bool{false, true} {
		// The short walk asks a fragment route for the fragment every other time.
		if frag && (!fragment || *hostileLong == 0 && h.requests%2 == 0) {
			continue
		}
		hd := http.Header{}
		if b.contentType != "" {
			hd.Set("Content-Type", b.contentType)
		}
		if frag {
			hd.Set("X-Fragment", "1")
		}
		h.requests++
		before := h.rows(t)
		r := c.Do("POST", path, strings.NewReader(string(b.body)), hd)
		desc := fmt.Sprintf("%s as %s %s %s", route, role, what, map[bool]string{true: "(fragment)"}[frag])
		refused := r.StatusCode >= 400
		ct := r.Header.Get("Content-Type")
		switch {
		case r.StatusCode >= 500:
			t.Errorf("%s: %d", desc, r.StatusCode)
		case r.StatusCode >= 300 && r.StatusCode < 400:
			loc := r.Header.Get("Location")
			if loc == "" {
				t.Errorf("%s: %d without a Location", desc, r.StatusCode)
			} else if strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "/login/") {
				// A flash names a refusal on the page it sends the browser back to.
				next := c.Get(loc)
				refused = strings.Contains(next.Body, "toast--error")
			}
		case r.StatusCode >= 400 && frag && r.StatusCode != http.StatusRequestEntityTooLarge && r.StatusCode != http.StatusUnsupportedMediaType:
			if !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%s: a fragment request refused with %d as %q, not the error JSON: %.200s", desc, r.StatusCode, ct, r.Body)
			}
		case r.StatusCode >= 400:
			if !strings.HasPrefix(ct, "text/html") && !strings.HasPrefix(ct, "application/json") || len(r.Body) == 0 {
				t.Errorf("%s: refused with %d as %q, not the error page: %.200s", desc, r.StatusCode, ct, r.Body)
			}
		}
		if refused {
			if diff := h.changed(before, h.rows(t)); len(diff) > 0 {
				t.Errorf("%s: refused with %d, but rows changed: %s", desc, r.StatusCode, strings.Join(diff, ", "))
			}
		}
	}
}

// randomForm posts a rendered form with several fields hostile at once.
func (h *hostile) randomForm(t *testing.T, fw *formWalk) {
	t.Helper()
	route := fw.routes[h.rng.IntN(len(fw.routes))]
	if lastWebRoute(route) {
		return
	}
	f := fw.forms[route]
	if f == nil {
		return
	}
	vals := cloneValues(f.values)
	names := slices.Sorted(maps.Keys(vals))
	for i := 0; i < 1+h.rng.IntN(3) && len(names) > 0; i++ {
		vals.Set(names[h.rng.IntN(len(names))], formValues[h.rng.IntN(len(formValues))].form)
	}
	b := urlencoded(vals)
	if h.rng.IntN(3) == 0 {
		b = multipartForm(vals, f.file)
	}
	h.sendForm(t, fw, route, f.role, f.action, "random", b)
}
