// E-Platform — hand-ins. Every page works without it; this adds: the student's open
// assignment page shows a new grade as soon as it is given (the assignment_graded
// notification names the page; the hand-in part is fetched again as a fragment,
// X-Fragment: 1), and a file over the 25 MB limit is refused before it is sent.
(function () {
  "use strict";
  var doc = document;
  var ep = window.ep || {};

  function toast(msg, kind) { if (ep.toast) ep.toast(msg, kind || "error"); }

  function wireForm(scope) {
    var form = scope.querySelector("[data-hand-in-form]");
    if (!form) return;
    form.addEventListener("submit", function (e) {
      var input = form.querySelector("input[type=file]");
      var max = input ? parseInt(input.getAttribute("data-max-bytes"), 10) : 0;
      var file = input && input.files && input.files[0];
      if (file && max && file.size > max) {
        e.preventDefault();
        toast("The file is too large: at most " + Math.round(max / 1048576) + " MB.");
        return;
      }
      var btn = form.querySelector("[data-busy-text]");
      if (btn) { btn.disabled = true; btn.textContent = btn.getAttribute("data-busy-text"); }
    });
  }

  // refresh fetches the hand-in part again and puts it in place of the old one.
  function refresh(panel) {
    return fetch(panel.getAttribute("data-fragment-url"), {
      credentials: "same-origin", headers: { "X-Fragment": "1" }
    }).then(function (res) {
      if (!res.ok) throw new Error("status " + res.status);
      return res.text();
    }).then(function (html) {
      var box = doc.createElement("div");
      box.innerHTML = html; // our own server-rendered, escaped fragment
      var fresh = box.querySelector("[data-hand-in]");
      if (!fresh) return;
      panel.replaceWith(fresh);
      wireForm(fresh);
      var grade = fresh.querySelector("[data-grade]");
      if (grade) grade.classList.add("is-new");
    });
  }

  var panel = doc.querySelector("[data-hand-in]");
  if (!panel) return;
  wireForm(panel);
  if (ep.live) {
    ep.live.on("notification", function (m) {
      var n = m.notification || {};
      if (n.notification_type !== "assignment_graded" || !n.url) return;
      var path;
      try { path = new URL(n.url, location.href).pathname; } catch (e) { return; }
      var current = doc.querySelector("[data-hand-in]");
      if (path !== location.pathname || !current) return;
      refresh(current).catch(function () { location.reload(); });
    });
  }
})();
