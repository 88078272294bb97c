package api_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"eplatform/app/apptest"
	"eplatform/app/store"
)

// hostileLong turns the hostile-input walk into its long version (bench/hostile.sh):
// after the systematic walk, random combinations of several hostile values at once
// for this long.
var hostileLong = flag.Duration("hostile.long", 0, "after the hostile-input walk, send random hostile combinations for this long")

// TestHostileInput walks every operation of /api/openapi.json and every form route of
// the pages with hostile values: in every body field (found in the valid bodies of
// the contract test and in the request schemas of the document), every query
// parameter and every path id, and with hostile whole bodies (bad JSON, deep nesting,
// duplicate keys, bad multipart, wrong media types). It fails on a 5xx (apptest
// does), on an API answer the document does not declare or whose body its schema
// refuses, on a page answer that is not the error page, a flash redirect or the
// fragment's error JSON, and on any refused write that changed the number of rows
// of a table.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	t.Run("api", func(t *testing.T) {
		t.Parallel()
		h := startHostile(t)
		start := time.Now()
		for _, op := range h.c.ops {
			h.walkOperation(t, op)
		}
		t.Logf("%d operations, %d hostile requests in %v", len(h.c.ops), h.requests, time.Since(start).Round(time.Millisecond))
		if *hostileLong > 0 {
			// A new site: the walk ends with deletions of the rows valid bodies name.
			h := startHostile(t)
			h.random(t, *hostileLong, nil)
			t.Logf("random combinations: %d requests", h.requests)
		}
	})
	// The forms on a site of their own: the API walk ends with deletions that would
	// take away the pages the forms are found on.
	t.Run("forms", func(t *testing.T) {
		t.Parallel()
		h := startHostile(t)
		start := time.Now()
		forms := h.walkForms(t)
		t.Logf("%d POST routes (%d with a rendered form), %d hostile requests in %v", len(forms.routes), forms.rendered,
			h.requests, time.Since(start).Round(time.Millisecond))
		if *hostileLong > 0 {
			n := h.requests
			forms.random = true
			h.random(t, *hostileLong, forms)
			t.Logf("random combinations: %d requests", h.requests-n)
		}
	})
}

// startHostile starts a site with the contract test's seeded world.
func startHostile(t *testing.T) *hostile {
	t.Helper()
	app := apptest.StartRelaxed(t)
	raw := app.Client().Get("/api/openapi.json")
	if raw.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d", raw.StatusCode)
	}
	c := newContract(t, []byte(raw.Body))
	w := seedWorld(t, app)
	// Pages uncompressed: gzipping thousands of error pages only to unzip them again
	// is most of the walk's time otherwise.
	w.client.Transport = &http.Transport{DisableCompression: true}
	return newHostile(t, app, w, c)
}

// hostile is the walker: the seeded world, the document, a read-only view of the
// database for counting rows, and the tokens it signs in with.
type hostile struct {
	app      *apptest.App
	w        *world
	c        *contract
	db       store.Raw
	count    *sql.Stmt // one query counting the rows of every table
	tables   []string
	requests int
	turn     int // which of the non-core values the next field gets
	rng      *rand.Rand
}

// uncounted tables change on refused requests by design: a failed sign-in is
// recorded (it is what the sign-in limits count), sessions are touched, and the
// outbox and rate-limit state are written by the refusal itself.
var uncounted = map[string]bool{}

func newHostile(t *testing.T, app *apptest.App, w *world, c *contract) *hostile {
	t.Helper()
	db := app.State.DB.Raw()
	h := &hostile{app: app, w: w, c: c, db: db, rng: rand.New(rand.NewPCG(1, 2))}
	if seed := os.Getenv("HOSTILE_SEED"); seed != "" {
		n, _ := strconv.ParseUint(seed, 10, 64)
		h.rng = rand.New(rand.NewPCG(n, n))
	}
	tables, err := app.State.DB.Tables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, name := range tables {
		if uncounted[name] {
			continue
		}
		h.tables = append(h.tables, name)
		parts = append(parts, fmt.Sprintf(`(SELECT count(*) FROM "%s")`, name))
	}
	if h.count, err = db.Prepare("SELECT " + strings.Join(parts, ", ")); err != nil {
		t.Fatal(err)
	}
	return h
}

// rows counts the rows of every table.
func (h *hostile) rows(t *testing.T) []int64 {
	t.Helper()
	out := make([]int64, len(h.tables))
	dest := make([]any, len(out))
	for i := range out {
		dest[i] = &out[i]
	}
	if err := h.count.QueryRow().Scan(dest...); err != nil {
		t.Fatal(err)
	}
	return out
}

// changed names the tables whose counts differ.
func (h *hostile) changed(before, after []int64) []string {
	var out []string
	for i := range before {
		if before[i] != after[i] {
			out = append(out, fmt.Sprintf("%s %d→%d", h.tables[i], before[i], after[i]))
		}
	}
	return out
}

// guarded sends a request through send; when it is a refused write, no table may
// have gained or lost a row. Work a previous accepted write left in the background
// (a notification fanned out) could move a count meanwhile, so a change is
// confirmed by sending the request once more before it fails the test.
func (h *hostile) guarded(t *testing.T, what string, write bool, send func() *apptest.Response) *apptest.Response {
	t.Helper()
	h.requests++
	if !write {
		return send()
	}
	before := h.rows(t)
	r := send()
	if r.StatusCode < 400 {
		return r
	}
	if diff := h.changed(before, h.rows(t)); len(diff) > 0 {
		time.Sleep(100 * time.Millisecond)
		before = h.rows(t)
		r = send()
		if diff := h.changed(before, h.rows(t)); len(diff) > 0 && r.StatusCode >= 400 {
			t.Errorf("%s: refused with %d, but rows changed: %s", what, r.StatusCode, strings.Join(diff, ", "))
		}
	}
	return r
}

// A hostile value is raw JSON (it may hold bytes that are not UTF-8, which
// json.Marshal would have replaced) and the same value as form text ("" when it has
// no form spelling).
type hostileValue struct {
	name string
	json string
	form string
	long bool // only in the long walk (bench/hostile.sh)
}

func jsonString(s string) string {
	// Encode with escapes, then put back the bytes that are not UTF-8 as they are.
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if s[i] >= 0x80 {
			var ok bool
			r, size, ok = decodeRune(s[i:])
			if !ok {
				b.WriteByte(s[i])
				i++
				continue
			}
		}
		enc, _ := json.Marshal(string(r))
		b.Write(enc[1 : len(enc)-1])
		i += size
	}
	b.WriteByte('"')
	return b.String()
}

// decodeRune is the first rune of s and its size; ok is false for a byte that is not
// UTF-8 (and for an empty s).
func decodeRune(s string) (r rune, size int, ok bool) {
	r, size = utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return 0, 1, false
	}
	return r, size, true
}

var (
	megabyte = strings.Repeat("a", 1<<20)
	longText = strings.Repeat("é", 50_000) // over every length limit, under the body limit
)

// hostileValues go into every field, parameter and id.
var hostileValues = func() []hostileValue {
	str := func(name, s string) hostileValue { return hostileValue{name: name, json: jsonString(s), form: s} }
	raw := func(name, j string) hostileValue { return hostileValue{name: name, json: j} }
	longOnly := func(v hostileValue) hostileValue { v.long = true; return v }
	vs := []hostileValue{
		str("NUL-prefixed", "\x00x"),
		longOnly(str("NUL only", "\x00")),
		str("control characters", "a\x01\x1b[31mb\x7f"),
		str("invalid UTF-8", "ab\xff\xfe\xc0\x80"),
		longOnly(str("a lone continuation byte", "\x80")),
		str("RTL override", "\u202Egnp.exe"),
		str("zero-width only", "\u200B\u200C\u200D\uFEFF"),
		longOnly(str("bidi isolates and joiners", "a\u2066b\u2069\u200Dc")),
		str("astral and combining", "𝕏\u0301\u0301\u0301🏳️‍🌈"),
		longOnly(str("CRLF", "a\r\nSet-Cookie: x=y")),
		str("only spaces", "   \t  "),
		longOnly(str("markup", `<script>alert(1)</script>"'&`)),
		longOnly(str("SQL", "'; DROP TABLE users; --")),
		str("a long string", longText),
		str("1 MB", megabyte),
		longOnly(str("a path", "../../../etc/passwd")),
		longOnly(str("a percent", "%00%ff%")),
		raw("a lone surrogate escape", `"\ud800x"`),
		raw("a number", "12345"),
		raw("a negative number", "-1"),
		longOnly(raw("zero", "0")),
		raw("a float", "1.5"),
		raw("a huge number", "1e400"),
		raw("past int64", "9223372036854775808"),
		longOnly(raw("below int64", "-9223372036854775809")),
		longOnly(raw("a long number", strings.Repeat("9", 5000))),
		longOnly(raw("true", "true")),
		raw("null", "null"),
		raw("an object", `{"a":{"b":[1,"x",null]}}`),
		raw("an array", `[1,"x",null,{}]`),
		longOnly(raw("an array of strings", `["\u0000", "x"]`)),
		raw("a nested array", strings.Repeat("[", 5000)+strings.Repeat("]", 5000)),
	}
	return vs
}()

// coreJSONValues go into every JSON field in the short walk; the others take turns
// (two a field), so each still reaches many fields. The long walk sends all of them
// everywhere.
var coreJSONValues = []string{"NUL-prefixed", "invalid UTF-8", "a long string", "a number", "null", "an object", "a nested array"}

// pick returns the values for the next field: all of them in the long walk, else the
// core ones and two of the rest in turn.
func (h *hostile) pick(all []hostileValue, core []string) []hostileValue {
	if *hostileLong > 0 {
		return all
	}
	var out, rest []hostileValue
	for _, v := range all {
		switch {
		case slices.Contains(core, v.name):
			out = append(out, v)
		case !v.long:
			rest = append(rest, v)
		}
	}
	if len(rest) > 0 {
		h.turn++
		out = append(out, rest[h.turn%len(rest)], rest[(h.turn+len(rest)/2)%len(rest)])
	}
	return out
}

// hostileIDs go into path ids ({id}, {user_id}, {kind}, {username}), escaped.
var hostileIDs = []string{"-1", "1.5", "99999999999999999999", "%00", "%E2%80%AE1", strings.Repeat("9", 5000)}

// hostileIDsLong are the ids only the long walk adds.
var hostileIDsLong = []string{"0", "+987654321", "%FF", "abc", "1e3", "0x10", "-9223372036854775808", "%001", "%D9%A1",
	"1%20", "%2e%2e"}

func walkedIDs() []string {
	if *hostileLong > 0 {
		return append(slices.Clone(hostileIDs), hostileIDsLong...)
	}
	return hostileIDs
}

// hostileQuery are query values, as sent (already escaped).
var hostileQuery = []string{"%00", "%00x", "%FF%FE", "%E2%80%AEx", "-1", "0", "1.5", "1e400", "99999999999999999999",
	"-9223372036854775809", "true", "null", "%5B%5D", strings.Repeat("x", 100_000), ""}

// bodySlots lists the places of a JSON value a hostile value can go: every member of
// every object and every element of every array, recursively, as paths.
func bodySlots(v any, prefix []any, out *[][]any) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			p := append(slices.Clone(prefix), k)
			*out = append(*out, p)
			bodySlots(x[k], p, out)
		}
	case []any:
		for i, e := range x {
			p := append(slices.Clone(prefix), i)
			*out = append(*out, p)
			bodySlots(e, p, out)
		}
	}
}

const placeholder = "@@hostile-value@@"

// withValue returns v as JSON with the slot at path replaced by raw JSON.
func withValue(t *testing.T, v any, path []any, rawJSON string) []byte {
	t.Helper()
	cp := deepCopy(v)
	if len(path) == 0 {
		cp = placeholder
	} else {
		parent := cp
		for _, k := range path[:len(path)-1] {
			parent = index(parent, k)
		}
		switch p := parent.(type) {
		case map[string]any:
			p[path[len(path)-1].(string)] = placeholder
		case []any:
			p[path[len(path)-1].(int)] = placeholder
		}
	}
	b, err := json.Marshal(cp)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Replace(b, []byte(`"`+placeholder+`"`), []byte(rawJSON), 1)
}

func index(v any, k any) any {
	switch p := v.(type) {
	case map[string]any:
		return p[k.(string)]
	case []any:
		return p[k.(int)]
	}
	return nil
}

func deepCopy(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// validBody is the operation's valid body as a JSON tree (nil for multipart), with
// every property of its request schema the valid body leaves out added as "x", so
// every field the document names is walked.
func (h *hostile) validBody(t *testing.T, op *operation, role string) (tree any, multipart bool) {
	t.Helper()
	ct, body := h.w.bodyFor(t, op, role)
	if strings.HasPrefix(ct, "multipart/") {
		return nil, true
	}
	if ct != "application/json" {
		return nil, false // another media type (a CSV upload): the whole bodies only
	}
	if err := json.Unmarshal(body, &tree); err != nil {
		t.Fatalf("%s: the valid body is not JSON: %v", op.key, err)
	}
	if obj, ok := tree.(map[string]any); ok {
		for _, name := range h.requestProperties(op) {
			if _, has := obj[name]; !has {
				obj[name] = "x"
			}
		}
	}
	return tree, false
}

// requestProperties are the property names of the operation's JSON request schema.
func (h *hostile) requestProperties(op *operation) []string {
	rb, _ := op.doc["requestBody"].(map[string]any)
	content, _ := rb["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	schemas := h.c.doc["components"].(map[string]any)["schemas"].(map[string]any)
	s := flatten(media["schema"], schemas)
	if m, ok := s.(map[string]any); ok {
		if ref, ok := m["$ref"].(string); ok {
			s = flatten(schemas[strings.TrimPrefix(ref, "#/components/schemas/")], schemas)
		}
	}
	m, _ := s.(map[string]any)
	return slices.Sorted(maps.Keys(asMap(m["properties"])))
}

// roleFor is the role whose valid call succeeds (the first of a student, an
// instructor and an admin), so the hostile values reach past the permission
// checks to the rules; the valid call is sent once for that.
func (h *hostile) roleFor(t *testing.T, op *operation) string {
	t.Helper()
	for _, role := range []string{"stud", "teach", "admin"} {
		ct, body := h.w.bodyFor(t, op, role)
		r := h.w.send(t, op, request{role: role, path: h.w.realPath(t, op.path, false), contentType: ct, body: body})
		h.c.check(t, op, role+" (valid, to find who may call it)", r)
		if r.StatusCode/100 == 2 {
			if destructive[op.key] {
				h.relogin(t)
			}
			return role
		}
	}
	return "stud"
}

// relogin signs every role in again after an operation that may have ended a
// login.
func (h *hostile) relogin(t *testing.T) {
	t.Helper()
	for _, role := range roles {
		if role != "anon" {
			h.w.tokens[role] = h.w.signIn(role)
		}
	}
}

// walkOperation sends one operation every hostile request.
func (h *hostile) walkOperation(t *testing.T, op *operation) {
	t.Helper()
	role := h.roleFor(t, op)
	write := op.method != "GET"
	path := h.w.realPath(t, op.path, false)
	check := func(what string, rq request) {
		t.Helper()
		rq.role = role
		r := h.guarded(t, op.key+" "+what, write, func() *apptest.Response { return h.w.send(t, op, rq) })
		h.c.check(t, op, role+" "+what, r)
		if r.StatusCode == http.StatusUnauthorized && role != "anon" {
			h.relogin(t) // a hostile logout may have worked
		}
	}
	validCT, validBody := h.w.bodyFor(t, op, role)

	// Path ids.
	for i, seg := range strings.Split(op.path, "/") {
		if !pathParamRE.MatchString(seg) {
			continue
		}
		for _, id := range walkedIDs() {
			check("with "+seg+"="+abbrev(id), request{path: withSegment(path, i, id), contentType: validCT, body: validBody})
		}
	}
	// Query parameters.
	for _, p := range op.query {
		name := p["name"].(string)
		for _, v := range hostileQuery {
			check("?"+name+"="+abbrev(v), request{path: path + "?" + name + "=" + v})
		}
		check("?"+name+" twice", request{path: path + "?" + name + "=1&" + name + "=%00"})
	}
	if !op.hasBody {
		return
	}
	tree, multi := h.validBody(t, op, role)
	if multi {
		for _, b := range hostileMultipart(t, h.pictureField(t, op, role)) {
			check(b.what, request{path: path, contentType: b.contentType, body: b.body})
		}
	} else {
		var slots [][]any
		bodySlots(tree, nil, &slots)
		for _, slot := range slots {
			for _, v := range h.pick(hostileValues, coreJSONValues) {
				check(fmt.Sprintf("with %v = %s", slot, v.name), request{path: path, contentType: "application/json", body: withValue(t, tree, slot, v.json)})
			}
		}
		// A member the document does not name, and one named twice.
		valid, _ := json.Marshal(tree)
		for _, v := range []string{`"\u0000"`, `{"x":[1]}`} {
			extra := append([]byte(`{"zz_unknown":`+v+`,`), valid[1:]...)
			if len(valid) > 2 {
				check("with an unknown member "+v, request{path: path, contentType: "application/json", body: extra})
			}
		}
		for _, slot := range slots {
			if len(slot) != 1 {
				continue
			}
			dup := append([]byte(`{"`+slot[0].(string)+`":"\u0000x",`), valid[1:]...)
			check(fmt.Sprintf("with %v named twice", slot), request{path: path, contentType: "application/json", body: dup})
		}
	}
	for _, b := range hostileBodies {
		check(b.what, request{path: path, contentType: b.contentType, body: b.body})
	}
}

// pictureField is the file field of a multipart operation.
func (h *hostile) pictureField(t *testing.T, op *operation, role string) string {
	t.Helper()
	if p, ok := contractBodies[op.key](h.w, role).(picture); ok {
		return p.field
	}
	t.Fatalf("%s: multipart without a picture body", op.key)
	return ""
}

// withSegment replaces the i-th segment of a path.
func withSegment(path string, i int, seg string) string {
	segs := strings.Split(path, "/")
	segs[i] = seg
	return strings.Join(segs, "/")
}

func abbrev(s string) string {
	if len(s) > 24 {
		return fmt.Sprintf("%.12s…(%d bytes)", s, len(s))
	}
	return s
}

type hostileBody struct {
	what, contentType string
	body              []byte
}

// hostileBodies are whole bodies sent to every operation that takes one.
var hostileBodies = []hostileBody{
	{"with no body", "", nil},
	{"with an empty JSON body", "application/json", []byte{}},
	{"with a JSON null", "application/json", []byte("null")},
	{"with a JSON array", "application/json", []byte(`[{"content":"x"}]`)},
	{"with a JSON string", "application/json", []byte(`"\u0000"`)},
	{"with a JSON number", "application/json", []byte(`1e400`)},
	{"with two JSON values", "application/json", []byte(`{} {"content":"x"}`)},
	{"with trailing garbage", "application/json", []byte(`{}x`)},
	{"with a BOM", "application/json", []byte("\ufeff{}")},
	{"with invalid UTF-8 outside strings", "application/json", []byte("{\xff}")},
	{"with deeply nested arrays", "application/json", []byte(strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000))},
	{"with deeply nested objects", "application/json", []byte(strings.Repeat(`{"a":`, 50_000) + "1" + strings.Repeat("}", 50_000))},
	{"with an unclosed nesting", "application/json", []byte(strings.Repeat(`{"a":[`, 10_000))},
	{"with a charset", "application/json; charset=latin1", []byte("{}")},
	{"with a bad media type", "application/json; ;;=", []byte("{}")},
	{"with text/plain", "text/plain", []byte("content=x")},
	{"with a form body", "application/x-www-form-urlencoded", []byte("content=%00x&title=%FF")},
	{"with multipart without a boundary", "multipart/form-data", []byte("--x\r\n\r\n")},
}

// hostileMultipart are broken uploads for a file field.
func hostileMultipart(t *testing.T, field string) []hostileBody {
	t.Helper()
	png := pngBytes(t, 4, 3)
	part := func(headers, data string) string {
		return "--B\r\n" + headers + "\r\n\r\n" + data + "\r\n"
	}
	disp := `Content-Disposition: form-data; name="` + field + `"; filename="a.png"` + "\r\nContent-Type: image/png"
	const mp = "multipart/form-data; boundary=B"
	return []hostileBody{
		{"multipart with no boundary", "multipart/form-data", []byte(part(disp, string(png)) + "--B--\r\n")},
		{"multipart with another boundary", "multipart/form-data; boundary=C", []byte(part(disp, string(png)) + "--B--\r\n")},
		{"multipart truncated in a part", mp, []byte(part(disp, string(png))[:40])},
		{"multipart truncated in the data", mp, []byte("--B\r\n" + disp + "\r\n\r\n" + string(png[:20]))},
		{"multipart without the closing boundary", mp, []byte(part(disp, string(png)))},
		{"multipart with no parts", mp, []byte("--B--\r\n")},
		{"multipart empty", mp, nil},
		{"multipart with a huge part header", mp, []byte(part(disp+"\r\nX-Big: "+strings.Repeat("h", 1<<20), string(png)) + "--B--\r\n")},
		{"multipart with many part headers", mp, []byte(part(disp+strings.Repeat("\r\nX-H: v", 20_000), string(png)) + "--B--\r\n")},
		{"multipart with the file as text", mp, []byte(part(`Content-Disposition: form-data; name="`+field+`"`, "not a picture") + "--B--\r\n")},
		{"multipart with an empty file", mp, []byte(part(disp, "") + "--B--\r\n")},
		{"multipart with a broken PNG", mp, []byte(part(disp, string(png[:len(png)/2])) + "--B--\r\n")},
		{"multipart with text in a PNG part", mp, []byte(part(disp, "GIF89a not really") + "--B--\r\n")},
		{"multipart with a NUL filename", mp, []byte(part(`Content-Disposition: form-data; name="`+field+`"; filename="a`+"\x00"+`.png"`+"\r\nContent-Type: image/png", string(png)) + "--B--\r\n")},
		{"multipart with an invalid UTF-8 filename", mp, []byte(part(`Content-Disposition: form-data; name="`+field+`"; filename="\xff\xfe.png"`+"\r\nContent-Type: image/png", string(png)) + "--B--\r\n")},
		{"multipart with a path filename", mp, []byte(part(`Content-Disposition: form-data; name="`+field+`"; filename="../../x.png"`+"\r\nContent-Type: image/png", string(png)) + "--B--\r\n")},
		{"multipart with a wrong part type", mp, []byte(part(`Content-Disposition: form-data; name="`+field+`"; filename="a.png"`+"\r\nContent-Type: application/x-msdownload", string(png)) + "--B--\r\n")},
		{"multipart with the file twice", mp, []byte(part(disp, string(png)) + part(disp, string(png)) + "--B--\r\n")},
		{"multipart with a bad disposition", mp, []byte(part(`Content-Disposition: form-data; name=`, string(png)) + "--B--\r\n")},
		{"multipart with a 1 MB field", mp, []byte(part(`Content-Disposition: form-data; name="x"`, megabyte) + part(disp, string(png)) + "--B--\r\n")},
	}
}

// random sends random combinations until d has passed: several fields hostile at
// once, random roles, random operations and forms.
func (h *hostile) random(t *testing.T, d time.Duration, forms *formWalk) {
	t.Helper()
	deadline := time.Now().Add(d)
	roleNames := []string{"anon", "stud", "other", "teach", "teach2", "admin"}
	for time.Now().Before(deadline) && !t.Failed() {
		if forms != nil {
			h.randomForm(t, forms)
			continue
		}
		op := h.c.ops[h.rng.IntN(len(h.c.ops))]
		if op.method == "DELETE" || destructive[op.key] {
			continue
		}
		role := roleNames[h.rng.IntN(len(roleNames))]
		path := h.w.realPath(t, op.path, false)
		for i, seg := range strings.Split(op.path, "/") {
			if pathParamRE.MatchString(seg) && h.rng.IntN(4) == 0 {
				path = withSegment(path, i, hostileIDs[h.rng.IntN(len(hostileIDs))])
			}
		}
		rq := request{role: role, path: path}
		if len(op.query) > 0 {
			q := []string{}
			for _, p := range op.query {
				if h.rng.IntN(2) == 0 {
					q = append(q, p["name"].(string)+"="+hostileQuery[h.rng.IntN(len(hostileQuery))])
				}
			}
			rq.path += "?" + strings.Join(q, "&")
		}
		if op.hasBody {
			tree, multi := h.validBody(t, op, role)
			switch {
			case multi:
				bs := hostileMultipart(t, h.pictureField(t, op, role))
				b := bs[h.rng.IntN(len(bs))]
				rq.contentType, rq.body = b.contentType, b.body
			case h.rng.IntN(5) == 0:
				b := hostileBodies[h.rng.IntN(len(hostileBodies))]
				rq.contentType, rq.body = b.contentType, b.body
			default:
				var slots [][]any
				bodySlots(tree, nil, &slots)
				body, _ := json.Marshal(tree)
				for i := 0; i < 1+h.rng.IntN(3) && len(slots) > 0; i++ {
					var cur any
					_ = json.Unmarshal(body, &cur)
					var now [][]any
					bodySlots(cur, nil, &now)
					if len(now) == 0 {
						break
					}
					body = withValue(t, cur, now[h.rng.IntN(len(now))], hostileValues[h.rng.IntN(len(hostileValues))].json)
					if !json.Valid(body) {
						break
					}
				}
				rq.contentType, rq.body = "application/json", body
			}
		}
		r := h.guarded(t, op.key+" (random)", op.method != "GET", func() *apptest.Response { return h.w.send(t, op, rq) })
		h.c.check(t, op, role+" random "+abbrev(string(rq.body)), r)
		if r.StatusCode == http.StatusUnauthorized && role != "anon" {
			h.relogin(t)
		}
	}
}
