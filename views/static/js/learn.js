// E-Platform — subjects and materials. Every page works without it; this adds:
// reordering materials by drag and drop (the arrow buttons stay the keyboard and
// no-JS way, and move in place here; the order is saved through the JSON API), upload
// progress for material files (the form is sent as a fragment request, X-Fragment: 1,
// answered with the material's row), and live student counts. Errors come back as the
// API's error JSON either way. Text from the server goes in with textContent only.
(function () {
  "use strict";
  var doc = document;
  var ep = window.ep || {};

  function $all(sel, scope) { return Array.prototype.slice.call((scope || doc).querySelectorAll(sel)); }
  function toast(msg, kind) { if (ep.toast) ep.toast(msg, kind || "error"); }

  // errorMessage reads the API's error JSON: {"detail": …} or {"field": [messages]}.
  function errorMessage(data, fallback) {
    if (data && typeof data === "object") {
      if (data.detail) return String(data.detail);
      var msgs = [];
      Object.keys(data).forEach(function (k) { [].concat(data[k] || []).forEach(function (m) { msgs.push(String(m)); }); });
      if (msgs.length) return msgs.join(" ");
    }
    return fallback || "Something went wrong. Please try again.";
  }

  function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "Content-Type": "application/json" },
      body: body
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) throw new Error(errorMessage(data));
        return data;
      });
    });
  }

  // ---- material order ----------------------------------------------------------------
  var list = doc.querySelector("[data-materials][data-order-url]");

  function refreshEnds() {
    var items = $all(":scope > li", list);
    items.forEach(function (li, i) {
      var up = li.querySelector("input[name=direction][value=up]");
      var down = li.querySelector("input[name=direction][value=down]");
      if (up) up.form.querySelector("button").disabled = i === 0;
      if (down) down.form.querySelector("button").disabled = i === items.length - 1;
    });
  }
  function order() {
    return $all(":scope > li", list).map(function (li) { return Number(li.getAttribute("data-material-id")); });
  }
  function saveOrder(before) {
    refreshEnds();
    postJSON(list.getAttribute("data-order-url"), JSON.stringify({ order: order() })).catch(function (err) {
      toast(err.message);
      // Put the list back as the server has it.
      before.forEach(function (id) {
        var li = doc.getElementById("material-" + id);
        if (li) list.appendChild(li);
      });
      refreshEnds();
    });
  }
  function flash(li) {
    li.classList.remove("is-moved");
    void li.offsetWidth;
    li.classList.add("is-moved");
  }

  if (list) {
    // Arrow buttons: move in place instead of reloading the page.
    list.addEventListener("submit", function (e) {
      var form = e.target;
      var dir = form.querySelector("input[name=direction]");
      if (!dir) return;
      e.preventDefault();
      var li = form.closest("li");
      var before = order();
      var sibling = dir.value === "up" ? li.previousElementSibling : li.nextElementSibling;
      if (!sibling) return;
      if (dir.value === "up") list.insertBefore(li, sibling);
      else list.insertBefore(sibling, li);
      flash(li);
      var btn = form.querySelector("button");
      saveOrder(before);
      if (btn.disabled) {
        var other = li.querySelector("input[name=direction][value=" + (dir.value === "up" ? "down" : "up") + "]");
        if (other) other.form.querySelector("button").focus();
      } else {
        btn.focus();
      }
    });

    // Drag and drop by the handle.
    var dragged = null;
    var start = null;
    $all(":scope > li", list).forEach(function (li) {
      var handle = li.querySelector("[data-drag-handle]");
      if (!handle) return;
      handle.addEventListener("mousedown", function () { li.draggable = true; });
      handle.addEventListener("touchstart", function () { li.draggable = true; }, { passive: true });
      li.addEventListener("dragstart", function (e) {
        dragged = li;
        start = order();
        li.classList.add("is-dragging");
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", li.getAttribute("data-material-id"));
      });
      li.addEventListener("dragend", function () {
        li.draggable = false;
        li.classList.remove("is-dragging");
        $all(".is-drop-target", list).forEach(function (x) { x.classList.remove("is-drop-target"); });
        if (dragged && start && start.join(",") !== order().join(",")) {
          flash(li);
          saveOrder(start);
        }
        dragged = null;
        start = null;
      });
    });
    list.addEventListener("dragover", function (e) {
      if (!dragged) return;
      var over = e.target.closest && e.target.closest("li");
      if (!over || over === dragged || over.parentNode !== list) return;
      e.preventDefault();
      var rect = over.getBoundingClientRect();
      var after = e.clientY > rect.top + rect.height / 2;
      list.insertBefore(dragged, after ? over.nextElementSibling : over);
    });
    list.addEventListener("drop", function (e) { if (dragged) e.preventDefault(); });
  }

  // ---- material form: upload with progress -------------------------------------------
  var form = doc.querySelector("[data-material-form]");
  if (form && window.FormData && window.XMLHttpRequest) {
    form.addEventListener("submit", function (e) {
      var input = form.querySelector("input[type=file][name=file]");
      var file = input && !input.disabled && input.files && input.files[0];
      if (!file) return; // a plain submit is fine without a file
      var kind = (form.elements.namedItem("type") || {}).value;
      var maxDoc = Number(input.getAttribute("data-max-doc")) || 0;
      var maxVideo = Number(input.getAttribute("data-max-video")) || 0;
      if (maxVideo && file.size > maxVideo) {
        e.preventDefault();
        toast("The file is too large: videos up to 200 MB, documents up to 25 MB.");
        return;
      }
      if (kind !== "video" && maxDoc && file.size > maxDoc) {
        e.preventDefault();
        toast("The document is too large: at most 25 MB.");
        return;
      }
      e.preventDefault();
      var btn = form.querySelector("button[type=submit]");
      var bar = form.querySelector("[data-upload-progress]");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action"));
      xhr.setRequestHeader("X-Fragment", "1");
      xhr.responseType = "text";
      if (bar) {
        bar.hidden = false;
        bar.value = 0;
        xhr.upload.addEventListener("progress", function (ev) {
          if (ev.lengthComputable) bar.value = Math.round(ev.loaded / ev.total * 100);
        });
      }
      if (btn) { btn.disabled = true; btn.classList.add("is-busy"); }
      function done() {
        if (btn) { btn.disabled = false; btn.classList.remove("is-busy"); }
        if (bar) bar.hidden = true;
      }
      xhr.addEventListener("load", function () {
        var type = xhr.getResponseHeader("Content-Type") || "";
        if (xhr.status >= 200 && xhr.status < 300 && /html/.test(type)) {
          // The material's row: its page lists it there. Anything else (the login
          // page, when the session ended) is followed as it is.
          var row = new DOMParser().parseFromString(xhr.responseText, "text/html").querySelector("[data-material-id]");
          var base = form.getAttribute("data-subject-url");
          if (row && base) {
            window.location.assign(base + "#material-" + encodeURIComponent(row.getAttribute("data-material-id")));
          } else {
            window.location.assign(xhr.responseURL || base || window.location.href);
          }
          return;
        }
        done();
        var data = null;
        if (/json/.test(type)) {
          try { data = JSON.parse(xhr.responseText); } catch (err) { data = null; }
        }
        toast(errorMessage(data, "The upload failed. Please try again."));
      });
      xhr.addEventListener("error", function () { done(); toast("The upload failed. Check your connection and try again."); });
      xhr.send(new FormData(form));
    });
  }

  // ---- live student counts -------------------------------------------------------------
  if (ep.live) {
    ep.live.on("subject_stats", function (m) {
      $all('[data-students-count="' + Number(m.subject_id) + '"]').forEach(function (el) {
        var n = Number(m.students_count) || 0;
        el.textContent = String(n);
        var label = el.parentNode.querySelector("[data-students-label]");
        if (label) label.textContent = n === 1 ? "student" : "students";
      });
    });
  }
})();
