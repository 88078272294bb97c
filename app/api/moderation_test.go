package api_test

import (
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// Over the API: a blocked person's message is a 403 that says why, a second report a
// 409, and the admin's queue and action round trip.
func TestBlockAndReportOverTheAPI(t *testing.T) {
	app := apptest.StartRelaxed(t)
	ann, bob := app.Account("ann", "student"), app.Account("bob", "student")
	app.Account("root", "admin")
	annTok, _ := app.Token("ann")
	bobTok, _ := app.Token("bob")
	rootTok, _ := app.Token("root")
	c := app.Client()

	var conv struct{ ID int64 }
	r := c.JSON("POST", "/api/chat/conversations/start/", map[string]any{"user_id": ann.ID, "message": "hi"}, bobTok)
	r.JSON(t, &conv)
	if r := c.JSON("POST", "/api/blocks/", map[string]any{"user_id": bob.ID}, annTok); r.StatusCode != 201 || !strings.Contains(r.Body, `"username":"bob"`) {
		t.Fatalf("block: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("GET", "/api/blocks/", nil, annTok); !strings.Contains(r.Body, `"count":1`) {
		t.Errorf("blocks: %s", r.Body)
	}
	path := "/api/chat/conversations/" + strconv.FormatInt(conv.ID, 10) + "/add_message/"
	if r := c.JSON("POST", path, map[string]any{"content": "hello?"}, bobTok); r.StatusCode != 403 || !strings.Contains(r.Body, "blocked you") {
		t.Errorf("bob's message: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("POST", "/api/chat/conversations/start/", map[string]any{"user_id": ann.ID}, bobTok); r.StatusCode != 403 {
		t.Errorf("bob starts: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("DELETE", "/api/blocks/"+strconv.FormatInt(bob.ID, 10)+"/", nil, annTok); r.StatusCode != 204 {
		t.Errorf("unblock: %d", r.StatusCode)
	}
	if r := c.JSON("POST", path, map[string]any{"content": "hello?"}, bobTok); r.StatusCode != 201 {
		t.Errorf("after unblock: %d %s", r.StatusCode, r.Body)
	}

	var msg struct{ ID int64 }
	c.JSON("POST", path, map[string]any{"content": "rude words"}, bobTok).JSON(t, &msg)
	body := map[string]any{"item_type": "message", "item_id": msg.ID, "reason": "harassment"}
	var rep struct{ ID int64 }
	if r := c.JSON("POST", "/api/reports/", body, annTok); r.StatusCode != 201 {
		t.Fatalf("report: %d %s", r.StatusCode, r.Body)
	} else {
		r.JSON(t, &rep)
	}
	if r := c.JSON("POST", "/api/reports/", body, annTok); r.StatusCode != 409 {
		t.Errorf("second report: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("GET", "/api/admin/reports/", nil, annTok); r.StatusCode != 403 {
		t.Errorf("a student reads the queue: %d", r.StatusCode)
	}
	if r := c.JSON("GET", "/api/admin/reports/", nil, rootTok); !strings.Contains(r.Body, `"rude words"`) || !strings.Contains(r.Body, `"reported":true`) {
		t.Errorf("queue: %s", r.Body)
	}
	act := "/api/admin/reports/" + strconv.FormatInt(rep.ID, 10) + "/action/"
	if r := c.JSON("POST", act, map[string]any{"action": "delete"}, rootTok); r.StatusCode != 200 || !strings.Contains(r.Body, `"status":"deleted"`) {
		t.Errorf("delete: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("POST", act, map[string]any{"action": "delete"}, rootTok); r.StatusCode != 409 {
		t.Errorf("again: %d %s", r.StatusCode, r.Body)
	}
	if r := c.JSON("GET", "/api/reports/", nil, annTok); !strings.Contains(r.Body, `"status":"deleted"`) {
		t.Errorf("ann's reports: %s", r.Body)
	}
}
