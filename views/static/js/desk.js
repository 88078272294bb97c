// Appointment actions without a page reload: the form posts with Accept: JSON and the
// card is replaced by the answer's HTML. Without JavaScript the forms post normally.
(function () {
  "use strict";
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.closest("[data-appointment]")) return;
    ev.preventDefault();
    var card = form.closest("[data-appointment]");
    var buttons = card.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, { method: "POST", headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (res.ok && res.body.html) {
          var tpl = document.createElement("template");
          tpl.innerHTML = res.body.html.trim();
          card.replaceWith(tpl.content.firstElementChild);
        } else {
          buttons.forEach(function (b) { b.disabled = false; });
          window.alert((res.body && res.body.detail) || "That did not work. Please try again.");
        }
      })
      .catch(function () { form.submit(); });
  });
})();

// "My appointments" follows the other side's changes: an appointment notification
// arriving over the page's socket reloads the list in place.
(function () {
  "use strict";
  var list = document.querySelector("[data-appointments-list]");
  var live = window.ep && window.ep.live;
  if (!list || !live || typeof live.on !== "function") return;
  live.on("notification", function (m) {
    var n = (m && m.notification) || {};
    if (n.notification_type !== "appointment") return;
    fetch(location.pathname, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-appointments-list]");
        if (fresh) list.replaceChildren.apply(list, Array.prototype.slice.call(fresh.childNodes));
      })
      .catch(function () { /* the bell still shows the news */ });
  });
})();
