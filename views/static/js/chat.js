// E-Platform chat: makes the chat pages live over the page's socket (ep.live, from
// live.js). Every form also works without this script. The script talks to the server
// in the two ways it offers scripts: HTML fragments (a request with "X-Fragment: 1" to
// a route of the fragment contract — a new or edited message, a message, a line of the
// list, older messages — answered with the piece rendered by templ, so there is one
// template for a bubble) and the chat API (/api/chat/…: marking read, deleting).
// Failures of either come back as the API's error JSON. Data from frames and JSON only
// ever goes in with textContent.
(function () {
  "use strict";
  var doc = document;
  var ep = window.ep || (window.ep = {});
  var TYPING_EVERY = 2000; // send "typing" at most this often
  var TYPING_IDLE = 3000;  // then "stopped" after this much quiet
  var TYPING_SHOWN = 6000; // hide someone's indicator if no news from them

  function $(sel, scope) { return (scope || doc).querySelector(sel); }
  function $all(sel, scope) { return Array.prototype.slice.call((scope || doc).querySelectorAll(sel)); }
  function toast(msg, kind) { if (ep.toast) ep.toast(msg, kind || "error"); }
  var me = Number(doc.body.getAttribute("data-user-id") || 0);
  var chat = $("[data-chat]");
  var convo = $("[data-convo]");
  var convoID = convo ? Number(convo.getAttribute("data-convo")) : 0;
  var live = ep.live;

  function html(text) {
    var t = doc.createElement("template");
    t.innerHTML = text; // rendered by templ on our server: every user byte is escaped
    return t.content;
  }
  // request resolves {status, data, html}: data is parsed JSON (an API answer or an
  // error), html a fragment. A fragment request that was redirected met the login
  // page (the session ended): it resolves as a 401 with neither.
  function request(url, opts) {
    opts.credentials = "same-origin";
    return fetch(url, opts).then(function (r) {
      var ct = r.headers.get("Content-Type") || "";
      if (r.redirected) return { status: 401, data: null, html: null };
      if (ct.indexOf("application/json") >= 0) {
        return r.json().then(function (d) { return { status: r.status, data: d, html: null }; },
          function () { return { status: r.status, data: null, html: null }; });
      }
      return r.text().then(function (t) { return { status: r.status, data: null, html: /html/.test(ct) ? t : null }; });
    });
  }
  // fragment asks a route of the fragment contract for its piece of page.
  function fragment(url, opts) {
    opts = opts || {};
    opts.headers = { "X-Fragment": "1" };
    return request(url, opts);
  }
  // api calls the chat API with the session cookie.
  function api(method, path) {
    return request("/api/chat/" + path, { method: method, headers: { Accept: "application/json" } });
  }
  // errorText is what to tell about a failed request: the API's detail, or the
  // messages of its {"field": [...]} answer.
  function errorText(res) {
    var d = res.data;
    if (d && typeof d === "object") {
      if (d.detail) return String(d.detail);
      var msgs = [];
      Object.keys(d).forEach(function (k) { [].concat(d[k] || []).forEach(function (m) { msgs.push(String(m)); }); });
      if (msgs.length) return msgs.join(" ");
    }
    if (res.status === 401) return "Your session ended. Sign in again.";
    if (res.status === 413) return "That file is too large: at most 5 MB.";
    if (res.status === 429) return "You're sending messages too quickly. Please wait a moment.";
    return "Something went wrong. Please try again.";
  }

  // ---- times and day separators -------------------------------------------------
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  // Days and clock times are the viewer's zone's (ep.zone: the profile's, else the
  // device's), as on the server-rendered page.
  var tz = (window.ep && window.ep.zone) || {
    parts: function (d) { return { day: d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()), time: pad(d.getHours()) + ":" + pad(d.getMinutes()) }; },
    full: function (d) { return d.toLocaleString(); },
    opts: function (o) { return o; }
  };
  function dayKey(d) { return tz.parts(d).day; }
  function dayLabel(d) {
    var today = new Date();
    if (dayKey(d) === dayKey(today)) return "Today";
    // 24 h before now is on yesterday in the viewer's zone (give or take the hour of a
    // daylight-saving change around midnight).
    if (dayKey(d) === dayKey(new Date(today.getTime() - 24 * 3600 * 1000))) return "Yesterday";
    return d.toLocaleDateString(undefined, tz.opts({ weekday: "long", day: "numeric", month: "long", year: "numeric" }));
  }
  function localTimes(scope) {
    $all("time.msg__time[datetime]", scope).forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
      if (isNaN(d)) return;
      t.textContent = tz.parts(d).time;
      t.title = tz.full(d);
    });
  }
  // layoutDays rebuilds the day separators in the reader's time zone, after any change
  // to the list (older messages above, new ones below).
  function layoutDays() {
    var list = $("[data-messages]");
    if (!list) return;
    $all(".convo__day", list).forEach(function (s) { s.remove(); });
    var last = "";
    $all(".msg", list).forEach(function (m) {
      var t = $("time.msg__time[datetime]", m);
      var d = t ? new Date(t.getAttribute("datetime")) : null;
      if (!d || isNaN(d)) return;
      var k = dayKey(d);
      if (k !== last) {
        var li = doc.createElement("li");
        li.className = "convo__day";
        li.setAttribute("data-day-sep", k);
        var span = doc.createElement("span");
        span.textContent = dayLabel(d);
        li.appendChild(span);
        list.insertBefore(li, m);
        last = k;
      }
    });
  }

  // ---- conversation list ------------------------------------------------------------
  var filter = $("[data-chat-filter]");
  if (filter) {
    $("[data-chat-filter-box]").hidden = false;
    filter.addEventListener("input", applyFilter);
  }
  function applyFilter() {
    if (!filter) return;
    var q = filter.value.trim().toLowerCase();
    var shown = 0;
    $all("[data-chat-item]").forEach(function (li) {
      var text = (li.getAttribute("data-title") + " " + ($(".chat-item__preview", li) || {}).textContent).toLowerCase();
      li.hidden = q !== "" && text.indexOf(q) < 0;
      if (!li.hidden) shown++;
    });
    var none = $("[data-chat-nomatch]");
    if (none) none.hidden = !(q && shown === 0 && $all("[data-chat-item]").length > 0);
  }
  // refreshItem fetches a conversation's line again; toTop moves it first (new activity).
  function refreshItem(id, toTop) {
    var list = $("[data-chat-list]");
    if (!list) return;
    fragment("/chat/conversation/" + id + "/item/?active=" + convoID).then(function (res) {
      if (res.status !== 200 || res.html == null) {
        if (res.status === 404) { var gone = $('[data-chat-item="' + id + '"]'); if (gone) gone.remove(); }
        return;
      }
      var li = html(res.html).firstElementChild;
      if (!li) return;
      var old = $('[data-chat-item="' + id + '"]');
      if (old && !toTop) old.replaceWith(li);
      else {
        if (old) old.remove();
        list.insertBefore(li, list.firstChild);
      }
      var empty = $("[data-chat-empty]");
      if (empty) empty.hidden = true;
      applyFilter();
    }).catch(function () { /* the list catches up on the next event */ });
  }
  function setTotal(n) {
    $all("[data-chat-unread-total]").forEach(function (b) { b.textContent = n > 99 ? "99+" : n > 0 ? String(n) : ""; });
  }

  // ---- presence ---------------------------------------------------------------------
  function setPresence(uid, online, lastSeen) {
    $all('[data-presence="' + uid + '"]').forEach(function (dot) {
      dot.classList.toggle("is-online", online);
      var label = $("[data-presence-label]", dot);
      if (label) label.textContent = online ? "Online" : "Offline";
    });
    $all('[data-convo-status][data-user-id="' + uid + '"]').forEach(function (p) {
      p.classList.toggle("is-online", online);
      p.textContent = online ? "Online" : (lastSeen ? "last seen " + (ep.ago ? ep.ago(lastSeen) : "recently") : "");
    });
  }

  // ---- the open conversation ----------------------------------------------------------
  var scroller = $("[data-convo-scroll]");
  var messages = $("[data-messages]");
  function nearBottom() { return !scroller || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120; }
  function toBottom() { if (scroller) scroller.scrollTop = scroller.scrollHeight; }
  function lastID() {
    var all = $all(".msg[data-message-id]", messages);
    return all.length ? Number(all[all.length - 1].getAttribute("data-message-id")) : 0;
  }
  // place inserts or replaces a server-rendered message, keeping id order.
  function place(node) {
    if (!messages || !node) return;
    var id = Number(node.getAttribute("data-message-id"));
    var old = doc.getElementById("message-" + id);
    if (old) { old.replaceWith(node); return; }
    var after = null;
    $all(".msg[data-message-id]", messages).some(function (m) {
      if (Number(m.getAttribute("data-message-id")) > id) { after = m; return true; }
      return false;
    });
    node.classList.add("is-new");
    messages.insertBefore(node, after);
    var empty = $("[data-convo-empty]");
    if (empty) empty.remove();
  }
  function insertHTML(text) {
    var frag = html(text);
    var stick = nearBottom();
    $all(".msg", frag).forEach(function (n) { place(n); });
    applyTicks();
    localTimes(messages);
    layoutDays();
    if (stick) toBottom();
  }
  function fetchMessage(id) {
    return fragment("/chat/message/" + id + "/").then(function (res) {
      if (res.status === 200 && res.html != null) insertHTML(res.html);
    });
  }

  // Ticks of my messages up to an id. The highest ids are kept: a receipt may come
  // before the message it covers is on the page (the sender's own request is slower
  // than the reader's socket), and is applied when it arrives.
  var known = { delivered: 0, read: 0 };
  function applyTicks() {
    if (known.delivered) setTicks(known.delivered, "delivered");
    if (known.read) setTicks(known.read, "read");
  }
  function setTicks(upTo, status) {
    known[status] = Math.max(known[status], upTo);
    $all(".msg--mine[data-message-id]", messages).forEach(function (m) {
      if (Number(m.getAttribute("data-message-id")) > upTo) return;
      var t = $("[data-ticks]", m);
      if (!t || t.classList.contains("ticks--read")) return;
      if (status === "delivered" && !t.classList.contains("ticks--pending")) return;
      t.className = "ticks ticks--" + status;
      var label = status === "read" ? "Read" : "Delivered";
      t.title = label;
      var l = $("[data-ticks-label]", t);
      if (l) l.textContent = label;
    });
  }

  // Reading: the server marked the conversation read when the page opened; messages
  // arriving while the tab is visible are read at once, the others when it shows.
  var unseen = false;
  function markRead() {
    if (!convoID) return;
    unseen = false;
    if (live && live.send({ type: "read_messages", conversation_id: convoID })) return;
    api("POST", "conversations/" + convoID + "/mark_read/").catch(function () { /* read on the next visit */ });
  }
  doc.addEventListener("visibilitychange", function () {
    if (doc.visibilityState === "visible" && unseen) markRead();
  });

  // Typing: others' indicators, and ours.
  var typers = {};
  function typerName(uid) {
    var s = $('.msg[data-sender-id="' + uid + '"] .msg__sender', messages);
    if (s) return s.textContent.trim();
    if (!convo.hasAttribute("data-group")) return ($(".convo__title", convo) || {}).textContent || "Someone";
    return "Someone";
  }
  function renderTyping() {
    var el = $("[data-typing]");
    if (!el) return;
    var names = Object.keys(typers).map(function (uid) { return typers[uid].name; });
    el.textContent = names.length === 0 ? "" : names.length === 1 ? names[0] + " is typing…" : names.join(", ") + " are typing…";
  }
  function setTyping(uid, on) {
    if (typers[uid]) { window.clearTimeout(typers[uid].timer); delete typers[uid]; }
    if (on) typers[uid] = { name: typerName(uid), timer: window.setTimeout(function () { setTyping(uid, false); }, TYPING_SHOWN) };
    renderTyping();
  }
  var lastTypingSent = 0;
  var idleTimer = null;
  var typingOn = false;
  function typing(on) {
    if (!live || !convoID) return;
    var now = Date.now();
    if (on) {
      window.clearTimeout(idleTimer);
      idleTimer = window.setTimeout(function () { typing(false); }, TYPING_IDLE);
      if (typingOn && now - lastTypingSent < TYPING_EVERY) return;
      lastTypingSent = now;
    } else {
      window.clearTimeout(idleTimer);
      if (!typingOn) return;
    }
    typingOn = on;
    live.send({ type: "typing", conversation_id: convoID, is_typing: on });
  }

  // Older messages: the link, or scrolling to the top.
  var loadingOlder = false;
  function loadOlder() {
    var link = $("[data-older]");
    if (!link || loadingOlder) return;
    loadingOlder = true;
    var before = scroller.scrollHeight - scroller.scrollTop;
    fragment(link.href).then(function (res) {
      if (res.status !== 200 || res.html == null) throw new Error("HTTP " + res.status);
      var page = html(res.html).firstElementChild;
      var first = $(".msg", messages);
      $all(".msg", page).forEach(function (m) { if (!doc.getElementById(m.id)) messages.insertBefore(m, first); });
      localTimes(messages);
      layoutDays();
      var next = page.getAttribute("data-older");
      if (next) link.href = next; else link.remove();
      scroller.scrollTop = scroller.scrollHeight - before;
    }).catch(function () {
      toast("Could not load older messages.");
    }).then(function () { loadingOlder = false; });
  }

  // Catch up after the socket was away: the newest page again, merged.
  // refreshPresence asks the API for the status shown in the open conversation's
  // header: a change announced while this tab's socket was not yet open is not missed.
  function refreshPresence() {
    $all("[data-convo-status][data-user-id]").forEach(function (p) {
      var uid = Number(p.getAttribute("data-user-id"));
      fetch("/api/chat/users/" + uid + "/status/", { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (st) { setPresence(uid, !!st.is_online, st.is_online ? null : st.last_active); })
        .catch(function () { /* the next status frame corrects it */ });
    });
  }
  function catchUp() {
    refreshPresence();
    if (!convoID || convo.hasAttribute("data-history")) return;
    fragment("/chat/conversation/" + convoID + "/").then(function (res) {
      if (res.status === 200 && res.html != null) {
        var before = lastID();
        insertHTML(res.html);
        if (lastID() > before) { if (doc.visibilityState === "visible") markRead(); else unseen = true; }
      }
    }).catch(function () { /* next reconnect */ });
  }

  // The composer: Enter sends, Shift+Enter is a new line; files with a preview.
  var form = $("[data-chat-composer]");
  var input = form && $("[data-chat-input]", form);
  var fileInput = form && $("[data-chat-file]", form);
  var preview = form && $("[data-chat-preview]", form);
  var maxBytes = chat ? Number(chat.getAttribute("data-max-bytes")) : 5242880;
  function formError(msg) {
    var p = form && $("[data-chat-error]", form);
    if (p) p.textContent = msg || "";
  }
  function clearFile() {
    if (!fileInput) return;
    fileInput.value = "";
    if (preview) { preview.textContent = ""; preview.hidden = true; }
  }
  function showFile() {
    var f = fileInput.files && fileInput.files[0];
    preview.textContent = "";
    formError("");
    if (!f) { preview.hidden = true; return; }
    if (f.size > maxBytes) {
      clearFile();
      formError("That file is too large: at most 5 MB.");
      return;
    }
    if (/^image\//.test(f.type)) {
      var img = doc.createElement("img");
      img.alt = "";
      img.src = URL.createObjectURL(f);
      img.onload = function () { URL.revokeObjectURL(img.src); };
      preview.appendChild(img);
    }
    var name = doc.createElement("span");
    name.className = "chat-compose__preview-name";
    name.textContent = f.name + " · " + (f.size >= 1048576 ? (f.size / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(f.size / 1024)) + " KB");
    preview.appendChild(name);
    var remove = doc.createElement("button");
    remove.type = "button";
    remove.className = "link-btn link-btn--danger";
    remove.textContent = "Remove";
    remove.addEventListener("click", function () { clearFile(); input.focus(); });
    preview.appendChild(remove);
    preview.hidden = false;
  }
  if (form) {
    if (fileInput) fileInput.addEventListener("change", showFile);
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    });
    input.addEventListener("input", function () {
      input.style.height = "auto";
      input.style.height = Math.min(input.scrollHeight + 2, 160) + "px";
      typing(input.value.trim() !== "");
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var hasFile = fileInput && fileInput.files && fileInput.files.length > 0;
      if (!input.value.trim() && !hasFile) { input.focus(); return; }
      if (form.getAttribute("aria-busy") === "true") return;
      form.setAttribute("aria-busy", "true");
      formError("");
      typing(false);
      fragment(form.action, { method: "POST", body: new FormData(form) }).then(function (res) {
        if (res.status === 201 && res.html != null) {
          input.value = "";
          input.style.height = "";
          clearFile();
          insertHTML(res.html);
          toBottom();
          refreshItem(convoID, true);
          return;
        }
        formError(errorText(res));
      }).catch(function () {
        formError("Could not send. Check your connection and try again.");
      }).then(function () { form.removeAttribute("aria-busy"); input.focus(); });
    });
  }

  // Edit my messages in place (the form, as a fragment request) and delete them (the
  // API; then the bubble is fetched again, as it now reads).
  doc.addEventListener("submit", function (e) {
    var f = e.target;
    if (!f.matches || !(f.matches("[data-chat-edit]") || f.matches("[data-chat-delete]"))) return;
    if (e.defaultPrevented) return; // a declined data-confirm (app.js)
    e.preventDefault();
    var done;
    if (f.matches("[data-chat-edit]")) {
      done = fragment(f.action, { method: "POST", body: new URLSearchParams(new FormData(f)) }).then(function (res) {
        if (res.status === 200 && res.html != null) { insertHTML(res.html); return; }
        toast(errorText(res));
      });
    } else {
      var id = f.closest("[data-message-id]").getAttribute("data-message-id");
      done = api("DELETE", "messages/" + encodeURIComponent(id) + "/delete/").then(function (res) {
        if (res.status === 200) return fetchMessage(id);
        toast(errorText(res));
      });
    }
    done.catch(function () { toast("Could not save. Try again."); });
  });

  // Drag a file onto the conversation to attach it: it goes into the form's file
  // input (the same path as the attach button), previewed before sending.
  if (form && fileInput && convo) {
    var dropHint = $("[data-chat-drop]", form);
    var depth = 0;
    var hasFiles = function (e) {
      return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], "Files") >= 0;
    };
    var dropping = function (on) {
      convo.classList.toggle("is-dropping", on);
      if (dropHint) dropHint.hidden = !on;
    };
    var zone = convo.closest("[data-chat]") || convo;
    zone.addEventListener("dragenter", function (e) {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      dropping(true);
    });
    zone.addEventListener("dragover", function (e) {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    });
    zone.addEventListener("dragleave", function () {
      depth = Math.max(0, depth - 1);
      if (depth === 0) dropping(false);
    });
    zone.addEventListener("drop", function (e) {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      dropping(false);
      var files = e.dataTransfer.files;
      if (!files || !files.length) return;
      var dt = new DataTransfer();
      dt.items.add(files[0]);
      fileInput.files = dt.files;
      showFile();
      input.focus();
    });
  }

  // The emoji picker: a toggle and a panel whose buttons insert at the cursor of the
  // field it belongs to. Escape or a click elsewhere closes it.
  $all("[data-emoji]").forEach(function (box) {
    var field = doc.getElementById(box.getAttribute("data-emoji"));
    var toggle = $("[data-emoji-toggle]", box);
    var panel = $(".emoji__panel", box);
    if (!field || !toggle || !panel) return;
    box.hidden = false;
    var open = function (on) {
      panel.hidden = !on;
      toggle.setAttribute("aria-expanded", on ? "true" : "false");
    };
    toggle.addEventListener("click", function () {
      open(panel.hidden);
      if (!panel.hidden) { var first = $("[data-emoji-char]", panel); if (first) first.focus(); }
    });
    panel.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest("[data-emoji-char]");
      if (!b) return;
      var ch = b.getAttribute("data-emoji-char");
      var start = field.selectionStart == null ? field.value.length : field.selectionStart;
      var end = field.selectionEnd == null ? start : field.selectionEnd;
      field.value = field.value.slice(0, start) + ch + field.value.slice(end);
      var at = start + ch.length;
      field.focus();
      field.setSelectionRange(at, at);
      field.dispatchEvent(new Event("input", { bubbles: true }));
      open(false);
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !panel.hidden) { open(false); toggle.focus(); }
    });
    doc.addEventListener("click", function (e) {
      if (!panel.hidden && !box.contains(e.target)) open(false);
    });
  });

  // Group members: a people search (the users search API) above the usernames field.
  // Choosing someone adds their username to the field, which stays the form's value,
  // so the form works the same without this script.
  $all("[data-member-picker]").forEach(function (field, n) {
    var wrap = doc.createElement("div");
    wrap.className = "member-picker mention-host";
    var label = doc.createElement("label");
    label.className = "field__label";
    label.textContent = "Find people";
    var q = doc.createElement("input");
    q.type = "search";
    q.className = "input";
    q.id = "member-search-" + n;
    label.htmlFor = q.id;
    q.autocomplete = "off";
    q.placeholder = "Type a name or username";
    q.setAttribute("role", "combobox");
    q.setAttribute("aria-autocomplete", "list");
    q.setAttribute("aria-expanded", "false");
    var list = doc.createElement("ul");
    list.className = "mention-list";
    list.id = q.id + "-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People");
    list.hidden = true;
    q.setAttribute("aria-controls", list.id);
    wrap.appendChild(label);
    wrap.appendChild(q);
    wrap.appendChild(list);
    var host = field.closest(".field") || field;
    host.parentNode.insertBefore(wrap, host);
    var users = [], active = -1, timer = 0, ctrl = null;
    function chosen() { return field.value.split(/[\s,]+/).filter(Boolean); }
    function close() {
      list.hidden = true; list.textContent = ""; active = -1; users = [];
      q.setAttribute("aria-expanded", "false");
      q.removeAttribute("aria-activedescendant");
    }
    function mark(i) {
      active = i;
      $all("[role=option]", list).forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      if (i >= 0) q.setAttribute("aria-activedescendant", list.id + "-" + i); else q.removeAttribute("aria-activedescendant");
    }
    function pick(u) {
      var names = chosen();
      if (names.indexOf(u.username) < 0) names.push(u.username);
      field.value = names.join(", ");
      q.value = "";
      close();
      q.focus();
    }
    function show(found) {
      close();
      var taken = chosen();
      users = found.filter(function (u) { return Number(u.id) !== me && taken.indexOf(u.username) < 0; }).slice(0, 8);
      if (!users.length) return;
      users.forEach(function (u, i) {
        var li = doc.createElement("li");
        li.id = list.id + "-" + i;
        li.className = "mention-list__item";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var t = doc.createElement("span");
        t.className = "mention-list__text";
        var nm = doc.createElement("span");
        nm.className = "mention-list__name";
        nm.textContent = u.full_name || u.username;
        var un = doc.createElement("span");
        un.className = "mention-list__user";
        un.textContent = "@" + u.username;
        t.appendChild(nm); t.appendChild(un); li.appendChild(t);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(u); });
        list.appendChild(li);
      });
      list.hidden = false;
      q.setAttribute("aria-expanded", "true");
    }
    q.addEventListener("input", function () {
      window.clearTimeout(timer);
      var text = q.value.trim();
      if (!text) { close(); return; }
      timer = window.setTimeout(function () {
        if (ctrl) ctrl.abort();
        ctrl = window.AbortController ? new AbortController() : null;
        fetch("/api/users/search/?q=" + encodeURIComponent(text) + "&page_size=10", {
          headers: { Accept: "application/json" }, credentials: "same-origin", signal: ctrl ? ctrl.signal : undefined
        }).then(function (r) { return r.ok ? r.json() : { results: [] }; }).then(function (d) {
          if (q.value.trim() === text) show((d && d.results) || []);
        }).catch(function () {});
      }, 200);
    });
    q.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && users.length) { e.preventDefault(); mark((active + 1) % users.length); }
      else if (e.key === "ArrowUp" && users.length) { e.preventDefault(); mark((active - 1 + users.length) % users.length); }
      else if (e.key === "Enter") { e.preventDefault(); if (active >= 0) pick(users[active]); else if (users.length === 1) pick(users[0]); }
      else if (e.key === "Escape" && !list.hidden) { e.preventDefault(); close(); }
    });
    q.addEventListener("blur", function () { window.setTimeout(close, 150); });
  });

  if (convo) {
    localTimes(messages);
    layoutDays();
    toBottom();
    if (scroller) scroller.addEventListener("scroll", function () { if (scroller.scrollTop < 60) loadOlder(); });
    doc.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("[data-older]");
      if (a) { e.preventDefault(); loadOlder(); }
    });
    if (location.hash && /^#message-\d+$/.test(location.hash)) {
      var target = doc.getElementById(location.hash.slice(1));
      if (target && !convo.hasAttribute("data-history")) toBottom();
    }
  }

  // ---- socket events ------------------------------------------------------------------
  if (!live) return;
  var seen = {};
  function onMessage(m) {
    var msg = m.message || {};
    var cid = Number(m.conversation_id);
    if (!msg.id || seen[msg.id + ":" + m.type]) return;
    seen[msg.id + ":" + m.type] = true;
    if (m.type === "new_message_notification") {
      // The conversation's line moves up; a toast when it is not the one on screen.
      refreshItem(cid, true);
      if (cid !== convoID && !chat) toast((msg.sender_name || "Someone") + ": " + (msg.content || msg.file_name || "sent a file"), "info");
      return;
    }
    if (cid !== convoID) {
      if (chat && Number(msg.sender) === me) refreshItem(cid, true);
      return;
    }
    if (Number(msg.sender) !== me) setTyping(String(msg.sender), false);
    if (convo.hasAttribute("data-history")) return; // an older page: the latest link shows them
    if (doc.getElementById("message-" + msg.id)) return;
    fetchMessage(msg.id).then(function () {
      if (Number(msg.sender) === me) return;
      if (doc.visibilityState === "visible") markRead(); else unseen = true;
    });
  }
  live.on("chat_message", onMessage);
  live.on("new_message_notification", onMessage);
  live.on("message_updated", function (m) {
    var cid = Number(m.conversation_id);
    var id = m.message && m.message.id;
    if (cid === convoID && id && doc.getElementById("message-" + id)) fetchMessage(id);
    if (chat) refreshItem(cid, false);
  });
  live.on("messages_delivered", function (m) {
    if (Number(m.conversation_id) === convoID) setTicks(Number(m.up_to_id), "delivered");
  });
  live.on("messages_read", function (m) {
    var cid = Number(m.conversation_id);
    if (cid === convoID) setTicks(Number(m.up_to_id), "read");
    if (Number(m.reader_id) === me && chat) {
      var li = $('[data-chat-item="' + cid + '"]');
      if (li) {
        li.classList.remove("has-unread");
        var b = $("[data-unread]", li);
        if (b) b.textContent = "";
      }
    }
  });
  live.on("typing_indicator", function (m) {
    if (Number(m.conversation_id) !== convoID || Number(m.user_id) === me) return;
    setTyping(String(m.user_id), m.is_typing !== false);
  });
  live.on("user_status", function (m) { setPresence(Number(m.user_id), !!m.status, m.last_seen); });
  live.on("unread_count", function (m) { if (typeof m.messages_unread === "number") setTotal(m.messages_unread); });
  live.on("conversation_updated", function (m) { if (chat) refreshItem(Number(m.conversation_id), false); });
  // Frames sent while the socket was away are lost: after every (re)connect, fetch
  // the newest messages again and merge them.
  live.on("state", function (s) { if (s === "open") catchUp(); });
})();
