package browsertest

import (
	"testing"

	"eplatform/app/apptest"
)

// TestToastsCoverNothing: a toast never covers the open bell panel, the feed's
// composer or its button, on a laptop and on a phone.
func TestToastsCoverNothing(t *testing.T) {
	app := apptest.StartRelaxed(t)
	app.User("ada", "student")
	b := New(t)
	logIn(t, b, app, "ada")
	for _, size := range []struct{ w, h int }{{1280, 800}, {360, 740}} {
		b.SetViewport(size.w, size.h)
		b.Navigate(app.URL + "/home/")
		b.WaitVisible("[data-composer]")
		b.Eval(`ep.toast("A toast long enough to take two lines on a phone, as real ones do.", "info"), true`, nil)
		b.WaitVisible(".toast")
		b.Click(".bell__button")
		b.WaitVisible("#bell-panel")
		var overlaps []string
		b.Eval(`(function(){
			var toast = document.querySelector(".toast").getBoundingClientRect(), out = [];
			[["bell panel", "#bell-panel"], ["composer", "[data-composer] textarea"], ["composer button", "[data-composer] button[type=submit]"]].forEach(function (p) {
				var el = document.querySelector(p[1]);
				if (!el) { out.push(p[0] + " missing"); return; }
				var r = el.getBoundingClientRect();
				if (r.width && toast.left < r.right && r.left < toast.right && toast.top < r.bottom && r.top < toast.bottom) out.push(p[0]);
			});
			return out;
		})()`, &overlaps)
		if len(overlaps) > 0 {
			b.Screenshot("toast-overlap")
			t.Errorf("at %d×%d the toast covers: %v", size.w, size.h, overlaps)
		}
	}
}
