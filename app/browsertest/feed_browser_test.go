package browsertest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
)

// logIn signs a browser in through the login form.
func logIn(t *testing.T, b *Browser, app *apptest.App, username string) {
	t.Helper()
	b.Navigate(app.URL + "/login/")
	b.SetValue("#id_username", username)
	b.SetValue("#id_password", apptest.Password)
	b.Submit("form[action='/login/']")
}

func testImage(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for x := range 320 {
		for y := range 200 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 180, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	path := filepath.Join(t.TempDir(), "diagram.png")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFeedLive: A posts an image mentioning B; B's bell counts up without a reload;
// B likes and comments; A sees both counts change live.
func TestFeedLive(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("alice", "student")
	app.User("bob", "student")

	a := New(t)
	logIn(t, a, app, "alice")
	b := New(t)
	logIn(t, b, app, "bob")
	for _, br := range []*Browser{a, b} {
		br.WaitJS(`document.documentElement.dataset.live === "open"`)
	}
	if b.Visible(".bell__button [data-unread-badge]") {
		t.Fatal("bob's bell shows a count before anything happened")
	}

	// Alice posts an image with a mention, through the composer.
	a.SetValue("[data-composer] textarea[name=content]", `Look at this diagram, @bob! <script>alert(1)</script>`)
	a.UploadFile("#composer-image", testImage(t))
	a.WaitVisible("[data-composer-preview] img")
	a.Click("[data-composer] button[type=submit]")
	a.WaitVisible("#feed-list article[data-post-id] img")
	a.Screenshot("alice-posted")
	var postID int64
	a.Eval(`Number(document.querySelector("#feed-list article[data-post-id]").dataset.postId)`, &postID)
	if postID == 0 {
		t.Fatal("no post card after posting")
	}
	card := "#post-" + strconv.FormatInt(postID, 10)

	// Bob's bell counts up live, and the new-post banner offers the post.
	b.WaitVisible(".bell__button [data-unread-badge]")
	if got := strings.TrimSpace(b.Text(".bell__button [data-unread-badge]")); got != "1" {
		t.Errorf("bob's bell = %q, want 1", got)
	}
	// The toast and the bell panel name Alice as the site does, not by her username.
	b.WaitJS(`Array.from(document.querySelectorAll(".toast__msg")).some(m => m.textContent.includes("Alice Tester mentioned you in a post"))`)
	b.Click(".bell [data-menu-button]")
	b.WaitJS(`Array.from(document.querySelectorAll("[data-bell-list] .bell__text")).some(m => m.textContent === "Alice Tester mentioned you in a post")`)
	b.Click(".bell [data-menu-button]")
	b.WaitVisible("[data-new-posts]")
	b.Screenshot("bob-bell")
	b.Click("[data-new-posts]")
	b.WaitVisible(card + " img")
	if got := b.Text(card + " [data-post-content]"); !strings.Contains(got, "<script>alert(1)</script>") {
		t.Errorf("post text = %q; the markup must show as text", got)
	}
	var scripts int
	b.Eval(`document.querySelectorAll("`+card+` script").length`, &scripts)
	if scripts != 0 {
		t.Fatal("a script element came from the post content")
	}

	// Bob likes and comments; Alice's counts change without a reload.
	b.Click(card + " [data-like-btn]")
	b.WaitJS(`document.querySelector("` + card + ` [data-like-btn]").getAttribute("aria-pressed") === "true"`)
	b.SetValue(card+" form[data-ajax=comment] textarea", "Great diagram!")
	b.Click(card + " form[data-ajax=comment] button[type=submit]")
	b.WaitJS(`document.querySelector("` + card + ` [data-comments]").textContent.includes("Great diagram!")`)

	a.WaitJS(`document.querySelector("` + card + ` [data-like-count]").textContent.trim() === "1"`)
	a.WaitJS(`document.querySelector("` + card + ` [data-comment-count]").textContent.trim().startsWith("1")`)
	a.WaitJS(`document.querySelector("` + card + ` [data-comments]").textContent.includes("Great diagram!")`)
	a.WaitVisible(".bell__button [data-unread-badge]") // like and comment notifications
	a.Screenshot("alice-live-counts")

	// The rest of the card's actions, as feed.js sends them (fragments and the API).
	// Alice edits her post in place.
	a.SetValue(card+" form[data-ajax=edit-post] textarea", "Edited: the diagram, @bob")
	scriptSubmit(a, card+" form[data-ajax=edit-post]")
	a.WaitJS(`document.querySelector("` + card + ` [data-post-content]").textContent.includes("Edited: the diagram")`)
	// Bob deletes his comment; the count goes back to 0 for him and, live, for Alice.
	scriptSubmit(b, card+" form[data-ajax=delete-comment]")
	b.WaitJS(`!document.querySelector("` + card + ` [data-comments]").textContent.includes("Great diagram!")`)
	a.WaitJS(`document.querySelector("` + card + ` [data-comment-count]").textContent.trim().startsWith("0")`)
	// Alice marks her notifications read on the notifications page, one, then all.
	a.Navigate(app.URL + "/home/notifications/")
	a.WaitVisible("form[data-ajax=read]")
	var unread int
	a.Eval(`document.querySelectorAll(".notif--unread").length`, &unread)
	scriptSubmit(a, "form[data-ajax=read]")
	a.WaitJS(`document.querySelectorAll(".notif--unread").length === ` + strconv.Itoa(unread-1))
	scriptSubmit(a, "form[data-ajax=read-all]")
	a.WaitJS(`document.querySelectorAll(".notif--unread").length === 0`)
	a.WaitNotVisible(".bell__button [data-unread-badge]")
	// And deletes the post: gone from Bob's feed too.
	a.Navigate(app.URL + "/home/")
	scriptSubmit(a, card+" form[data-ajax=delete-post]")
	a.WaitJS(`!document.querySelector("` + card + `")`)
	b.WaitJS(`!document.querySelector("` + card + `")`)
}

// scriptSubmit submits a form the way a click on its button does (submit handlers
// run), for forms that feed.js sends without loading a page.
func scriptSubmit(b *Browser, sel string) {
	b.t.Helper()
	b.Eval(`document.querySelector(`+strconv.Quote(sel)+`).requestSubmit(), true`, new(bool))
}
