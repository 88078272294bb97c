// E-Platform — quizzes. Every page works without it; this adds, on the attempt page:
// a countdown to the server's deadline (it survives reloads: the server gives the
// deadline, and the offset of this clock is corrected with the server's time), a
// warning at 2 minutes, autosave every 30 s and on every change (answers are then
// re-selected by the server on reload), a confirm before submitting (data-confirm in
// app.js) and submission when the time is up. In the builder, questions can be
// reordered by drag and drop (the arrow buttons stay the keyboard and no-JS way). A
// results page reloads itself when the attempt it shows is graded.
(function () {
  "use strict";
  var doc = document;
  var ep = window.ep || {};
  function toast(msg, kind) { if (ep.toast) ep.toast(msg, kind || "error"); }
  function $all(sel, scope) { return Array.prototype.slice.call((scope || doc).querySelectorAll(sel)); }

  function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        data._status = res.status;
        if (!res.ok) {
          var err = new Error(data.detail || "Something went wrong. Please try again.");
          err.data = data;
          throw err;
        }
        return data;
      });
    });
  }

  // ---- taking an attempt -------------------------------------------------------------
  var form = doc.querySelector("form[data-take]");
  var timer = doc.querySelector("[data-deadline]");
  if (form && timer) {
    var deadline = parseInt(timer.getAttribute("data-deadline"), 10);
    var offset = parseInt(timer.getAttribute("data-now"), 10) - Date.now(); // server − client
    var remainingEl = timer.querySelector("[data-remaining]");
    var warning = doc.querySelector("[data-warning]");
    var status = doc.querySelector("[data-save-status]");
    var dirty = {};
    var saving = false;
    var finished = false;

    function answersOf(all) {
      var out = [];
      $all("[data-question]", form).forEach(function (li) {
        var id = parseInt(li.getAttribute("data-question"), 10);
        if (!all && !dirty[id]) return;
        if (li.getAttribute("data-kind") === "short_answer") {
          var ta = li.querySelector("textarea");
          out.push({ question_id: id, text: ta ? ta.value : "" });
        } else {
          var checked = li.querySelector("input[type=radio]:checked");
          out.push({ question_id: id, answer_id: checked ? parseInt(checked.value, 10) : 0 });
        }
      });
      return out;
    }

    function goResults(data) {
      finished = true;
      window.location.assign((data && data.results_url) || form.getAttribute("data-results-url"));
    }

    function save(all) {
      if (saving || finished) return Promise.resolve();
      var answers = answersOf(all);
      if (!answers.length) return Promise.resolve();
      saving = true;
      var sent = dirty;
      dirty = {};
      return postJSON(form.getAttribute("action"), { answers: answers }).then(function (data) {
        saving = false;
        if (status) status.textContent = "Saved at " + new Date().toLocaleTimeString();
        if (data.server_time) offset = Date.parse(data.server_time) - Date.now();
        // Changes made while this save was on its way go now, not in 30 s.
        if (Object.keys(dirty).length) save(false);
      }, function (err) {
        saving = false;
        if (err.data && err.data._status === 409) { goResults(err.data); return; }
        Object.keys(sent).forEach(function (k) { dirty[k] = true; });
        if (status) status.textContent = "Not saved: " + err.message;
        toast(err.message);
      });
    }

    function submit() {
      if (finished) return;
      finished = true;
      postJSON(form.getAttribute("action"), { answers: answersOf(true), submit: true }).then(goResults, function (err) {
        if (err.data && err.data._status === 409) { goResults(err.data); return; }
        finished = false;
        toast(err.message);
      });
    }

    form.addEventListener("change", function (e) {
      var li = e.target.closest("[data-question]");
      if (li) { dirty[li.getAttribute("data-question")] = true; save(false); }
    });
    form.addEventListener("input", function (e) {
      var li = e.target.closest("[data-question]");
      if (li) dirty[li.getAttribute("data-question")] = true;
    });
    // The Submit button: app.js has asked for confirmation already (data-confirm);
    // send everything as JSON so a slow save cannot race it.
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

  // ---- builder: show the fields of the chosen kind; drag and drop --------------------
  $all("form[data-question-form]").forEach(function (f) {
    var kind = f.querySelector("[data-kind]");
    function show() {
      $all("[data-for-kind]", f).forEach(function (fs) {
        fs.hidden = fs.getAttribute("data-for-kind").split(" ").indexOf(kind.value) < 0;
      });
      // Model answers of a short answer are all "correct": no choice to make.
      $all(".answer-row .check", f).forEach(function (c) { c.hidden = kind.value === "short_answer"; });
    }
    kind.addEventListener("change", show);
    show();
  });

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
