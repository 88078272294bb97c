package browsertest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// lastTick is a script that reports the state of the newest of my messages' ticks.
const lastTick = `(() => {
	const t = Array.from(document.querySelectorAll(".msg--mine [data-ticks]")).pop();
	return t ? t.className : "";
})()`

// TestChatLive: two people in two browsers hold a conversation — typing shows, the
// sender's ticks turn to read, an image attachment arrives — while a third person,
// on the chat page the whole time, sees none of it.
func TestChatLive(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("alice", "student")
	app.User("bob", "student")
	app.User("carol", "student")
	ctx := context.Background()
	alice, _ := app.State.DB.UserByUsername(ctx, "alice")
	bob, _ := app.State.DB.UserByUsername(ctx, "bob")
	res, err := app.State.Chat.StartDirect(ctx, alice, bob.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	convID := strconv.FormatInt(res.ConversationID, 10)
	convURL := app.URL + "/chat/conversation/" + convID + "/"

	a, b, c := New(t), New(t), New(t)
	logIn(t, a, app, "alice")
	logIn(t, b, app, "bob")
	logIn(t, c, app, "carol")
	a.Navigate(convURL)
	b.Navigate(convURL)
	c.Navigate(app.URL + "/chat/")
	for _, br := range []*Browser{a, b, c} {
		br.WaitJS(`document.documentElement.dataset.live === "open"`)
	}
	// The conversation has no message yet: it is in nobody's list.
	var items int
	a.Eval(`document.querySelectorAll("[data-chat-item]").length`, &items)
	if items != 0 {
		t.Errorf("alice's list shows %d conversations before anyone wrote", items)
	}
	// Presence: bob sees alice online.
	b.WaitJS(`document.querySelector("[data-convo-status]").textContent.trim() === "Online"`)

	// Typing shows on bob's side.
	a.Type("#chat-input", "Hello Bob, ")
	b.WaitJS(`document.querySelector("[data-typing]").textContent.includes("is typing")`)
	b.Screenshot("bob-sees-typing")

	// The message arrives; bob is looking, so alice's ticks turn to read.
	a.SetValue("#chat-input", "Hello Bob, the notes are at https://example.com/notes <b>now</b>")
	a.Click("[data-chat-composer] button[type=submit]")
	b.WaitJS(`document.querySelector("[data-messages]").textContent.includes("the notes are at")`)
	b.WaitJS(`document.querySelector("[data-typing]").textContent === ""`)
	if got := b.Attr(".msg:not(.msg--mine) a.ext-link", "href"); got != "https://example.com/notes" {
		t.Errorf("link href = %q", got)
	}
	if got := b.Text(".msg:not(.msg--mine) .msg__text"); !strings.Contains(got, "<b>now</b>") {
		t.Errorf("message text %q: markup must show as text", got)
	}
	a.WaitJS(lastTick + `.includes("ticks--read")`)
	a.Screenshot("alice-read-ticks")
	// Her first message put the conversation in her list (a fragment chat.js fetched).
	a.WaitJS(`document.querySelector('[data-chat-list] [data-chat-item="` + convID + `"]') !== null`)

	// Bob answers with an image; it shows inline for both.
	b.UploadFile("#chat-file", testImage(t))
	b.WaitVisible("[data-chat-preview] img")
	b.SetValue("#chat-input", "Here is the diagram")
	b.Click("[data-chat-composer] button[type=submit]")
	b.WaitVisible(".msg--mine .msg__image img")
	a.WaitVisible(".msg:not(.msg--mine) .msg__image img")
	a.WaitJS(`document.querySelector(".msg:not(.msg--mine) .msg__image img").naturalWidth === 320`)
	a.Screenshot("alice-got-image")
	b.WaitJS(lastTick + `.includes("ticks--read")`)

	// A refused message: the reason (the API's error JSON) shows by the composer.
	a.AllowConsoleErrors("400 (Bad Request) [" + app.URL + "/chat/conversation/" + convID + "/send/]") // the browser logs the 400
	a.SetValue("#chat-input", "\x00oops")
	a.Click("[data-chat-composer] button[type=submit]")
	a.WaitJS(`document.querySelector("[data-chat-error]").textContent.includes("control character U+0000")`)
	a.SetValue("#chat-input", "")

	// Alice edits her first message in place (a fragment request) and bob sees the
	// change live; then she deletes it (the chat API) and it reads as deleted for both.
	var first string
	a.Eval(`document.querySelector(".msg--mine").dataset.messageId`, &first)
	msg := "#message-" + first
	a.SetValue(msg+" form[data-chat-edit] textarea", "Hello Bob, the notes are ready")
	scriptSubmit(a, msg+" form[data-chat-edit]")
	for _, br := range []*Browser{a, b} {
		br.WaitJS(`document.querySelector("` + msg + ` .msg__text").textContent.includes("the notes are ready")`)
		br.WaitJS(`document.querySelector("` + msg + ` .msg__edited") !== null`)
	}
	scriptSubmit(a, msg+" form[data-chat-delete]")
	for _, br := range []*Browser{a, b} {
		br.WaitJS(`document.querySelector("` + msg + `").textContent.includes("This message was deleted.")`)
	}
	b.Screenshot("bob-sees-deleted")

	// carol saw nothing: no conversation in her list, no message anywhere on her page.
	c.Eval(`document.querySelectorAll("[data-chat-item]").length`, &items)
	var body string
	c.Eval(`document.body.textContent`, &body)
	if items != 0 || strings.Contains(body, "Hello Bob") || strings.Contains(body, "diagram") {
		t.Errorf("carol sees %d conversations; page mentions the messages: %v", items, strings.Contains(body, "Hello Bob"))
	}
	if r := app.Client().Get("/chat/"); r.StatusCode != 302 {
		t.Errorf("anonymous /chat/: %d", r.StatusCode)
	}
	c.Screenshot("carol-sees-nothing")

	// On a phone the open conversation takes the screen; its back link shows the list.
	b.SetViewport(390, 800)
	if b.Visible(".chat__sidebar") || !b.Visible(".convo__back") || !b.Visible("[data-chat-composer]") {
		t.Errorf("small screen: sidebar %v, back link %v", b.Visible(".chat__sidebar"), b.Visible(".convo__back"))
	}
	b.Screenshot("bob-phone")
}

// TestChatStartEmojiAndDrop: "Message" on the people list opens a compose page and no
// conversation exists until the first message, which the emoji picker helps write
// (inserted at the cursor); in the conversation a file dropped on it is attached and
// sent.
func TestChatStartEmojiAndDrop(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("alice", "student")
	app.User("bob", "student")
	a := New(t)
	logIn(t, a, app, "alice")
	a.Navigate(app.URL + "/chat/users/?q=bob")
	a.ClickAndWait(".chat-users form.message-btn button")
	a.WaitVisible("#chat-start-message")
	ctx := context.Background()
	alice, _ := app.State.DB.UserByUsername(ctx, "alice")
	bob, _ := app.State.DB.UserByUsername(ctx, "bob")
	if id, err := app.State.Chat.ExistingDirect(ctx, alice.ID, bob.ID); err != nil || id != 0 {
		t.Fatalf("opening the compose page created conversation %d (%v)", id, err)
	}
	// The emoji goes where the cursor is, not at the end.
	a.SetValue("#chat-start-message", "Hi Bob!")
	a.Eval(`(() => { const f = document.getElementById("chat-start-message"); f.focus(); f.setSelectionRange(2, 2); return true; })()`, new(bool))
	a.Click("[data-emoji-toggle]")
	a.WaitVisible(".emoji__panel")
	a.Click(`.emoji__btn[data-emoji-char="👋"]`)
	a.WaitNotVisible(".emoji__panel")
	var got string
	a.Eval(`document.getElementById("chat-start-message").value`, &got)
	if got != "Hi👋 Bob!" {
		t.Fatalf("after the emoji: %q", got)
	}
	a.ClickAndWait(".chat-start__form button[type=submit]")
	a.WaitVisible("[data-convo]")
	a.WaitJS(`document.querySelector("[data-messages]").textContent.includes("Hi👋 Bob!")`)
	a.WaitJS(`document.querySelector("[data-chat-list] [data-chat-item]") !== null`)

	// Drop a file on the conversation: it is attached (previewed) and sent.
	a.WaitJS(`document.documentElement.dataset.live === "open"`)
	a.Eval(`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File(["week 3 notes"], "notes.txt", { type: "text/plain" }));
		const zone = document.querySelector("[data-convo]");
		zone.dispatchEvent(new DragEvent("dragenter", { dataTransfer: dt, bubbles: true, cancelable: true }));
		zone.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
		return true;
	})()`, new(bool))
	a.WaitJS(`document.querySelector("[data-chat-preview]").textContent.includes("notes.txt")`)
	a.WaitJS(`document.querySelector("[data-chat-drop]").hidden`)
	a.Click("[data-chat-composer] button[type=submit]")
	a.WaitJS(`Array.from(document.querySelectorAll(".msg--mine")).some(m => m.textContent.includes("notes.txt"))`)
	a.Screenshot("alice-dropped-a-file")
	// The attach control is an icon button with a name.
	if label := a.Text("[data-chat-attach] .visually-hidden"); !strings.Contains(label, "Attach a file") {
		t.Errorf("attach label %q", label)
	}
}

// TestChatGroupMemberSearch: the new group form finds people by name (the users
// search API) and adds their usernames; the group is created with them.
func TestChatGroupMemberSearch(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("alice", "student")
	app.User("bob", "student")
	app.User("carol", "student")
	a := New(t)
	logIn(t, a, app, "alice")
	a.Navigate(app.URL + "/chat/groups/new/")
	a.SetValue("#id_title", "Study group")
	a.WaitVisible(".member-picker [role=combobox]")
	a.Type(".member-picker [role=combobox]", "bob")
	a.WaitVisible(".member-picker [role=option]")
	a.Click(".member-picker [role=option]")
	a.Type(".member-picker [role=combobox]", "caro")
	a.WaitVisible(".member-picker [role=option]")
	a.Eval(`(() => { const q = document.querySelector(".member-picker [role=combobox]");
		q.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
		q.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
		return true; })()`, new(bool))
	a.WaitJS(`document.querySelector("[data-member-picker]").value === "bob, carol"`)
	a.Screenshot("group-members-picked")
	a.ClickAndWait("form[action='/chat/groups/new/'] button[type=submit]")
	a.WaitVisible("[data-convo]")
	ctx := context.Background()
	bob, _ := app.State.DB.UserByUsername(ctx, "bob")
	carol, _ := app.State.DB.UserByUsername(ctx, "carol")
	for _, u := range []int64{bob.ID, carol.ID} {
		if n, err := app.State.Chat.CountConversations(ctx, u); err != nil || n != 1 {
			t.Errorf("user %d is in %d conversations (%v)", u, n, err)
		}
	}
}
