package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/store"
)

func chatUserID(t *testing.T, app *apptest.App, name string) string {
	t.Helper()
	u, err := app.State.DB.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(u.ID, 10)
}

var conversationRE = regexp.MustCompile(`^/chat/conversation/(\d+)/`)

// startChat opens the 1:1 conversation without writing in it, as the API's start does
// without a message (the pages only create one with its first message, see
// TestChatStartComposesTheFirstMessage).
func startChat(t *testing.T, app *apptest.App, c *apptest.Client, other string) string {
	t.Helper()
	id, _ := strconv.ParseInt(chatUserID(t, app, other), 10, 64)
	r := c.JSON("POST", "/api/chat/conversations/start/", map[string]any{"user_id": id}, "")
	m := regexp.MustCompile(`^\{"id":(\d+)`).FindStringSubmatch(r.Body)
	if r.StatusCode/100 != 2 || m == nil {
		t.Fatalf("start: %d %s", r.StatusCode, r.Body)
	}
	return m[1]
}

// chatForm posts the message form (multipart, as the page sends it without JS).
func chatForm(t *testing.T, c *apptest.Client, conv, content string, file ...string) *apptest.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("content", content)
	if len(file) == 2 {
		w, _ := mw.CreateFormFile("file_attachment", file[0])
		w.Write([]byte(file[1]))
	}
	mw.Close()
	return c.Do("POST", "/chat/conversation/"+conv+"/send/", &b, http.Header{"Content-Type": {mw.FormDataContentType()}})
}

func tinyPNG() string {
	var b bytes.Buffer
	png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 6, 6)))
	return b.String()
}

var fileURLRE = regexp.MustCompile(`/chat/files/\d+/[0-9a-f]+\.\w+`)

// TestChatWithoutJavaScript: start a conversation, send text and files by form, read,
// edit and delete, all with plain form posts and redirects.
func TestChatWithoutJavaScript(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada, bob := app.User("ada", "student"), app.User("bob", "student")
	conv := startChat(t, app, ada, "bob")
	if again := startChat(t, app, bob, "ada"); again != conv {
		t.Fatalf("bob's button opened %s, not %s", again, conv)
	}
	r := chatForm(t, ada, conv, `Hi <script>alert(1)</script> see https://example.com/notes?a=1 😀`)
	if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "#message-") {
		t.Fatalf("send: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	// bob's list shows the unread badge and the preview.
	list := bob.Get("/chat/")
	if list.StatusCode != 200 || !regexp.MustCompile(`data-unread[^>]*>1<`).MatchString(list.Body) ||
		!strings.Contains(list.Body, "Hi &lt;script&gt;") || !strings.Contains(list.Body, "Ada Tester") {
		t.Fatalf("bob's list: %d", list.StatusCode)
	}
	page := bob.Get("/chat/conversation/" + conv + "/")
	if page.StatusCode != 200 || strings.Contains(page.Body, "<script>alert(1)") || !strings.Contains(page.Body, "&lt;script&gt;") ||
		!strings.Contains(page.Body, `href="https://example.com/notes?a=1"`) || !strings.Contains(page.Body, "😀") {
		t.Fatalf("conversation page: %d", page.StatusCode)
	}
	// Opening it read it: the badge is gone and ada's tick says read.
	if n, _ := app.State.Chat.Unread(context.Background(), mustID(t, app, "bob")); n != 0 {
		t.Errorf("bob's unread after opening: %d", n)
	}
	if p := ada.Get("/chat/conversation/" + conv + "/"); !strings.Contains(p.Body, "ticks--read") {
		t.Errorf("ada does not see the read ticks")
	}

	// An image inline, a PDF as a download; served to members only.
	r = chatForm(t, bob, conv, "", "photo.png", tinyPNG())
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("image: %d %s", r.StatusCode, r.Body)
	}
	r = chatForm(t, bob, conv, "the notes", "notes.pdf", "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("pdf: %d", r.StatusCode)
	}
	page = ada.Get("/chat/conversation/" + conv + "/")
	urls := fileURLRE.FindAllString(page.Body, -1)
	if len(urls) < 2 || !strings.Contains(page.Body, `<img src="`+urls[0]) {
		t.Fatalf("files on the page: %v", urls)
	}
	img := ada.Get(urls[0])
	if img.StatusCode != 200 || img.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(img.Header.Get("Content-Disposition"), "inline") {
		t.Errorf("image: %d %v", img.StatusCode, img.Header)
	}
	pdf := ada.Get(urls[len(urls)-1])
	if pdf.StatusCode != 200 || pdf.Header.Get("Content-Disposition") != `attachment; filename=notes.pdf` {
		t.Errorf("pdf: %d %v", pdf.StatusCode, pdf.Header)
	}
	// A refused type and a blank message.
	if r := chatForm(t, ada, conv, "", "run.exe", "MZ\x90\x00\x03binary"); r.StatusCode != 200 || !strings.Contains(r.Body, "Send an image") {
		t.Errorf("executable: %d", r.StatusCode)
	}
	if r := chatForm(t, ada, conv, "   "); r.StatusCode != 200 || !strings.Contains(r.Body, "Message must have") {
		t.Errorf("blank: %d", r.StatusCode)
	}

	// Edit and delete your own; not someone else's.
	msgs, _, _ := app.State.Chat.History(context.Background(), mustID(t, app, "ada"), store.MessageQuery{ConversationID: atoi(conv), Ascending: true})
	first := strconv.FormatInt(msgs[0].ID, 10)
	if r := bob.PostForm("/chat/message/"+first+"/edit/", url.Values{"content": {"hijack"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("bob edits ada's message: %d", r.StatusCode)
	}
	if r := ada.PostForm("/chat/message/"+first+"/edit/", url.Values{"content": {"Hi again"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("edit: %d", r.StatusCode)
	}
	if p := bob.Get("/chat/conversation/" + conv + "/"); !strings.Contains(p.Body, "Hi again") || !strings.Contains(p.Body, "edited") {
		t.Errorf("edit not shown")
	}
	imageMsg := strconv.FormatInt(msgs[1].ID, 10)
	if r := ada.PostForm("/chat/message/"+imageMsg+"/delete/", nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("ada deletes bob's: %d", r.StatusCode)
	}
	if r := bob.PostForm("/chat/message/"+imageMsg+"/delete/", nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("delete: %d", r.StatusCode)
	}
	if r := ada.Get(urls[0]); r.StatusCode != http.StatusNotFound {
		t.Errorf("deleted file still served: %d", r.StatusCode)
	}
	if p := ada.Get("/chat/conversation/" + conv + "/"); !strings.Contains(p.Body, "This message was deleted.") {
		t.Errorf("deleted message not shown as deleted")
	}
	// A page no longer answers JSON of its own: Accept: application/json gets the page flow.
	r = ada.Do("POST", "/chat/conversation/"+conv+"/send/", strings.NewReader("content=hello+json"),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Errorf("send with Accept JSON: %d %s", r.StatusCode, r.Body)
	}
}

// TestChatScriptsUseFragmentsAndTheAPI follows what chat.js does: the message and edit
// forms sent with X-Fragment: 1 get the message's bubble, failures the API's error
// JSON; marking read and deleting go through the chat API with the session cookie.
func TestChatScriptsUseFragmentsAndTheAPI(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada, bob := app.User("ada", "student"), app.User("bob", "student")
	conv := startChat(t, app, ada, "bob")
	form := func(c *apptest.Client, path string, v url.Values) *apptest.Response {
		return c.Do("POST", path, strings.NewReader(v.Encode()),
			http.Header{"X-Fragment": {"1"}, "Content-Type": {"application/x-www-form-urlencoded"}})
	}
	// The composer: multipart, as the script sends FormData.
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("content", "from <b>the</b> script")
	mw.Close()
	r := ada.Do("POST", "/chat/conversation/"+conv+"/send/", &b, http.Header{"X-Fragment": {"1"}, "Content-Type": {mw.FormDataContentType()}})
	m := regexp.MustCompile(`id="message-(\d+)"`).FindStringSubmatch(r.Body)
	if r.StatusCode != http.StatusCreated || m == nil || !strings.Contains(r.Body, "msg--mine") || !strings.Contains(r.Body, "from &lt;b&gt;the&lt;/b&gt; script") ||
		strings.Contains(r.Body, "<html") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("send: %d %s", r.StatusCode, r.Body)
	}
	id := m[1]
	for _, c := range []struct {
		content, want string
	}{
		{"  ", `{"non_field_errors":["Message must have either content or a file attachment."]}`},
		{"\x00hello", `{"content":["Remove the control character U+0000 from this text."]}`},
	} {
		if r := form(ada, "/chat/conversation/"+conv+"/send/", url.Values{"content": {c.content}}); r.StatusCode != http.StatusBadRequest || strings.TrimSpace(r.Body) != c.want {
			t.Errorf("send %q: %d %s", c.content, r.StatusCode, r.Body)
		}
	}
	if r := form(bob, "/chat/message/"+id+"/edit/", url.Values{"content": {"mine now"}}); r.StatusCode != http.StatusForbidden || !strings.Contains(r.Body, `"detail"`) {
		t.Errorf("foreign edit: %d %s", r.StatusCode, r.Body)
	}
	if r := form(ada, "/chat/message/"+id+"/edit/", url.Values{"content": {"\x00"}}); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, `"content":["Remove the control character U+0000`) {
		t.Errorf("NUL edit: %d %s", r.StatusCode, r.Body)
	}
	if r := form(ada, "/chat/message/"+id+"/edit/", url.Values{"content": {"fixed"}}); r.StatusCode != 200 || !strings.Contains(r.Body, "fixed") || !strings.Contains(r.Body, "edited") {
		t.Errorf("edit: %d %s", r.StatusCode, r.Body)
	}
	// What live events make the script fetch: a message and a line of the list.
	frag := http.Header{"X-Fragment": {"1"}}
	if r := bob.Do("GET", "/chat/message/"+id+"/", nil, frag); r.StatusCode != 200 || !strings.Contains(r.Body, "fixed") || strings.Contains(r.Body, "msg--mine") {
		t.Errorf("message for bob: %d %s", r.StatusCode, r.Body)
	}
	if r := bob.Do("GET", "/chat/conversation/"+conv+"/item/?active="+conv, nil, frag); r.StatusCode != 200 || !strings.Contains(r.Body, "Ada Tester") || r.Header.Get("Vary") != "X-Fragment" {
		t.Errorf("list line for bob: %d %s", r.StatusCode, r.Body)
	}
	if r := bob.Do("GET", "/chat/conversation/"+conv+"/item/?active=x", nil, frag); r.StatusCode != 200 {
		t.Errorf("list line with a bad active id: %d", r.StatusCode)
	}
	// Reading and deleting through the API.
	if r := bob.JSON("POST", "/api/chat/conversations/"+conv+"/mark_read/", nil, ""); r.StatusCode != 200 || !strings.Contains(r.Body, `"marked_read":1`) {
		t.Errorf("mark read with the session: %d %s", r.StatusCode, r.Body)
	}
	if r := bob.JSON("DELETE", "/api/chat/messages/"+id+"/delete/", nil, ""); r.StatusCode != http.StatusForbidden {
		t.Errorf("foreign delete: %d %s", r.StatusCode, r.Body)
	}
	if r := ada.JSON("DELETE", "/api/chat/messages/"+id+"/delete/", nil, ""); r.StatusCode != 200 {
		t.Errorf("delete with the session: %d %s", r.StatusCode, r.Body)
	}
	if r := ada.Do("GET", "/chat/message/"+id+"/", nil, frag); !strings.Contains(r.Body, "This message was deleted.") {
		t.Errorf("deleted message: %d %s", r.StatusCode, r.Body)
	}
	// Failures of fragment-only pieces are the API's error JSON too.
	if r := bob.Do("GET", "/chat/message/999999/", nil, frag); r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, `"detail"`) {
		t.Errorf("missing message: %d %s", r.StatusCode, r.Body)
	}
}

// TestChatTextRules: control characters are refused with the field named, on every
// chat form, and nothing is written.
func TestChatTextRules(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	app.User("bob", "student")
	conv := startChat(t, app, ada, "bob")
	if r := chatForm(t, ada, conv, "\x00hi"); r.StatusCode != 200 || !strings.Contains(r.Body, "Remove the control character U+0000") || !strings.Contains(r.Body, `id="chat-content-error"`) {
		t.Errorf("message with NUL: %d", r.StatusCode)
	}
	if r := ada.PostForm("/chat/groups/new/", url.Values{"title": {"\x00Maths"}, "members": {"bob"}}); r.StatusCode != 200 || !strings.Contains(r.Body, "Remove the control character U+0000") {
		t.Errorf("group title with NUL: %d", r.StatusCode)
	}
	if r := ada.PostForm("/chat/groups/new/", url.Values{"title": {"Maths"}, "members": {"bob\x1b"}}); r.StatusCode != 200 || !strings.Contains(r.Body, "Remove the control character U+001B") {
		t.Errorf("members with ESC: %d", r.StatusCode)
	}
	r := ada.PostForm("/chat/groups/new/", url.Values{"title": {"Maths"}, "members": {"bob"}})
	g := conversationRE.FindStringSubmatch(r.Header.Get("Location"))
	if r.StatusCode != http.StatusSeeOther || g == nil {
		t.Fatalf("group: %d", r.StatusCode)
	}
	if r := ada.PostForm("/chat/conversation/"+g[1]+"/rename/", url.Values{"title": {"Maths\x00"}}); r.StatusCode != 200 || !strings.Contains(r.Body, "Remove the control character U+0000") {
		t.Errorf("rename with NUL: %d", r.StatusCode)
	}
	if r := ada.PostForm("/chat/conversation/"+g[1]+"/members/", url.Values{"members": {"\x00"}}); r.StatusCode != 200 || !strings.Contains(r.Body, "Remove the control character U+0000") {
		t.Errorf("add members with NUL: %d", r.StatusCode)
	}
	page := ada.Get("/chat/conversation/" + conv + "/")
	if strings.Contains(page.Body, `id="message-`) {
		t.Error("a refused message was written")
	}
	if p := ada.Get("/chat/conversation/" + g[1] + "/members/"); !strings.Contains(p.Body, "<h1>Maths</h1>") {
		t.Error("the group's name changed")
	}
}

// TestChatListShowsConversationsWithMessages: "Message" opens a conversation, but it
// joins the lists only once someone writes in it (issue 14).
func TestChatListShowsConversationsWithMessages(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada, bob := app.User("ada", "student"), app.User("bob", "student")
	conv := startChat(t, app, ada, "bob")
	if p := ada.Get("/chat/conversation/" + conv + "/"); p.StatusCode != 200 || !strings.Contains(p.Body, "No messages yet") {
		t.Fatalf("the empty conversation: %d", p.StatusCode)
	}
	item := `data-chat-item="` + conv + `"`
	for _, c := range []*apptest.Client{ada, bob} {
		if p := c.Get("/chat/"); strings.Contains(p.Body, item) {
			t.Error("an empty conversation is in a list")
		}
	}
	chatForm(t, bob, conv, "hi ada")
	for _, c := range []*apptest.Client{ada, bob} {
		if p := c.Get("/chat/"); !strings.Contains(p.Body, item) {
			t.Error("the conversation is not listed after its first message")
		}
	}
}

func mustID(t *testing.T, app *apptest.App, name string) int64 {
	id, _ := strconv.ParseInt(chatUserID(t, app, name), 10, 64)
	return id
}

func atoi(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }

// TestChatStrangersGet404: someone outside a conversation gets 404 for its page,
// fragments, forms and files, and never its content.
func TestChatStrangersGet404(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada, eve := app.User("ada", "student"), app.User("eve", "student")
	app.User("bob", "student")
	conv := startChat(t, app, ada, "bob")
	chatForm(t, ada, conv, "top secret", "p.png", tinyPNG())
	page := ada.Get("/chat/conversation/" + conv + "/")
	file := fileURLRE.FindString(page.Body)
	msgID := regexp.MustCompile(`id="message-(\d+)"`).FindStringSubmatch(page.Body)[1]
	for _, c := range []struct{ method, path string }{
		{"GET", "/chat/conversation/" + conv + "/"},
		{"GET", "/chat/conversation/" + conv + "/?before_id=999"},
		{"GET", "/chat/conversation/" + conv + "/item/"},
		{"GET", "/chat/conversation/" + conv + "/members/"},
		{"POST", "/chat/conversation/" + conv + "/send/"},
		{"POST", "/chat/conversation/" + conv + "/read/"},
		{"POST", "/chat/conversation/" + conv + "/leave/"},
		{"GET", "/chat/message/" + msgID + "/"},
		{"POST", "/chat/message/" + msgID + "/edit/"},
		{"POST", "/chat/message/" + msgID + "/delete/"},
		{"GET", file},
		{"GET", "/chat/conversation/999999/"},
		{"GET", "/chat/conversation/abc/"},
		{"GET", "/api/chat/conversations/" + conv + "/"},
		{"GET", "/api/chat/conversations/" + conv + "/messages/"},
		{"POST", "/api/chat/conversations/" + conv + "/add_message/"},
		{"POST", "/api/chat/conversations/" + conv + "/mark_read/"},
		{"GET", "/chat/api/conversations/" + conv + "/messages/"},
		{"PUT", "/api/chat/messages/" + msgID + "/edit/"},
		{"DELETE", "/api/chat/messages/" + msgID + "/delete/"},
	} {
		var r *apptest.Response
		switch c.method {
		case "GET":
			r = eve.Get(c.path)
		case "POST":
			r = eve.PostForm(c.path, url.Values{"content": {"let me in"}})
		default:
			r = eve.JSON(c.method, c.path, map[string]string{"content": "x"}, "")
		}
		if r.StatusCode != http.StatusNotFound || strings.Contains(r.Body, "top secret") {
			t.Errorf("%s %s: %d", c.method, c.path, r.StatusCode)
		}
	}
	// Anonymous: the file is a 404 too, the pages send to the login.
	if r := app.Client().Get(file); r.StatusCode != http.StatusNotFound {
		t.Errorf("anonymous file: %d", r.StatusCode)
	}
	if r := app.Client().Get("/chat/conversation/" + conv + "/"); r.StatusCode != http.StatusFound || !strings.HasPrefix(r.Header.Get("Location"), "/login/") {
		t.Errorf("anonymous page: %d", r.StatusCode)
	}
	// A wrong file name of a real message: 404.
	if r := ada.Get(regexp.MustCompile(`[0-9a-f]+\.png$`).ReplaceAllString(file, "00.png")); r.StatusCode != http.StatusNotFound {
		t.Errorf("wrong file name: %d", r.StatusCode)
	}
}

// TestChatGroupsByForm: create a group, add, remove, rename, leave — by forms.
func TestChatGroupsByForm(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada, bob := app.User("ada", "student"), app.User("bob", "student")
	app.User("cy", "student")
	dee := app.User("dee", "student")
	if r := ada.PostForm("/chat/groups/new/", url.Values{"title": {""}, "members": {"bob, nobody"}}); r.StatusCode != 200 ||
		!strings.Contains(r.Body, "Give the group a name") || !strings.Contains(r.Body, "No user is called nobody") {
		t.Fatalf("invalid group: %d", r.StatusCode)
	}
	r := ada.PostForm("/chat/groups/new/", url.Values{"title": {"Physics"}, "members": {"@Bob cy"}})
	m := conversationRE.FindStringSubmatch(r.Header.Get("Location"))
	if r.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create group: %d %s", r.StatusCode, r.Body)
	}
	g := m[1]
	chatForm(t, bob, g, "hello physics")
	if p := ada.Get("/chat/"); !strings.Contains(p.Body, "Physics") || !strings.Contains(p.Body, "hello physics") {
		t.Error("group not in ada's list")
	}
	if p := ada.Get("/chat/conversation/" + g + "/"); !strings.Contains(p.Body, `class="msg__sender"`) || !strings.Contains(p.Body, "3 members") {
		t.Error("group page lacks sender names or the member count")
	}
	if r := bob.PostForm("/chat/conversation/"+g+"/members/", url.Values{"members": {"dee"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("member adds: %d", r.StatusCode)
	}
	if r := ada.PostForm("/chat/conversation/"+g+"/members/", url.Values{"members": {"dee"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("owner adds: %d", r.StatusCode)
	}
	if r := dee.Get("/chat/conversation/" + g + "/"); r.StatusCode != 200 {
		t.Errorf("new member's page: %d", r.StatusCode)
	}
	if r := ada.PostForm("/chat/conversation/"+g+"/members/"+chatUserID(t, app, "dee")+"/remove/", nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("remove: %d", r.StatusCode)
	}
	if r := dee.Get("/chat/conversation/" + g + "/"); r.StatusCode != http.StatusNotFound {
		t.Errorf("removed member's page: %d", r.StatusCode)
	}
	if r := ada.PostForm("/chat/conversation/"+g+"/rename/", url.Values{"title": {"Physics 101"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("rename: %d", r.StatusCode)
	}
	if r := bob.PostForm("/chat/conversation/"+g+"/leave/", nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("leave: %d", r.StatusCode)
	}
	if p := ada.Get("/chat/conversation/" + g + "/members/"); !strings.Contains(p.Body, "Physics 101") || strings.Contains(p.Body, "@bob") {
		t.Error("members page after rename and leave")
	}
	direct := startChat(t, app, ada, "bob")
	if r := ada.PostForm("/chat/conversation/"+direct+"/leave/", nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("leaving a direct conversation: %d", r.StatusCode)
	}
}

func TestChatDirectoryAndStart(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada := app.User("ada", "student")
	for i := range 25 {
		app.User(fmt.Sprintf("learner%02d", i), "student")
	}
	p := ada.Get("/chat/users/")
	if p.StatusCode != 200 || strings.Count(p.Body, `action="/chat/start/`) != 20 || !strings.Contains(p.Body, "?page=2") {
		t.Fatalf("directory page 1: %d, %d buttons", p.StatusCode, strings.Count(p.Body, `action="/chat/start/`))
	}
	if p := ada.Get("/chat/users/?page=2"); strings.Count(p.Body, `action="/chat/start/`) != 5 {
		t.Errorf("page 2 has %d people", strings.Count(p.Body, `action="/chat/start/`))
	}
	if p := ada.Get("/chat/users/?q=learner07"); strings.Count(p.Body, `action="/chat/start/`) != 1 {
		t.Errorf("search found %d", strings.Count(p.Body, `action="/chat/start/`))
	}
	if p := ada.Get("/chat/users/?q=%22%29%28*"); p.StatusCode != 200 {
		t.Errorf("odd search: %d", p.StatusCode)
	}
	other := chatUserID(t, app, "learner03")
	if p := ada.Get("/chat/start/" + other + "/"); p.StatusCode != 200 || !strings.Contains(p.Body, `method="post" action="/chat/start/`+other+`/"`) {
		t.Errorf("start page: %d", p.StatusCode)
	}
	conv := startChat(t, app, ada, "learner03")
	if r := ada.Get("/chat/start/" + other + "/"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/chat/conversation/"+conv+"/" {
		t.Errorf("start of an existing conversation: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := ada.PostForm("/chat/start/"+chatUserID(t, app, "ada")+"/", nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/chat/" {
		t.Errorf("chat with yourself: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := ada.PostForm("/chat/start/999999/", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown user: %d", r.StatusCode)
	}
}

// TestChatListQueriesBounded: /chat/ and a conversation page run the same number of
// statements with 2 conversations and with 25.
func TestChatListQueriesBounded(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	me := app.User("me", "student")
	cookie := ""
	for _, ck := range me.Jar.Cookies(mustURL(t, app.URL)) {
		cookie = ck.Name + "=" + ck.Value
	}
	measure := func(path string) int {
		ctx, qc := store.WithQueryCounter(context.Background())
		req := httptest.NewRequestWithContext(ctx, "GET", path, nil)
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		app.Server.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		return qc.Count()
	}
	var first string
	add := func(from, to int) {
		for i := from; i < to; i++ {
			name := fmt.Sprintf("friend%02d", i)
			c := app.User(name, "student")
			conv := startChat(t, app, c, "me")
			chatForm(t, c, conv, "hello from "+name)
			if first == "" {
				first = conv
			}
		}
	}
	add(0, 2)
	measure("/chat/")
	few := measure("/chat/")
	measure("/chat/conversation/" + first + "/") // reads it
	fewConv := measure("/chat/conversation/" + first + "/")
	add(2, 25)
	measure("/chat/")
	many := measure("/chat/")
	manyConv := measure("/chat/conversation/" + first + "/")
	t.Logf("/chat/: %d statements with 2 and with 25 conversations; a conversation page: %d", many, manyConv)
	if few != many || many > 8 {
		t.Errorf("/chat/ ran %d statements with 2 conversations and %d with 25", few, many)
	}
	if fewConv != manyConv || manyConv > 14 {
		t.Errorf("conversation page ran %d and %d statements", fewConv, manyConv)
	}
}

func TestChatWebRateLimit(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t, apptest.Options{Args: []string{"-limits", strings.Replace(apptest.RelaxedLimits[1], "chat=100000/1m", "chat=3/1m", 1)}})
	ada := app.User("ada", "student")
	app.User("bob", "student")
	conv := startChat(t, app, ada, "bob")
	for range 3 {
		if r := chatForm(t, ada, conv, "hi"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("send: %d", r.StatusCode)
		}
	}
	r := chatForm(t, ada, conv, "too many")
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.Body, "too quickly") {
		t.Errorf("over the limit: %d %v", r.StatusCode, r.Header.Get("Retry-After"))
	}
}

// TestChatStartComposesTheFirstMessage: "Message" opens a compose page that writes
// nothing; sending the first message creates the conversation (issue 14), and an
// empty one is refused with the field named.
func TestChatStartComposesTheFirstMessage(t *testing.T) {
	t.Parallel()
	app := apptest.StartRelaxed(t)
	ada, bob := app.User("ada", "student"), app.User("bob", "student")
	path := "/chat/start/" + chatUserID(t, app, "bob") + "/"
	if p := ada.Get(path); p.StatusCode != 200 || !strings.Contains(p.Body, `name="message"`) || !strings.Contains(p.Body, `method="post" action="`+path+`"`) {
		t.Fatalf("compose page: %d", p.StatusCode)
	}
	// The button's old POST without a message still only shows the page.
	if p := ada.PostForm(path, nil); p.StatusCode != 200 || !strings.Contains(p.Body, `name="message"`) {
		t.Errorf("post without the field: %d", p.StatusCode)
	}
	if p := ada.PostForm(path, url.Values{"message": {"  "}}); p.StatusCode != http.StatusBadRequest || !strings.Contains(p.Body, "Write a message to start the conversation.") {
		t.Errorf("blank first message: %d", p.StatusCode)
	}
	if p := ada.PostForm(path, url.Values{"message": {"hi\x00"}}); p.StatusCode != http.StatusBadRequest || !strings.Contains(p.Body, "U+0000") {
		t.Errorf("NUL in the first message: %d", p.StatusCode)
	}
	adaID, _ := strconv.ParseInt(chatUserID(t, app, "ada"), 10, 64)
	if n, err := app.State.Chat.CountConversations(context.Background(), adaID); err != nil || n != 0 {
		t.Fatalf("conversations before the first message: %d %v", n, err)
	}
	if id, err := app.State.Chat.ExistingDirect(context.Background(), adaID, mustID(t, app, "bob")); err != nil || id != 0 {
		t.Fatalf("a conversation was created without a message: %d %v", id, err)
	}
	r := ada.PostForm(path, url.Values{"message": {"Hello Bob"}})
	m := conversationRE.FindStringSubmatch(r.Header.Get("Location"))
	if r.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("send the first message: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if p := bob.Get("/chat/"); !strings.Contains(p.Body, `data-chat-item="`+m[1]+`"`) || !strings.Contains(p.Body, "Hello Bob") {
		t.Error("bob's list lacks the new conversation")
	}
	// Now the button goes straight to it.
	if r := ada.Get(path); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/chat/conversation/"+m[1]+"/" {
		t.Errorf("reopen: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}
