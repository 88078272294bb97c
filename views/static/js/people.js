// E-Platform people: suggestions under the navigation search box (a WAI-ARIA
// combobox: debounced, arrow keys, Enter, Escape) and the picture preview of the
// profile editor. Without this script the box still submits to /home/search/. Text
// from the server goes in with textContent only.
(function () {
  "use strict";
  var doc = document;
  var DEBOUNCE_MS = 250;
  var MIN_CHARS = 2;

  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function initials(u) {
    var s = ((u.first_name || "").charAt(0) + (u.last_name || "").charAt(0)) || (u.username || "?").charAt(0);
    return s.toUpperCase();
  }

  // ---- search box suggestions ---------------------------------------------------------
  function Suggest(input) {
    var form = input.form;
    var endpoint = input.getAttribute("data-suggest");
    var list = el("ul", "mention-list suggest-list");
    var timer = null, ctrl = null, seq = 0, options = [], active = -1, leaving = false;
    list.id = (input.id || "search") + "-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    list.style.top = "100%";
    list.style.left = "0";
    list.style.right = "0";
    form.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      window.clearTimeout(timer);
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function setActive(i) {
      if (!options.length) return;
      active = (i + options.length) % options.length;
      options.forEach(function (o, j) { o.li.setAttribute("aria-selected", String(j === active)); });
      input.setAttribute("aria-activedescendant", options[active].li.id);
      options[active].li.scrollIntoView({ block: "nearest" });
    }
    function go(i) {
      var o = options[i];
      if (!o) return;
      leaving = true;
      close();
      window.location.assign(o.url);
    }
    function addOption(url, build) {
      var li = el("li", "mention-list__item");
      li.id = list.id + "-" + options.length;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      build(li);
      var i = options.length;
      // mousedown, not click: the input keeps the focus until we navigate.
      li.addEventListener("mousedown", function (e) { e.preventDefault(); go(i); });
      options.push({ li: li, url: url });
      list.appendChild(li);
    }
    function heading(text) {
      var li = el("li", "mention-list__user suggest-list__group", text);
      li.setAttribute("role", "presentation");
      list.appendChild(li);
    }
    function render(q, data) {
      close();
      var people = (data && data.people) || [];
      var subjects = (data && data.subjects) || [];
      if (people.length) heading("People");
      people.forEach(function (u) {
        addOption(u.url, function (li) {
          var av;
          if (u.profile_picture) {
            av = el("img", "avatar avatar--xs");
            av.src = u.profile_picture;
            av.alt = "";
          } else {
            av = el("span", "avatar avatar--xs", initials(u));
            av.setAttribute("aria-hidden", "true");
          }
          li.appendChild(av);
          var txt = el("span", "mention-list__text");
          txt.appendChild(el("span", "mention-list__name", u.full_name || u.username));
          txt.appendChild(el("span", "mention-list__user", "@" + u.username));
          li.appendChild(txt);
        });
      });
      if (subjects.length) heading("Subjects");
      subjects.forEach(function (s) {
        addOption(s.url, function (li) {
          var txt = el("span", "mention-list__text");
          txt.appendChild(el("span", "mention-list__name", s.name));
          txt.appendChild(el("span", "mention-list__user", s.code));
          li.appendChild(txt);
        });
      });
      addOption(form.getAttribute("action") + "?q=" + encodeURIComponent(q), function (li) {
        li.appendChild(el("span", "mention-list__name", "Search for \u201c" + q + "\u201d"));
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function fetchSuggestions(q) {
      if (ctrl) ctrl.abort();
      ctrl = window.AbortController ? new AbortController() : null;
      var mine = ++seq;
      fetch(endpoint + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" }, credentials: "same-origin", signal: ctrl ? ctrl.signal : undefined
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        // Only the answer to the latest query, and only while the user is still there.
        if (mine !== seq || doc.activeElement !== input || input.value.trim() !== q) return;
        render(q, data);
      }).catch(function () {});
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < MIN_CHARS) { seq++; close(); return; }
      timer = window.setTimeout(function () { fetchSuggestions(q); }, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) {
        if (e.key === "ArrowDown" && input.value.trim().length >= MIN_CHARS) {
          e.preventDefault();
          fetchSuggestions(input.value.trim());
        }
        return;
      }
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setActive(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        go(active);
      } else if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        seq++;
        close();
      } else if (e.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
    // The Enter that picked a suggestion must not also submit the search.
    form.addEventListener("submit", function (e) {
      if (leaving) e.preventDefault();
      else if (!list.hidden && active >= 0) { e.preventDefault(); go(active); }
    });
  }

  // ---- picture preview in the profile editor ------------------------------------------
  doc.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("[data-picture-input]") || !input.files || !input.files[0]) return;
    var card = input.closest(".picture-edit");
    var old = card && card.querySelector(".avatar");
    if (!old || !window.URL || !URL.createObjectURL) return;
    var img = el("img", "avatar avatar--xl");
    img.alt = "";
    img.src = URL.createObjectURL(input.files[0]);
    old.replaceWith(img);
  });

  Array.prototype.forEach.call(doc.querySelectorAll("input[data-suggest]"), function (input) {
    if (input.form) Suggest(input);
  });
})();
