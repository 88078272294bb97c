// E-Platform live connection: one WebSocket per tab to /ws/, reconnected with backoff,
// and a tiny event bus other scripts use: ep.live.on("comment_added", fn). It also
// drives the header bell (unread badge, dropdown panel) and toasts new notifications.
// Text from the server always goes in with textContent.
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;
  var ep = window.ep || (window.ep = {});
  // The viewer's zone (app.js); a page without app.js falls back to the device's.
  var zone = ep.zone || { full: function (d) { return d.toLocaleString(); }, opts: function (o) { return o; } };
  var PING_MS = 25000;
  var MAX_DELAY = 30000;

  // ---- event bus -------------------------------------------------------------------
  var handlers = {};
  function on(type, fn) {
    (handlers[type] = handlers[type] || []).push(fn);
    return function off() {
      var list = handlers[type] || [];
      var i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    };
  }
  function emit(type, msg) {
    (handlers[type] || []).slice().forEach(function (fn) {
      try { fn(msg); } catch (err) { if (window.console) console.error(err); }
    });
  }

  // ---- socket ------------------------------------------------------------------------
  var ws = null;
  var attempt = 0;
  var retryTimer = null;
  var pingTimer = null;
  function setState(s) {
    root.dataset.live = s;
    emit("state", s);
  }
  function socketURL() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/";
  }
  function connect() {
    window.clearTimeout(retryTimer);
    retryTimer = null;
    if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) return;
    var sock;
    try { sock = new WebSocket(socketURL()); } catch (e) { schedule(); return; }
    ws = sock;
    sock.onopen = function () {
      attempt = 0;
      setState("open");
      window.clearInterval(pingTimer);
      pingTimer = window.setInterval(function () { send({ type: "ping" }); }, PING_MS);
    };
    sock.onmessage = function (e) {
      var msg;
      try { msg = JSON.parse(e.data); } catch (err) { return; }
      if (!msg || typeof msg.type !== "string") return;
      emit(msg.type, msg);
      emit("*", msg);
    };
    sock.onclose = function (e) {
      if (ws !== sock) return;
      ws = null;
      window.clearInterval(pingTimer);
      setState("closed");
      // 4008: the user opened more tabs than the server keeps sockets for, and this was
      // the oldest. Reconnecting now would close another tab in turn; it reconnects
      // when it is looked at again (visibilitychange below).
      if (e && e.code === 4008) return;
      schedule();
    };
    sock.onerror = function () { /* onclose follows and schedules the retry */ };
  }
  // 1 s × 1.5^n up to 30 s, forever; reset by a successful open.
  function schedule() {
    if (retryTimer) return;
    var delay = Math.min(MAX_DELAY, 1000 * Math.pow(1.5, attempt));
    attempt++;
    retryTimer = window.setTimeout(connect, delay);
  }
  function send(obj) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(obj));
    return true;
  }
  // Back online or back to a hidden tab that lost its socket: retry now, not after the delay.
  window.addEventListener("online", function () { if (!ws) { attempt = 0; connect(); } });
  doc.addEventListener("visibilitychange", function () {
    if (doc.visibilityState === "visible" && !ws) { attempt = 0; connect(); }
  });

  // ---- shared helpers ----------------------------------------------------------------
  // ago turns an ISO time into "just now", "5 min ago", "3 h ago", "2 d ago" or a date.
  function ago(iso) {
    var t = Date.parse(iso);
    if (isNaN(t)) return "";
    var s = Math.max(0, (Date.now() - t) / 1000);
    if (s < 60) return "just now";
    if (s < 3600) return Math.floor(s / 60) + " min ago";
    if (s < 86400) return Math.floor(s / 3600) + " h ago";
    if (s < 7 * 86400) return Math.floor(s / 86400) + " d ago";
    return new Date(t).toLocaleDateString(undefined, zone.opts({ day: "numeric", month: "short", year: "numeric" }));
  }
  // Times on pages (time[data-rel]) show "3 h ago", with the full date in the viewer's
  // zone as a tooltip (the server's title, or app.js's), and stay current: kept
  // fragments carry the absolute time in the viewer's zone, named, which is also what
  // a browser without JavaScript shows.
  function relTimes(scope) {
    Array.prototype.forEach.call((scope || doc).querySelectorAll("time[datetime][data-rel]"), function (t) {
      var iso = t.getAttribute("datetime");
      var rel = ago(iso);
      if (rel && t.textContent !== rel) t.textContent = rel;
      if (!t.title) t.title = zone.full(new Date(Date.parse(iso)));
    });
  }
  relTimes();
  window.setInterval(function () { relTimes(); }, 60000);
  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  // Only same-site paths become links; anything else (javascript:, other hosts) goes
  // to the notifications page.
  function localPath(u) {
    return typeof u === "string" && /^\/(?![/\\])/.test(u) ? u : "/home/notifications/";
  }
  var TYPE_ICONS = {
    mention: "user", comment: "comment", like: "heart", enrollment: "book",
    quiz_completed: "quiz", quiz_graded: "quiz", quiz_attempt: "quiz",
    appointment: "calendar", message: "chat", assignment_graded: "check"
  };
  function typeIcon(t) { return TYPE_ICONS[t] || "bell"; }
  function personName(p) {
    if (!p) return "";
    var n = [p.first_name, p.last_name].filter(Boolean).join(" ");
    return n || p.username || "";
  }
  function initials(p) {
    if (!p) return "?";
    var s = (p.first_name ? Array.from(p.first_name)[0] : "") + (p.last_name ? Array.from(p.last_name)[0] : "");
    return (s || Array.from(p.username || "?")[0] || "?").toUpperCase();
  }
  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
  }
  function postJSON(url, keepalive) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: { Accept: "application/json", "Content-Type": "application/json" }, body: "{}"
    }).then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
  }

  // ---- bell panel --------------------------------------------------------------------
  var bell = doc.querySelector("[data-bell]");
  var panelList = bell && bell.querySelector("[data-bell-list]");
  var panelStatus = bell && bell.querySelector("[data-bell-status]");
  var panelLoaded = false;
  var loading = false;

  function bellItem(n) {
    var li = el("li");
    li.setAttribute("data-notification-id", String(n.id));
    var a = el("a", "bell__item" + (n.is_read ? "" : " is-unread"));
    a.href = localPath(n.url);
    a.setAttribute("data-notification-id", String(n.id));
    var fig = el("span", "bell__figure");
    fig.setAttribute("aria-hidden", "true");
    var badge = el("span", "notif__type notif__type--solo notif__type--" + typeIcon(n.notification_type));
    badge.appendChild(ep.icon(typeIcon(n.notification_type)));
    fig.appendChild(badge);
    a.appendChild(fig);
    var body = el("span", "bell__body");
    if (!n.is_read) body.appendChild(el("span", "visually-hidden", "Unread: "));
    body.appendChild(el("span", "bell__text", n.display_text || n.text || (personName(n.sender) + " sent you a notification")));
    var time = el("time", "bell__time", ago(n.created_at));
    if (n.created_at) time.setAttribute("datetime", n.created_at);
    body.appendChild(time);
    a.appendChild(body);
    if (!n.is_read) { var dot = el("span", "bell__dot"); dot.setAttribute("aria-hidden", "true"); a.appendChild(dot); }
    li.appendChild(a);
    return li;
  }
  function setStatus(text) { if (panelStatus) panelStatus.textContent = text; }
  function loadPanel() {
    if (!panelList || loading) return;
    loading = true;
    if (!panelLoaded) setStatus("Loading…");
    getJSON("/api/notifications/?page_size=10").then(function (data) {
      var items = (data && data.results) || [];
      panelList.textContent = "";
      items.forEach(function (n) { panelList.appendChild(bellItem(n)); });
      panelLoaded = true;
      setStatus(items.length ? "" : "No notifications yet.");
    }).catch(function () {
      setStatus("Could not load notifications.");
    }).then(function () { loading = false; });
  }
  function panelOpen() {
    var b = bell && bell.querySelector("[data-menu-button]");
    return !!b && b.getAttribute("aria-expanded") === "true";
  }
  function markItemRead(id) {
    $all('[data-notification-id="' + id + '"]').forEach(function (n) {
      n.classList.remove("is-unread", "notif--unread");
      var dot = n.querySelector(".bell__dot");
      if (dot) dot.remove();
    });
  }
  function $all(sel, scope) { return Array.prototype.slice.call((scope || doc).querySelectorAll(sel)); }

  if (bell) {
    // app.js opens and closes the panel ([data-menu]); this listener runs after it.
    doc.addEventListener("click", function (e) {
      var t = e.target.closest ? e.target : e.target.parentElement;
      if (!t) return;
      if (t.closest("[data-bell] [data-menu-button]")) {
        if (panelOpen()) loadPanel();
        return;
      }
      if (t.closest("[data-bell-read-all]")) {
        var btn = t.closest("[data-bell-read-all]");
        btn.disabled = true;
        postJSON("/api/notifications/mark_all_read/").then(function (data) {
          ep.setUnread && ep.setUnread(data.unread_count || 0);
          $all("[data-bell-list] .bell__item.is-unread").forEach(function (a) { markItemRead(a.getAttribute("data-notification-id")); });
          emit("notifications_read_all", data);
        }).catch(function () {
          ep.toast && ep.toast("Could not mark the notifications as read. Try again.", "error");
        }).then(function () { btn.disabled = false; });
        return;
      }
      var item = t.closest("[data-bell] a.bell__item.is-unread");
      if (item && e.button === 0) {
        // Mark read on the way out; keepalive lets the request finish after navigation.
        var id = item.getAttribute("data-notification-id");
        markItemRead(id);
        postJSON("/api/notifications/" + encodeURIComponent(id) + "/mark_read/", true).then(function (data) {
          ep.setUnread && ep.setUnread(data.unread_count);
        }).catch(function () { /* the page still opens */ });
      }
    });
  }

  // ---- built-in subscribers ----------------------------------------------------------
  on("unread_count", function (m) {
    if (ep.setUnread) ep.setUnread(m.count);
    if (typeof m.messages_unread === "number") {
      var n = m.messages_unread;
      document.querySelectorAll("[data-chat-unread-total]").forEach(function (b) {
        b.textContent = n > 99 ? "99+" : n > 0 ? String(n) : "";
        b.hidden = n <= 0;
      });
    }
  });
  on("notification", function (m) {
    var n = m.notification || {};
    if (ep.toast && (n.display_text || n.text)) ep.toast(n.display_text || n.text, "info");
    if (panelList && panelLoaded) {
      if (!panelList.querySelector('[data-notification-id="' + n.id + '"]')) {
        panelList.insertBefore(bellItem(n), panelList.firstChild);
        while (panelList.children.length > 10) panelList.lastChild.remove();
        setStatus("");
      }
    }
  });

  ep.live = {
    on: on,
    send: send,
    emit: emit,
    state: function () { return root.dataset.live || "closed"; }
  };
  ep.ago = ago;
  ep.relTimes = relTimes;
  ep.markNotificationRead = markItemRead;
  ep.initials = initials;

  setState("closed");
  // Only signed-in pages carry data-user-id; the socket needs the session.
  if (doc.body && doc.body.getAttribute("data-user-id")) connect();
})();
