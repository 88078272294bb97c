// Appointment actions without a page reload: the form is sent with "X-Fragment: 1"
// and the card is replaced by the answer, the card as the server renders it (every
// user byte escaped by templ). A refusal comes back as the API's error JSON
// ({"detail": …} or {"field": [...]}). Without JavaScript the forms post normally.
(function () {
  "use strict";
  function message(body) {
    if (!body || typeof body !== "object") return "That did not work. Please try again.";
    if (body.detail) return body.detail;
    for (var k in body) {
      if (Object.prototype.hasOwnProperty.call(body, k) && body[k] && body[k].length) return String(body[k][0]);
    }
    return "That did not work. Please try again.";
  }
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.closest("[data-appointment]")) return;
    ev.preventDefault();
    var card = form.closest("[data-appointment]");
    var buttons = card.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    fetch(form.action, { method: "POST", headers: { "X-Fragment": "1" }, body: new FormData(form), credentials: "same-origin" })
      .then(function (r) {
        var type = r.headers.get("Content-Type") || "";
        if (r.ok && /html/.test(type) && !/\/login\/$/.test(r.url.replace(/[?#].*$/, ""))) {
          return r.text().then(function (html) { return { html: html }; });
        }
        if (/json/.test(type)) return r.json().then(function (body) { return { error: message(body) }; });
        return Promise.reject(new Error("HTTP " + r.status)); // a redirect to the login page, or a proxy's page
      })
      .then(function (res) {
        if (res.html) {
          var tpl = document.createElement("template");
          tpl.innerHTML = res.html.trim();
          var fresh = tpl.content.firstElementChild;
          if (fresh) { card.replaceWith(fresh); return; }
        }
        buttons.forEach(function (b) { b.disabled = false; });
        window.alert(res.error || "That did not work. Please try again.");
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
