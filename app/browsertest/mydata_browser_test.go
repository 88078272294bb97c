package browsertest_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"eplatform/app/apptest"
	"eplatform/app/browsertest"
	"eplatform/app/store"
)

// TestMyDataDownloadDeleteAndComeBack: a student finds "Your data" from the profile
// editor, downloads the zip, asks to delete the account (confirming the dialog), is
// signed out with the date, and signing in again cancels the deletion, which a toast
// says.
func TestMyDataDownloadDeleteAndComeBack(t *testing.T) {
	app := apptest.Start(t)
	app.Account("maya", "student")
	b := browsertest.New(t)
	logIn(t, b, app, "maya")

	b.Navigate(app.URL + "/home/me/edit/")
	b.ClickAndWait(`a.tabs__tab[href="/home/me/data/"]`)
	expectLocation(t, b, app.URL+"/home/me/data/")
	b.Screenshot("your-data")

	// The download, with the browser's own session.
	href := b.Attr("[data-export-link]", "href")
	var got struct {
		Status            int
		Type, Disposition string
		Magic             string
		Size              int
	}
	b.Eval(`fetch(`+strconv.Quote(href)+`).then(async r => { const buf = new Uint8Array(await r.arrayBuffer());
		return {status: r.status, type: r.headers.get("content-type"), disposition: r.headers.get("content-disposition"),
			magic: String.fromCharCode(buf[0], buf[1]), size: buf.length}; })`, &got)
	if got.Status != 200 || got.Type != "application/zip" || got.Magic != "PK" || got.Size < 500 ||
		!strings.Contains(got.Disposition, "eplatform-data-maya-") {
		t.Fatalf("download: %+v", got)
	}

	// Delete the account: the password, then the confirmation dialog.
	b.Type("#id_password", apptest.Password)
	b.Submit(`form[action="/home/me/data/delete/"]`)
	b.WaitVisible("[data-deletion-scheduled]")
	if d := b.Dialogs(); len(d) != 1 || !strings.Contains(d[0], "Delete your account?") {
		t.Errorf("dialogs: %q", d)
	}
	if txt := b.Text("[data-deletion-scheduled]"); !strings.Contains(txt, "2026-12-09") {
		t.Errorf("the page does not say when: %q", txt)
	}
	b.Screenshot("deletion-scheduled")
	ctx := context.Background()
	maya, err := app.State.DB.UserByUsername(ctx, "maya")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.State.DB.DeletionOf(ctx, maya.ID); err != nil {
		t.Fatalf("no deletion scheduled: %v", err)
	}

	// Signed out: the feed asks to sign in.
	b.Navigate(app.URL + "/home/")
	if !strings.HasPrefix(b.Location(), app.URL+"/login/") {
		t.Fatalf("still signed in: %s", b.Location())
	}

	// Coming back cancels it, and says so.
	logIn(t, b, app, "maya")
	b.WaitVisible(".toast")
	if txt := b.Text(".toast"); !strings.Contains(txt, "signing in cancelled that") {
		t.Errorf("toast: %q", txt)
	}
	b.Screenshot("deletion-cancelled")
	if _, err := app.State.DB.DeletionOf(ctx, maya.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the deletion is still scheduled: %v", err)
	}
}
