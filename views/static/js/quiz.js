// E-Platform — quizzes. Every page works without it; this adds, on the attempt page:
// a countdown to the server's deadline (it survives reloads: the server gives the
// deadline, and the offset of this clock is corrected with the server's time) in a
// bar kept in view under the sticky header, "3 of 5 answered", a warning at 2
// minutes, autosave every 30 s and on every change (answers are then re-selected by
// the server on reload), a confirm before submitting (data-confirm in app.js) and
// submission when the time is up — saving and submitting through the JSON API
// (/api/attempts/{id}/answers/ and /submit/). In the builder, answer rows are added
// and removed in place (without it, "Add another answer" sends the form back with one
// more row), and questions can be reordered by drag and drop (the arrow buttons stay
// the keyboard and no-JS way), the order saved through the API too. A results page
// reloads itself when the attempt it shows is graded.
(function () {
  "use strict";
  var doc = document;
  var ep = window.ep || {};
  function toast(msg, kind) { if (ep.toast) ep.toast(msg, kind || "error"); }
  function $all(sel, scope) { return Array.prototype.slice.call((scope || doc).querySelectorAll(sel)); }

  // errorMessage reads the API's error JSON: {"detail": …} or {"field": [messages]}.
  function errorMessage(data) {
    if (data && typeof data === "object") {
      if (data.detail) return String(data.detail);
      var msgs = [];
      Object.keys(data).forEach(function (k) { [].concat(data[k] || []).forEach(function (m) { msgs.push(String(m)); }); });
      if (msgs.length) return msgs.join(" ");
    }
    return "Something went wrong. Please try again.";
  }

  // postJSON calls the API; a refusal rejects with an Error carrying the status.
  function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (!res.ok) {
          var err = new Error(errorMessage(data));
          err.status = res.status;
          throw err;
        }
        return data;
      });
    });
  }

  // ---- taking an attempt -------------------------------------------------------------
  var form = doc.querySelector("form[data-take]");
  var timer = doc.querySelector("[data-deadline]");
  var bar = doc.querySelector("[data-quiz-bar]");
  // The bar sticks just under the header where the header sticks (its height varies
  // with the width), at the top where it scrolls away.
  function placeBar() {
    var header = doc.querySelector(".site-header");
    var top = 8;
    if (header) {
      var pos = getComputedStyle(header).position;
      if (pos === "sticky" || pos === "fixed") top += header.getBoundingClientRect().height;
    }
    bar.style.top = Math.round(top) + "px";
  }
  if (bar) {
    placeBar();
    window.addEventListener("resize", placeBar);
  }
  if (form && timer) {
    var deadline = parseInt(timer.getAttribute("data-deadline"), 10);
    var offset = parseInt(timer.getAttribute("data-now"), 10) - Date.now(); // server − client
    var remainingEl = timer.querySelector("[data-remaining]");
    var warning = doc.querySelector("[data-warning]");
    var status = doc.querySelector("[data-save-status]");
    var dirty = {};
    var saving = false;
    var finished = false;
    var answeredEl = doc.querySelector("[data-answered]");
    var progress = doc.querySelector("[data-progress]");

    // countAnswered updates "3 of 5 answered" and marks the answered questions.
    function countAnswered() {
      var n = 0;
      $all("[data-question]", form).forEach(function (li) {
        var ta = li.querySelector("textarea");
        var done = ta ? ta.value.trim() !== "" : !!li.querySelector("input[type=radio]:checked");
        li.classList.toggle("is-answered", done);
        if (done) n++;
      });
      if (answeredEl) answeredEl.textContent = String(n);
      if (progress) progress.value = n;
    }

    function answersOf(all) {
      var out = [];
      $all("[data-question]", form).forEach(function (li) {
        var id = parseInt(li.getAttribute("data-question"), 10);
        if (!all && !dirty[id]) return;
        if (li.getAttribute("data-kind") === "short_answer") {
          var ta = li.querySelector("textarea");
          out.push({ question: id, text: ta ? ta.value : "" });
        } else {
          var checked = li.querySelector("input[type=radio]:checked");
          out.push({ question: id, answer_id: checked ? parseInt(checked.value, 10) : 0 });
        }
      });
      return out;
    }

    function goResults() {
      finished = true;
      window.location.assign(form.getAttribute("data-results-url"));
    }

    function save(all) {
      if (saving || finished) return Promise.resolve();
      var answers = answersOf(all);
      if (!answers.length) return Promise.resolve();
      saving = true;
      var sent = dirty;
      dirty = {};
      return postJSON(form.getAttribute("data-answers-url"), { answers: answers }).then(function (data) {
        saving = false;
        if (status) status.textContent = "Saved at " + new Date().toLocaleTimeString();
        if (data.server_time) offset = Date.parse(data.server_time) - Date.now();
        // Changes made while this save was on its way go now, not in 30 s.
        if (Object.keys(dirty).length) save(false);
      }, function (err) {
        saving = false;
        // 409: the time is up or the attempt was submitted (another tab): the results
        // say what was kept.
        if (err.status === 409) { goResults(); return; }
        Object.keys(sent).forEach(function (k) { dirty[k] = true; });
        if (status) status.textContent = "Not saved: " + err.message;
        toast(err.message);
      });
    }

    // submit saves every answer, then submits; a save refused because the time is up
    // or the attempt is already submitted (409) goes to the results all the same.
    function submit() {
      if (finished) return;
      finished = true;
      postJSON(form.getAttribute("data-answers-url"), { answers: answersOf(true) }).catch(function (err) {
        if (err.status !== 409) throw err;
      }).then(function () {
        return postJSON(form.getAttribute("data-submit-url"), {});
      }).then(goResults, function (err) {
        finished = false;
        toast(err.message);
      });
    }

    form.addEventListener("change", function (e) {
      var li = e.target.closest("[data-question]");
      if (li) { dirty[li.getAttribute("data-question")] = true; save(false); }
      countAnswered();
    });
    form.addEventListener("input", function (e) {
      var li = e.target.closest("[data-question]");
      if (li) dirty[li.getAttribute("data-question")] = true;
      countAnswered();
    });
    // The Submit button: app.js has asked for confirmation already (data-confirm);
    // everything is saved first, so a slow autosave cannot race it.
    // Registered on the document after app.js, so its confirm runs first.
    doc.addEventListener("submit", function (e) {
      if (e.target !== form || e.defaultPrevented) return;
      var sub = e.submitter;
      if (!sub || sub.value !== "submit") { e.preventDefault(); save(true); return; }
      e.preventDefault();
      submit();
    });
    setInterval(function () { save(false); }, 30000);
    window.addEventListener("pagehide", function () { if (!finished) save(false); });

    function tick() {
      var left = Math.max(0, deadline - (Date.now() + offset));
      var s = Math.ceil(left / 1000);
      remainingEl.textContent = Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
      if (warning && left <= 120000 && warning.hidden) {
        warning.hidden = false;
        timer.classList.add("quiz-timer--low");
      }
      if (left <= 0) { submit(); return; }
      setTimeout(tick, 250);
    }
    tick();
  }

  // ---- builder: the fields of the chosen kind, answer rows, drag and drop ------------
  $all("form[data-question-form]").forEach(function (f) {
    var kind = f.querySelector("[data-kind]");
    var rows = f.querySelector("[data-answer-rows]");
    var tpl = f.querySelector("template[data-answer-template]");
    function show() {
      $all("[data-for-kind]", f).forEach(function (fs) {
        fs.hidden = fs.getAttribute("data-for-kind").split(" ").indexOf(kind.value) < 0;
      });
      // Model answers of a short answer are all "correct": no choice to make.
      $all(".answer-row__correct", f).forEach(function (c) { c.hidden = kind.value === "short_answer"; });
    }
    // renumber keeps each row's correct-answer value its position (the server reads
    // the rows in order) and the labels in step.
    function renumber() {
      $all("[data-answer-row]", rows).forEach(function (row, i) {
        row.querySelector("input[name=correct]").value = String(i);
        row.querySelector("input[name=answer_text]").setAttribute("aria-label", "Answer " + (i + 1));
        var rm = row.querySelector("[data-remove-answer]");
        rm.hidden = false;
        rm.setAttribute("aria-label", "Remove answer " + (i + 1));
      });
    }
    function addRow() {
      var row = tpl.content.firstElementChild.cloneNode(true);
      rows.appendChild(row);
      renumber();
      show();
      row.querySelector("input[name=answer_text]").focus();
    }
    if (rows && tpl) {
      renumber();
      f.addEventListener("click", function (e) {
        if (e.target.closest("[data-add-answer]")) { e.preventDefault(); addRow(); return; }
        var rm = e.target.closest("[data-remove-answer]");
        if (!rm) return;
        var row = rm.closest("[data-answer-row]");
        var next = row.nextElementSibling || row.previousElementSibling;
        row.remove();
        if (!rows.querySelector("[data-answer-row]")) { addRow(); return; }
        renumber();
        (next ? next.querySelector("input[name=answer_text]") : f.querySelector("[data-add-answer]")).focus();
      });
    }
    kind.addEventListener("change", show);
    show();
  });

  // The original's question links (and the builder's redirects) end in #question-N:
  // open that question's editor.
  var target = location.hash && doc.getElementById(location.hash.slice(1));
  if (target && target.matches(".quiz-question")) {
    var det = target.querySelector("details");
    if (det) det.open = true;
  }

  var list = doc.querySelector("[data-questions][data-order-url]");
  if (list) {
    var dragged = null;
    $all(":scope > li", list).forEach(function (li) {
      li.draggable = true;
      li.addEventListener("dragstart", function (e) { dragged = li; e.dataTransfer.effectAllowed = "move"; li.classList.add("is-dragging"); });
      li.addEventListener("dragend", function () { li.classList.remove("is-dragging"); dragged = null; });
      li.addEventListener("dragover", function (e) {
        if (!dragged || dragged === li) return;
        e.preventDefault();
        var r = li.getBoundingClientRect();
        list.insertBefore(dragged, e.clientY > r.top + r.height / 2 ? li.nextSibling : li);
      });
      li.addEventListener("drop", function (e) {
        e.preventDefault();
        var ids = $all(":scope > li", list).map(function (x) { return parseInt(x.getAttribute("data-id"), 10); });
        postJSON(list.getAttribute("data-order-url"), { ids: ids }).then(function () {
          toast("Order saved.", "success");
        }, function (err) { toast(err.message); });
      });
    });
  }

  // Results: the quiz_graded notification names the results page it concerns; when
  // that is this page, it reloads to show the new score and feedback.
  if (doc.querySelector("[data-live-results]") && ep.live) {
    ep.live.on("notification", function (m) {
      var n = m.notification || {};
      if (n.notification_type !== "quiz_graded" || !n.url) return;
      var path;
      try { path = new URL(n.url, location.href).pathname; } catch (e) { return; }
      if (path === location.pathname) location.reload();
    });
  }
})();
