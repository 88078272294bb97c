package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"eplatform/app/apptest"
)

// TestAPIContract holds the API to its own description: it walks every operation of
// /api/openapi.json, calls it as every role (anonymous, a student, another student,
// an instructor, another instructor, an admin) with the path ids of seeded rows and of
// missing ones, with declared query parameters set to valid and to invalid values,
// and with bodies that are valid, empty, of the wrong type and too large. Every
// answer must have a status the operation declares and a body its schema accepts,
// read strictly: a field the schema does not list is a failure too. Every operation
// must also succeed at least once, so no success body goes unchecked.
func TestAPIContract(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	raw := app.Client().Get("/api/openapi.json")
	if raw.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d", raw.StatusCode)
	}
	c := newContract(t, []byte(raw.Body))
	w := seedWorld(t, app)

	for _, op := range c.ops {
		w.exercise(t, c, op)
	}

	var never []string
	for _, op := range c.ops {
		if !op.succeeded {
			never = append(never, op.key)
		}
	}
	if len(never) > 0 {
		t.Errorf("%d operations never answered a 2xx, so their success bodies went unchecked "+
			"(give them a body in contractBodies or ids in contractIDs):\n  %s", len(never), strings.Join(never, "\n  "))
	}
	// Declared statuses no call provoked (a rate limit, a conflict of timing) are
	// listed, not failed: the document may promise more than one run shows.
	unseen := 0
	for _, op := range c.ops {
		var codes []string
		for code := range op.doc["responses"].(map[string]any) {
			if n, _ := strconv.Atoi(code); !op.seen[n] {
				codes = append(codes, code)
			}
		}
		unseen += len(codes)
		if testing.Verbose() && len(codes) > 0 {
			slices.Sort(codes)
			t.Logf("%s: declared, not provoked: %s", op.key, strings.Join(codes, " "))
		}
	}
	t.Logf("%d operations, %d requests checked against the document; %d declared statuses not provoked", len(c.ops), c.checked, unseen)
}

// operation is one method of one path of the document.
type operation struct {
	key, method, path string
	doc               map[string]any
	hasBody           bool
	readsJSON         bool // the request body may be JSON
	query             []map[string]any
	phase             int
	succeeded         bool
	okRole            string       // the first role that got a 2xx
	seen              map[int]bool // statuses answered
}

// contract is the document with every response schema compiled once.
type contract struct {
	doc     map[string]any
	ops     []*operation
	schemas map[string]*jsonschema.Schema // "METHOD path status" → schema of its JSON body
	checked int
}

func newContract(t *testing.T, raw []byte) *contract {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	c := &contract{doc: doc, schemas: map[string]*jsonschema.Schema{}}
	components := doc["components"].(map[string]any)
	defs := map[string]any{}
	orig := components["schemas"].(map[string]any)
	for name, s := range orig {
		defs[name] = seal(flatten(s, orig))
	}
	// Each response body schema becomes a $def of its own, so one compiler compiles
	// every schema once and shares the components between them.
	locations := map[string]string{}
	paths := doc["paths"].(map[string]any)
	for path, item := range paths {
		for method, v := range item.(map[string]any) {
			opDoc := v.(map[string]any)
			op := &operation{key: strings.ToUpper(method) + " " + path, method: strings.ToUpper(method), path: path, doc: opDoc}
			if rb, ok := opDoc["requestBody"].(map[string]any); ok {
				op.hasBody = true
				_, op.readsJSON = rb["content"].(map[string]any)["application/json"]
			}
			for _, p := range asList(opDoc["parameters"]) {
				if p["in"] == "query" {
					op.query = append(op.query, p)
				}
			}
			op.phase = phaseOf(op)
			c.ops = append(c.ops, op)
			for status, r := range opDoc["responses"].(map[string]any) {
				resp := c.resolve(r.(map[string]any))
				schema := jsonBodySchema(resp)
				if schema == nil {
					continue
				}
				name := fmt.Sprintf("op%d", len(locations))
				defs[name] = seal(flatten(schema, orig))
				locations[op.key+" "+status] = name
			}
		}
	}
	slices.SortFunc(c.ops, func(a, b *operation) int {
		if a.phase != b.phase {
			return a.phase - b.phase
		}
		// Logging out ends each role's login, so it comes after everything else.
		if la, lb := a.key == "POST /api/auth/logout/", b.key == "POST /api/auth/logout/"; la != lb {
			if la {
				return 1
			}
			return -1
		}
		if a.phase == phaseLast {
			// Children before their parents: a question before its quiz, a quiz
			// before its subject.
			if da, db := strings.Count(a.path, "/"), strings.Count(b.path, "/"); da != db {
				return db - da
			}
		}
		return strings.Compare(a.key, b.key)
	})

	compiler := jsonschema.NewCompiler()
	compiler.DefaultDraft(jsonschema.Draft2020)
	compiler.AssertFormat()
	const base = "mem:///contract.json"
	if err := compiler.AddResource(base, map[string]any{"$defs": defs}); err != nil {
		t.Fatal(err)
	}
	for key, name := range locations {
		s, err := compiler.Compile(base + "#/$defs/" + name)
		if err != nil {
			t.Fatalf("compile the schema of %s: %v", key, err)
		}
		c.schemas[key] = s
	}
	return c
}

// resolve follows a response's $ref into components/responses.
func (c *contract) resolve(r map[string]any) map[string]any {
	ref, ok := r["$ref"].(string)
	if !ok {
		return r
	}
	name := strings.TrimPrefix(ref, "#/components/responses/")
	return c.doc["components"].(map[string]any)["responses"].(map[string]any)[name].(map[string]any)
}

// binaryType is the media type of a response that is a file, "" for JSON or none.
func binaryType(resp map[string]any) string {
	content, _ := resp["content"].(map[string]any)
	for mt := range content {
		if mt != "application/json" {
			return mt
		}
	}
	return ""
}

func jsonBodySchema(resp map[string]any) any {
	content, _ := resp["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	return media["schema"]
}

// check compares one answer with the document: a declared status, and a body its
// schema accepts (no body where none is declared).
func (c *contract) check(t *testing.T, op *operation, what string, resp *apptest.Response) {
	t.Helper()
	c.checked++
	status := strconv.Itoa(resp.StatusCode)
	_, ok := op.doc["responses"].(map[string]any)[status]
	if !ok {
		t.Errorf("%s %s: status %d is not declared (declared: %v)\n  body: %.300s", op.key, what, resp.StatusCode,
			slices.Sorted(maps.Keys(op.doc["responses"].(map[string]any))), resp.Body)
		return
	}
	if op.seen == nil {
		op.seen = map[int]bool{}
	}
	op.seen[resp.StatusCode] = true
	if resp.StatusCode/100 == 2 && !op.succeeded {
		op.succeeded = true
		op.okRole = strings.Fields(what)[0]
	}
	schema, hasBody := c.schemas[op.key+" "+status]
	if mt := binaryType(c.resolve(op.doc["responses"].(map[string]any)[status].(map[string]any))); mt != "" {
		// A file (a zip download): its declared type, and something in it.
		if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct != mt || resp.Body == "" {
			t.Errorf("%s %s: %d with Content-Type %q and %d bytes, declared a %s", op.key, what, resp.StatusCode, ct, len(resp.Body), mt)
		}
		return
	}
	if !hasBody {
		if resp.Body != "" {
			t.Errorf("%s %s: %d has a body where none is declared: %.300s", op.key, what, resp.StatusCode, resp.Body)
		}
		return
	}
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct != "application/json" {
		t.Errorf("%s %s: %d with Content-Type %q, declared application/json", op.key, what, resp.StatusCode, resp.Header.Get("Content-Type"))
		return
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(resp.Body))
	if err != nil {
		t.Errorf("%s %s: %d body is not JSON: %v", op.key, what, resp.StatusCode, err)
		return
	}
	if err := schema.Validate(inst); err != nil {
		t.Errorf("%s %s: the %d body does not match its schema:\n%v\n  body: %.600s", op.key, what, resp.StatusCode, err, resp.Body)
	}
}

// Phases: reads first, then writes, then what removes seeded rows or signs roles out.
const (
	phaseRead = iota
	phaseWrite
	phaseLast
)

// destructive are writes that end what later calls need (a membership, an enrollment,
// an account, a login); they run with the deletions, after every other write.
var destructive = map[string]bool{
	"POST /api/chat/conversations/{id}/leave/": true,
	"POST /api/subjects/{id}/unenroll/":        true,
	"POST /api/admin/users/{id}/active/":       true,
	"POST /api/auth/logout/":                   true,
	"POST /api/me/delete/":                     true,
}

func phaseOf(op *operation) int {
	switch {
	case op.method == "GET":
		return phaseRead
	case op.method == "DELETE" || destructive[op.key]:
		return phaseLast
	}
	return phaseWrite
}

// flatten merges allOf into one object schema (properties and required of every
// part), following $refs inside it, so that seal can close the merged object.
func flatten(s any, defs map[string]any) any {
	switch v := s.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			if k != "allOf" {
				out[k] = flatten(x, defs)
			}
		}
		parts, ok := v["allOf"].([]any)
		if !ok {
			return out
		}
		props := map[string]any{}
		var required []any
		for _, p := range parts {
			pm := p.(map[string]any)
			if ref, ok := pm["$ref"].(string); ok {
				pm = defs[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
			}
			pm = flatten(pm, defs).(map[string]any)
			maps.Copy(props, asMap(pm["properties"]))
			if r, ok := pm["required"].([]any); ok {
				required = append(required, r...)
			}
		}
		out["type"] = "object"
		out["properties"] = props
		if len(required) > 0 {
			out["required"] = required
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = flatten(x, defs)
		}
		return out
	}
	return s
}

// seal closes every object schema that lists its properties and says nothing about
// others (a body may carry only what the document names), and points $refs at the
// $defs of the compiled resource.
func seal(s any) any {
	switch v := s.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			out[k] = seal(x)
		}
		if ref, ok := v["$ref"].(string); ok {
			out["$ref"] = "#/$defs/" + strings.TrimPrefix(ref, "#/components/schemas/")
		}
		if _, ok := v["properties"]; ok {
			if _, said := v["additionalProperties"]; !said {
				out["additionalProperties"] = false
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = seal(x)
		}
		return out
	}
	return s
}

func asMap(v any) map[string]any { m, _ := v.(map[string]any); return m }

func asList(v any) []map[string]any {
	var out []map[string]any
	l, _ := v.([]any)
	for _, x := range l {
		out = append(out, x.(map[string]any))
	}
	return out
}

// exampleValue is a value a parameter's schema accepts; invalidValue one it refuses
// ("" when any string would do).
func exampleValue(schema map[string]any) string {
	if d, ok := schema["default"]; ok {
		return fmt.Sprint(d)
	}
	for _, list := range []string{"enum", "examples"} {
		if e, ok := schema[list].([]any); ok {
			return fmt.Sprint(e[0])
		}
	}
	switch schema["type"] {
	case "integer":
		if m, ok := schema["minimum"].(float64); ok {
			return strconv.Itoa(int(m))
		}
		return "1"
	case "boolean":
		return "true"
	}
	if _, dated := schema["anyOf"]; dated || schema["format"] == "date" {
		return "2026-11-01"
	}
	return "a"
}

func invalidValue(schema map[string]any) string {
	if _, ok := schema["enum"]; ok {
		return "no-such-value"
	}
	switch schema["type"] {
	case "integer":
		return "x"
	case "boolean":
		return "maybe"
	}
	if _, dated := schema["anyOf"]; dated || schema["format"] == "date" {
		return "not-a-date"
	}
	return ""
}

// request is one call: a role, a path with its ids, an optional query and body.
type request struct {
	role        string
	path        string
	query       url.Values
	contentType string
	body        []byte
}

func (w *world) send(t *testing.T, op *operation, rq request) *apptest.Response {
	t.Helper()
	h := http.Header{}
	if tok := w.tokens[rq.role]; tok != "" {
		h.Set("Authorization", "Bearer "+tok)
	}
	var body io.Reader
	if rq.body != nil || op.method != "GET" {
		body = bytes.NewReader(rq.body)
		if rq.contentType != "" {
			h.Set("Content-Type", rq.contentType)
		}
	}
	u := rq.path
	if len(rq.query) > 0 {
		u += "?" + rq.query.Encode()
	}
	return w.client.Do(op.method, u, body, h)
}
