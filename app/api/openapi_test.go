package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"eplatform/app/api"
	"eplatform/app/apptest"
)

func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	r := app.Client().Get("/api/openapi.json")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/openapi.json: %d %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Info       map[string]any                       `json:"info"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas         map[string]any `json:"schemas"`
			SecuritySchemes map[string]any `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
		t.Fatalf("not valid JSON: %v", err)
	}
	// .ci/run lints the document with Redocly and Spectral from this copy.
	if out := os.Getenv("OPENAPI_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(r.Body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	if doc.Info["title"] == nil || doc.Info["version"] == nil {
		t.Errorf("info %v", doc.Info)
	}

	routes := app.Server.API.Routes()
	if len(routes) < 9 {
		t.Fatalf("only %d routes: %v", len(routes), routes)
	}
	operationIDs := map[string]string{}
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt, " ")
		op, ok := doc.Paths[path][strings.ToLower(method)]
		if !ok {
			t.Errorf("%s is not documented", rt)
			continue
		}
		if s, _ := op["summary"].(string); s == "" {
			t.Errorf("%s: no summary", rt)
		}
		id, _ := op["operationId"].(string)
		if prev, dup := operationIDs[id]; id == "" || dup {
			t.Errorf("%s: operationId %q (also %s)", rt, id, prev)
		}
		operationIDs[id] = rt
		responses, _ := op["responses"].(map[string]any)
		hasSuccess := false
		for code := range responses {
			if code[0] == '2' {
				hasSuccess = true
			}
		}
		if !hasSuccess {
			t.Errorf("%s: no success response in %v", rt, responses)
		}
		// Every {param} in the path is declared.
		for _, seg := range strings.Split(path, "/") {
			if strings.HasPrefix(seg, "{") {
				name := strings.Trim(seg, "{}")
				found := false
				params, _ := op["parameters"].([]any)
				for _, p := range params {
					if pm, _ := p.(map[string]any); pm["name"] == name && pm["in"] == "path" {
						found = true
					}
				}
				if !found {
					t.Errorf("%s: path parameter %s not declared", rt, name)
				}
			}
		}
	}
	// Nothing is documented that is not served.
	served := map[string]bool{}
	for _, rt := range routes {
		served[rt] = true
	}
	for path, item := range doc.Paths {
		for method := range item {
			if !served[strings.ToUpper(method)+" "+path] {
				t.Errorf("documented but not routed: %s %s", method, path)
			}
		}
	}

	// Every $ref points at a schema that exists.
	var raw any
	json.Unmarshal([]byte(r.Body), &raw)
	refs := 0
	var walk func(v any, where string)
	walk = func(v any, where string) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "$ref" {
					refs++
					s, _ := x.(string)
					if !resolves(raw, s) {
						t.Errorf("%s: $ref %q does not resolve", where, s)
					}
					continue
				}
				walk(x, where+"/"+k)
			}
		case []any:
			for _, x := range v {
				walk(x, where+"[]")
			}
		}
	}
	walk(raw, "#")
	if refs == 0 {
		t.Error("no $ref at all")
	}
	// Security schemes named by operations exist.
	for path, item := range doc.Paths {
		for method, op := range item {
			sec, _ := op["security"].([]any)
			for _, s := range sec {
				for name := range s.(map[string]any) {
					if _, ok := doc.Components.SecuritySchemes[name]; !ok {
						t.Errorf("%s %s: unknown security scheme %q", method, path, name)
					}
				}
			}
		}
	}
	// Every operation has a description and a declared tag; every tag says what it is.
	var top struct {
		Tags []struct{ Name, Description string } `json:"tags"`
	}
	json.Unmarshal([]byte(r.Body), &top)
	declared := map[string]bool{}
	for _, tag := range top.Tags {
		if tag.Description == "" {
			t.Errorf("tag %s has no description", tag.Name)
		}
		declared[tag.Name] = true
	}
	for path, item := range doc.Paths {
		for method, op := range item {
			if d, _ := op["description"].(string); d == "" {
				t.Errorf("%s %s: no description", method, path)
			}
			for _, tag := range op["tags"].([]any) {
				if !declared[tag.(string)] {
					t.Errorf("%s %s: tag %q is not among the document's tags", method, path, tag)
				}
			}
			// A public operation says so (security: [] or an optional {}), or it
			// inherits the document's bearer requirement.
			if _, protected := op["responses"].(map[string]any)["401"]; !protected {
				if _, said := op["security"]; !said {
					t.Errorf("%s %s: public, but inherits the document's security", method, path)
				}
			}
		}
	}
	// The descriptions' table names only routes that exist.
	for _, key := range api.OpDocKeys() {
		if !served[key] {
			t.Errorf("opDocs describes %s, which is not routed", key)
		}
	}

	// The document is served without a trailing slash and answers API tools.
	if r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("Access-Control-Allow-Origin %q", r.Header.Get("Access-Control-Allow-Origin"))
	}
}

// resolves reports whether ref, a local JSON pointer like #/components/schemas/User,
// names something in doc.
func resolves(doc any, ref string) bool {
	p, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return false
	}
	cur := doc
	for _, part := range strings.Split(p, "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		if cur, ok = m[part]; !ok {
			return false
		}
	}
	return true
}
