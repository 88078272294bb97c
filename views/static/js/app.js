// E-Platform — one small script that enhances server-rendered pages. Every page works
// without it. Hooks are data attributes, handled by event delegation on document;
// window.ep exposes a tiny API for later scripts. Never build HTML from data here:
// text goes in with textContent.
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;
  var TOAST_MS = 5000;
  var KINDS = ["success", "error", "info", "warning"];
  var TOAST_ICONS = { success: "check", error: "x", info: "info", warning: "alert" };

  function $all(sel, scope) { return Array.prototype.slice.call((scope || doc).querySelectorAll(sel)); }
  function focusables(scope) {
    return $all("a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])", scope)
      .filter(function (el) { return !el.closest("[hidden]") && el.getClientRects().length > 0; });
  }
  // The one builder of an icon (a <use> of the sprite); other scripts call ep.icon.
  function icon(name, cls) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = doc.createElementNS(ns, "svg");
    svg.setAttribute("class", "icon" + (cls ? " " + cls : ""));
    svg.setAttribute("aria-hidden", "true");
    var use = doc.createElementNS(ns, "use");
    use.setAttribute("href", (doc.body.getAttribute("data-icons") || "") + "#" + name);
    svg.appendChild(use);
    return svg;
  }

  // ---- time zone -------------------------------------------------------------------
  // Pages show times in the zone of the viewer's profile (<html data-tz>, set on the
  // server); what scripts show follows it. Without one (data-tz=""), the device's zone,
  // and a signed-in page saves the device's zone to the profile once (sendZone below):
  // from the next page on the server shows it too. Names the zone database knows but
  // this browser does not fall back to the device's zone.
  var deviceZone = "";
  try { deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old browser */ }
  var viewerZone = root.getAttribute("data-tz") || "";
  try { if (viewerZone) new Intl.DateTimeFormat("en", { timeZone: viewerZone }); } catch (e) { viewerZone = ""; }
  function inZone(opts) {
    var o = {};
    Object.keys(opts || {}).forEach(function (k) { o[k] = opts[k]; });
    if (viewerZone) o.timeZone = viewerZone;
    return o;
  }
  // fullTime is a time as a tooltip shows it: "8 Dec 2026, 14:05 CET".
  function fullTime(d) {
    return d.toLocaleString(undefined, inZone({ day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }));
  }
  // zoneParts is d's calendar day and clock in the viewer's zone: {day: "2026-12-08", time: "14:05"}.
  function zoneParts(d) {
    var p = {};
    new Intl.DateTimeFormat("en-GB", inZone({ year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }))
      .formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    return { day: p.year + "-" + p.month + "-" + p.day, time: p.hour + ":" + p.minute };
  }
  function sendZone() {
    if (root.getAttribute("data-tz") !== "" || !deviceZone || !doc.body.hasAttribute("data-user-id")) return;
    try {
      if (window.sessionStorage.getItem("ep-zone-sent")) return;
      window.sessionStorage.setItem("ep-zone-sent", "1");
    } catch (e) { return; } // no storage: do not send on every page
    fetch("/api/auth/profile/", {
      method: "PATCH", credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify({ time_zone: deviceZone })
    }).catch(function () { /* offline: the next session tries again */ });
  }

  // ---- theme -------------------------------------------------------------------
  var darkQuery = window.matchMedia("(prefers-color-scheme: dark)");
  function currentTheme() {
    return root.getAttribute("data-theme") || (darkQuery.matches ? "dark" : "light");
  }
  // The user's choice: "light", "dark", or "system" (nothing stored: the page follows
  // the system's scheme, and light-dark() in the CSS does the rest).
  function themeChoice() {
    var t = root.getAttribute("data-theme");
    return t === "dark" || t === "light" ? t : "system";
  }
  function syncThemeButtons() {
    var dark = currentTheme() === "dark", choice = themeChoice();
    $all("[data-theme-toggle]").forEach(function (b) { b.setAttribute("aria-pressed", String(dark)); });
    $all("[data-theme-set]").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-theme-set") === choice));
    });
  }
  function setTheme(theme) {
    if (theme === "system") {
      root.removeAttribute("data-theme");
      try { window.localStorage.removeItem("theme"); } catch (e) { /* private mode */ }
    } else if (theme === "dark" || theme === "light") {
      root.setAttribute("data-theme", theme);
      try { window.localStorage.setItem("theme", theme); } catch (e) { /* private mode */ }
    } else {
      return;
    }
    syncThemeButtons();
  }
  if (darkQuery.addEventListener) darkQuery.addEventListener("change", syncThemeButtons);

  // ---- mobile nav (off-canvas) ---------------------------------------------------
  function setNav(open, restoreFocus) {
    var nav = doc.getElementById("site-nav");
    if (!nav) return;
    nav.classList.toggle("is-open", open);
    doc.body.classList.toggle("nav-open", open);
    $all("[data-nav-toggle]").forEach(function (b) { b.setAttribute("aria-expanded", String(open)); });
    $all(".nav-overlay").forEach(function (o) { o.hidden = !open; });
    if (open) {
      var first = focusables(nav)[0];
      if (first) window.setTimeout(function () { first.focus(); }, 30);
    } else if (restoreFocus) {
      var t = doc.querySelector("[data-nav-toggle]");
      if (t) t.focus();
    }
  }
  function navOpen() { var n = doc.getElementById("site-nav"); return !!n && n.classList.contains("is-open"); }
  var wide = window.matchMedia("(min-width: 960px)");
  if (wide.addEventListener) wide.addEventListener("change", function () { if (wide.matches) setNav(false); });

  // ---- dropdown menus: [data-menu] > [data-menu-button] + [data-menu-panel] -------
  function menuParts(menu) {
    return { button: menu.querySelector("[data-menu-button]"), panel: menu.querySelector("[data-menu-panel]") };
  }
  function setMenu(menu, open, focusTarget) {
    var m = menuParts(menu);
    if (!m.button || !m.panel) return;
    m.panel.classList.toggle("is-open", open);
    m.button.setAttribute("aria-expanded", String(open));
    if (open && focusTarget === "first") {
      var f = focusables(m.panel)[0];
      if (f) f.focus();
    } else if (!open && focusTarget === "button") {
      m.button.focus();
    }
  }
  function closeMenus(except) {
    $all("[data-menu]").forEach(function (menu) {
      var b = menu.querySelector("[data-menu-button]");
      if (menu !== except && b && b.getAttribute("aria-expanded") === "true") setMenu(menu, false);
    });
  }

  // ---- toasts ------------------------------------------------------------------
  function dismiss(t) {
    if (!t || t.classList.contains("is-leaving")) return;
    t.classList.add("is-leaving");
    window.setTimeout(function () { t.remove(); }, 220);
  }
  function arm(t) {
    var timer = null;
    function start() { stop(); timer = window.setTimeout(function () { dismiss(t); }, TOAST_MS); }
    function stop() { if (timer) window.clearTimeout(timer); timer = null; }
    // Keep a toast while the pointer or keyboard focus is on it, so it can be read.
    t.addEventListener("mouseenter", stop);
    t.addEventListener("mouseleave", start);
    t.addEventListener("focusin", stop);
    t.addEventListener("focusout", start);
    start();
  }
  function toast(message, kind) {
    kind = KINDS.indexOf(kind) >= 0 ? kind : "info";
    var box = doc.getElementById("toasts");
    if (!box) return null;
    var t = doc.createElement("div");
    t.className = "toast toast--" + kind;
    t.appendChild(icon(TOAST_ICONS[kind]));
    var p = doc.createElement("p");
    p.className = "toast__msg";
    p.textContent = String(message);
    t.appendChild(p);
    var close = doc.createElement("button");
    close.type = "button";
    close.className = "toast__close";
    close.setAttribute("data-toast-close", "");
    close.setAttribute("aria-label", "Dismiss");
    close.appendChild(icon("close"));
    t.appendChild(close);
    box.appendChild(t);
    arm(t);
    return t;
  }

  // ---- unread badge --------------------------------------------------------------
  function setUnread(n) {
    n = Math.max(0, parseInt(n, 10) || 0);
    $all("[data-unread-badge]").forEach(function (b) {
      b.textContent = n ? (n > 99 ? "99+" : String(n)) : "";
      b.hidden = !n;
    });
  }

  // ---- forms: conditional fields, password visibility, strength meter -----------
  // [data-show-if="field=value1,value2"]: shown (and its inputs enabled) only while the
  // form's control named "field" has one of the values. Rendered visible for no-JS.
  function updateShowIf(form) {
    $all("[data-show-if]", form).forEach(function (el) {
      var spec = el.getAttribute("data-show-if").split("=");
      var ctl = form.elements.namedItem(spec[0]);
      if (!ctl) return;
      var show = (spec[1] || "").split(",").indexOf(ctl.value) >= 0;
      el.hidden = !show;
      $all("input, select, textarea", el).forEach(function (i) { i.disabled = !show; });
    });
  }
  function strength(pw) {
    var rules = {
      len8: pw.length >= 8, len12: pw.length >= 12, upper: /[A-Z]/.test(pw),
      lower: /[a-z]/.test(pw), digit: /[0-9]/.test(pw), symbol: /[^A-Za-z0-9]/.test(pw)
    };
    var score = 0;
    Object.keys(rules).forEach(function (k) { if (rules[k]) score++; });
    if (!rules.len8) score = Math.min(score, 2); // short passwords are weak whatever they hold
    return { rules: rules, score: pw ? score : 0 };
  }
  var LABELS = ["", "Very weak", "Weak", "Fair", "Fair", "Good", "Strong"];
  function updateStrength(input) {
    $all("[data-strength-for]").forEach(function (m) {
      if (m.getAttribute("data-strength-for") !== input.id) return;
      var s = strength(input.value);
      m.setAttribute("data-score", String(s.score));
      var label = m.querySelector("[data-strength-label]");
      if (label) label.textContent = s.score ? "Strength: " + LABELS[s.score] : "";
      $all("[data-rule]", m).forEach(function (li) {
        li.classList.toggle("is-met", !!s.rules[li.getAttribute("data-rule")]);
      });
    });
  }
  function togglePassword(btn) {
    var input = doc.getElementById(btn.getAttribute("data-toggle-password"));
    if (!input) return;
    var show = input.type === "password";
    input.type = show ? "text" : "password";
    btn.setAttribute("aria-pressed", String(show));
    btn.setAttribute("aria-label", show ? "Hide password" : "Show password");
  }

  // ---- event delegation ------------------------------------------------------------
  doc.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target : e.target.parentElement;
    if (!t) return;
    var el;
    if (t.closest("[data-theme-toggle]")) {
      setTheme(currentTheme() === "dark" ? "light" : "dark");
    } else if ((el = t.closest("[data-theme-set]"))) {
      setTheme(el.getAttribute("data-theme-set"));
    } else if (t.closest("[data-nav-toggle]")) {
      setNav(!navOpen());
    } else if (t.closest("[data-nav-close]")) {
      setNav(false, true);
    } else if ((el = t.closest("[data-toast-close]"))) {
      dismiss(el.closest(".toast"));
    } else if ((el = t.closest("[data-toggle-password]"))) {
      togglePassword(el);
    } else if (t.closest("[data-back]")) {
      e.preventDefault();
      window.history.back();
    }
    var btn = t.closest("[data-menu-button]");
    var menu = t.closest("[data-menu]");
    if (btn && menu) {
      var open = btn.getAttribute("aria-expanded") !== "true";
      closeMenus(menu);
      setMenu(menu, open, open && e.detail === 0 ? "first" : null); // keyboard click: focus inside
    } else {
      closeMenus(menu);
    }
  });

  doc.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      var open = $all("[data-menu]").filter(function (m) {
        var b = m.querySelector("[data-menu-button]");
        return b && b.getAttribute("aria-expanded") === "true";
      });
      if (open.length) { open.forEach(function (m) { setMenu(m, false, "button"); }); return; }
      if (navOpen()) setNav(false, true);
      return;
    }
    // Arrow keys move through an open menu's items.
    var panel = e.target.closest && e.target.closest("[data-menu-panel].is-open");
    if (panel && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      var items = focusables(panel);
      var i = items.indexOf(doc.activeElement);
      var next = e.key === "ArrowDown" ? (i + 1) % items.length : (i - 1 + items.length) % items.length;
      if (items[next]) { e.preventDefault(); items[next].focus(); }
    } else if (e.key === "Tab" && navOpen()) {
      // Keep keyboard focus inside the open off-canvas nav.
      var f = focusables(doc.getElementById("site-nav"));
      if (!f.length) return;
      if (e.shiftKey && doc.activeElement === f[0]) { e.preventDefault(); f[f.length - 1].focus(); }
      else if (!e.shiftKey && doc.activeElement === f[f.length - 1]) { e.preventDefault(); f[0].focus(); }
    }
  });

  // A menu closes when focus leaves it.
  doc.addEventListener("focusout", function (e) {
    var menu = e.target.closest && e.target.closest("[data-menu]");
    if (menu && e.relatedTarget && !menu.contains(e.relatedTarget)) setMenu(menu, false);
  });

  doc.addEventListener("input", function (e) {
    if (e.target.id && doc.querySelector("[data-strength-for]")) updateStrength(e.target);
  });
  doc.addEventListener("change", function (e) {
    if (e.target.form) updateShowIf(e.target.form);
  });

  // data-confirm on a form or on the button that submits it asks before submitting.
  doc.addEventListener("submit", function (e) {
    var msg = (e.submitter && e.submitter.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  });

  // ---- start ---------------------------------------------------------------------
  syncThemeButtons();
  $all("#toasts .toast").forEach(arm);
  $all("form").forEach(function (f) { if (f.querySelector("[data-show-if]")) updateShowIf(f); });
  $all("[data-strength-for]").forEach(function (m) {
    var input = doc.getElementById(m.getAttribute("data-strength-for"));
    if (input) updateStrength(input);
  });
  // Relative times ("3 h ago") get the full local date as a tooltip on every page;
  // feed.js and chat.js do the same for what they insert later.
  $all("time[datetime]:not([title])").forEach(function (t) {
    var d = new Date(t.getAttribute("datetime"));
    if (!isNaN(d)) t.title = fullTime(d);
  });
  sendZone();
  // The settings form's zone select: "Use this device's zone" (named) picks it, and an
  // unset zone starts on it, so Save keeps what this device says.
  $all("[data-zone-form]").forEach(function (f) {
    var sel = f.querySelector("select[name=time_zone]"), row = f.querySelector("[data-zone-device]");
    if (!sel || !row || !deviceZone) return;
    if (!$all("option", sel).some(function (o) { return o.value === deviceZone; })) {
      var o = doc.createElement("option");
      o.value = o.textContent = deviceZone;
      sel.appendChild(o);
    }
    var btn = row.querySelector("[data-zone-use]");
    btn.textContent = "Use this device's zone (" + deviceZone.replace(/_/g, " ") + ")";
    btn.addEventListener("click", function () { sel.value = deviceZone; sel.focus(); });
    row.hidden = false;
    if (sel.value === "" && !f.querySelector("[aria-invalid=true]")) sel.value = deviceZone;
  });
  // Tab bars wider than the screen scroll sideways: their faded edge says so (CSS on
  // data-overflow), and the current tab is scrolled into view.
  function markOverflow(bar) {
    var max = bar.scrollWidth - bar.clientWidth, at = bar.scrollLeft;
    var edge = max <= 1 ? "" : at <= 1 ? "end" : at >= max - 1 ? "start" : "both";
    if (edge) bar.setAttribute("data-overflow", edge); else bar.removeAttribute("data-overflow");
  }
  var tabBars = $all(".tabs");
  tabBars.forEach(function (bar) {
    var current = bar.querySelector("[aria-current]");
    if (current && bar.scrollWidth > bar.clientWidth) bar.scrollLeft = current.offsetLeft - (bar.clientWidth - current.offsetWidth) / 2;
    markOverflow(bar);
    bar.addEventListener("scroll", function () { markOverflow(bar); }, { passive: true });
  });
  if (tabBars.length) window.addEventListener("resize", function () { tabBars.forEach(markOverflow); });

  // "Back" buttons need history, which only a script can reach.
  if (window.history.length > 1) $all("[data-back]").forEach(function (b) { b.hidden = false; });

  window.ep = { toast: toast, setUnread: setUnread, setTheme: setTheme, theme: currentTheme, icon: icon,
    zone: { name: viewerZone, device: deviceZone, full: fullTime, parts: zoneParts, opts: inZone } };
})();
