// E-Platform feed: enhances the feed, post and notifications pages, which all work
// without it. Forms marked data-ajax="…" are sent in the background and the page is
// updated in place, in one of the two ways the server offers scripts: the JSON API
// (likes, deletions, marking read) or the form's own address with "X-Fragment: 1",
// which answers with the changed piece of page (a card, a comment) rendered by templ,
// so every user byte in it is escaped. Errors come back as the API's error JSON either
// way. Everything built here from JSON uses textContent. Live updates arrive through
// ep.live (live.js).
(function () {
  "use strict";
  var doc = document;
  var ep = window.ep || (window.ep = {});
  var me = doc.body.getAttribute("data-user-id") || "";

  function $(sel, scope) { return (scope || doc).querySelector(sel); }
  function $all(sel, scope) { return Array.prototype.slice.call((scope || doc).querySelectorAll(sel)); }
  function toast(msg, kind) { if (ep.toast) ep.toast(msg, kind); }
  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function formatBytes(n) {
    if (n < 1024) return n + " B";
    if (n < 1024 * 1024) return (n / 1024).toFixed(0) + " KB";
    return (n / 1024 / 1024).toFixed(1) + " MB";
  }
  function plural(n, one, many) { return n === 1 ? "1 " + one : n + " " + many; }
  // Turn server HTML (one of our fragments) into nodes without running anything.
  function parseHTML(html) {
    return new DOMParser().parseFromString(html, "text/html");
  }
  function fragmentNode(html) {
    var t = doc.createElement("template");
    t.innerHTML = html; // server-rendered by templ: every user byte is escaped
    return t.content.firstElementChild;
  }
  function focusEl(node) {
    if (!node) return;
    if (!node.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|TEXTAREA|SELECT)$/.test(node.tagName)) node.setAttribute("tabindex", "-1");
    node.focus({ preventScroll: false });
  }
  function removeAnimated(node, then) {
    if (!node) return;
    node.classList.add("is-removing");
    window.setTimeout(function () { node.remove(); if (then) then(); }, 200);
  }
  function decorate(scope) {
    if (ep.relTimes) ep.relTimes(scope);
  }

  // ---- requests ----------------------------------------------------------------------
  // apiCalls maps the forms whose action has a documented API equivalent to that call.
  function closestID(form, attr) {
    var host = form.closest("[" + attr + "]");
    return host ? encodeURIComponent(host.getAttribute(attr)) : "";
  }
  var apiCalls = {
    like: function (f) { return { method: "POST", url: "/api/posts/" + closestID(f, "data-post-id") + "/like/" }; },
    "delete-post": function (f) { return { method: "DELETE", url: "/api/posts/" + closestID(f, "data-post-id") + "/" }; },
    "delete-comment": function (f) { return { method: "DELETE", url: "/api/comments/" + closestID(f, "data-comment-id") + "/" }; },
    read: function (f) { return { method: "POST", url: "/api/notifications/" + closestID(f, "data-notification-id") + "/mark_read/" }; },
    "read-all": function () { return { method: "POST", url: "/api/notifications/mark_all_read/" }; }
  };
  // send sends a form: to its API equivalent when it has one, else to its own address
  // as multipart with X-Fragment: 1. XHR rather than fetch only for upload progress.
  // Resolves {status, data, html, retryAfter, url}: data is parsed JSON (an API answer
  // or an error), html a fragment; both null when the server redirected instead (the
  // session ended and it sent us to the login page).
  function send(form, kind, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      var api = apiCalls[kind] && apiCalls[kind](form);
      xhr.open(api ? api.method : "POST", api ? api.url : form.action);
      if (api) xhr.setRequestHeader("Accept", "application/json");
      else xhr.setRequestHeader("X-Fragment", "1");
      xhr.responseType = "text";
      if (onProgress && xhr.upload) {
        xhr.upload.onprogress = function (e) { if (e.lengthComputable) onProgress(e.loaded / e.total); };
      }
      xhr.onload = function () {
        var type = xhr.getResponseHeader("Content-Type") || "", data = null, html = null;
        if (/json/.test(type)) {
          try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        } else if (/html/.test(type) && !xhr.responseURL.replace(/[?#].*$/, "").endsWith("/login/")) {
          html = xhr.responseText;
        }
        resolve({ status: xhr.status, data: data, html: html, retryAfter: xhr.getResponseHeader("Retry-After"), url: xhr.responseURL });
      };
      xhr.onerror = function () { reject(new Error("network")); };
      if (api) xhr.send(); else xhr.send(new FormData(form));
    });
  }
  // fieldErrors returns the {"field": [messages]} of an API error answer, or null.
  function fieldErrors(res) {
    var d = res.data;
    if (res.status !== 400 || !d || typeof d !== "object" || d.detail) return null;
    return d;
  }
  function errorMessage(res) {
    var d = res.data || {};
    var errs = fieldErrors(res);
    if (errs) {
      var msgs = [];
      Object.keys(errs).forEach(function (k) { [].concat(errs[k] || []).forEach(function (m) { msgs.push(String(m)); }); });
      if (msgs.length) return msgs.join(" ");
    }
    var msg = d.detail;
    if (!msg) {
      msg = {
        400: "Please check what you entered.", 401: "Your session ended. Sign in again.",
        403: "You are not allowed to do that.", 404: "It no longer exists.",
        413: "The file is too large.", 429: "Slow down a little."
      }[res.status] || "Something went wrong. Try again.";
    }
    if (res.status === 429 && res.retryAfter) msg += " Try again in " + res.retryAfter + " s.";
    return msg;
  }
  function setBusy(form, busy) {
    // aria-disabled, not disabled: disabling the focused button would drop the focus to
    // <body>. The submit listener ignores forms that are busy.
    form.setAttribute("aria-busy", String(busy));
    $all("button[type=submit]", form).forEach(function (b) {
      if (busy) b.setAttribute("aria-disabled", "true"); else b.removeAttribute("aria-disabled");
    });
    var btn = $("[data-busy-text]", form);
    if (btn) {
      var label = $("[data-label]", btn);
      if (busy) { btn.dataset.idle = label ? label.textContent : ""; if (label) label.textContent = btn.getAttribute("data-busy-text"); }
      else if (label && btn.dataset.idle) label.textContent = btn.dataset.idle;
      btn.classList.toggle("is-busy", busy);
    }
  }
  function markInvalid(form, res) {
    var errs = fieldErrors(res) || {};
    Object.keys(errs).forEach(function (name) {
      var f = form.elements.namedItem(name);
      if (f && f.setAttribute) f.setAttribute("aria-invalid", "true");
    });
  }

  // ---- per-form handlers ---------------------------------------------------------------
  function postOf(node) { return node && node.closest("[data-post-id]"); }
  function setCounts(post, likes, comments) {
    if (!post) return;
    if (likes != null) $all("[data-like-count]", post).forEach(function (c) { c.textContent = String(likes); });
    if (comments != null) {
      $all("[data-comment-count], [data-comments-total]", post).forEach(function (c) { c.textContent = String(comments); });
    }
  }
  function commentCount(post) {
    var c = post && $("[data-comment-count]", post);
    return c ? parseInt(c.textContent, 10) || 0 : 0;
  }
  function insertPost(html, atTop) {
    var list = $("[data-feed]");
    var node = fragmentNode(html);
    if (!list || !node) return null;
    if (node.id && doc.getElementById(node.id)) return doc.getElementById(node.id);
    if (atTop) list.insertBefore(node, list.firstChild); else list.appendChild(node);
    $all("[data-feed-empty]").forEach(function (e) { e.remove(); });
    decorate(node);
    return node;
  }
  function appendComment(post, html) {
    var list = post && $("[data-comments]", post);
    var node = fragmentNode(html);
    if (!list || !node) return null;
    if (node.id && doc.getElementById(node.id)) return null;
    list.appendChild(node);
    $all("[data-comments-empty]", post).forEach(function (e) { e.remove(); });
    node.classList.add("is-new");
    decorate(node);
    return node;
  }

  var handlers = {
    "create-post": function (form, res) {
      var node = insertPost(res.html, true);
      form.reset();
      var text = form.elements.namedItem("content");
      if (text) text.value = "";
      resetComposer(form);
      toast("Your post is published.", "success");
      if (node) node.classList.add("is-new");
    },
    like: function (form, res) {
      var btn = $("[data-like-btn]", form);
      if (btn) {
        btn.setAttribute("aria-pressed", String(!!res.data.liked));
        btn.classList.toggle("is-pop", !!res.data.liked);
      }
      setCounts(postOf(form), res.data.like_count, null);
    },
    comment: function (form, res) {
      var post = postOf(form);
      if (appendComment(post, res.html)) setCounts(post, null, commentCount(post) + 1);
      var ta = form.elements.namedItem("content");
      if (ta) { ta.value = ""; ta.removeAttribute("aria-invalid"); ta.focus(); }
    },
    "edit-post": function (form, res) {
      var post = postOf(form);
      var fresh = parseHTML(res.html);
      var content = $("[data-post-content]", fresh);
      var old = $("[data-post-content]", post);
      if (content && old) {
        old.replaceWith(doc.importNode(content, true));
      }
      // "edited" marker, Read more toggle and the edit box's value follow the new card.
      var sub = $(".post__sub", post), freshSub = $(".post__sub", fresh);
      if (sub && freshSub) sub.replaceWith(doc.importNode(freshSub, true));
      var more = $("[data-read-more]", post), freshMore = $("[data-read-more]", fresh);
      if (more && !freshMore) more.remove();
      else if (!more && freshMore) $("[data-post-content]", post).after(doc.importNode(freshMore, true));
      var ta = form.elements.namedItem("content");
      if (ta) ta.defaultValue = ta.value;
      closeEdit(post, false);
      decorate(post);
      focusEl($("[data-post-content]", post));
      toast("Post updated.", "success");
    },
    "edit-comment": function (form, res) {
      var li = form.closest("[data-comment-id]");
      var node = fragmentNode(res.html);
      if (li && node) {
        li.replaceWith(node);
        decorate(node);
        focusEl(node);
      }
    },
    "delete-post": function (form) {
      var post = postOf(form);
      if (doc.querySelector(".post-page")) {
        window.location.assign("/home/");
        return;
      }
      var next = post && (post.nextElementSibling || post.previousElementSibling);
      removeAnimated(post, function () { focusEl(next || $("[data-feed]") || doc.getElementById("main")); });
      toast("Post deleted.", "success");
    },
    "delete-comment": function (form) {
      var li = form.closest("[data-comment-id]");
      var post = postOf(form);
      var n = commentCount(post);
      var input = post && $(".comment-form textarea", post);
      removeAnimated(li);
      if (n > 0) setCounts(post, null, n - 1);
      if (input && li && li.contains(doc.activeElement)) input.focus();
      toast("Comment deleted.", "success");
    },
    read: function (form, res) {
      var li = form.closest("[data-notification-id]");
      if (ep.setUnread) ep.setUnread(res.data.unread_count);
      if (li) {
        li.classList.remove("notif--unread");
        var link = $("[data-notification-link]", li);
        var sr = link && $(".visually-hidden", link);
        if (sr) sr.remove();
        form.remove();
        if (link) link.focus();
        if (ep.markNotificationRead) ep.markNotificationRead(li.getAttribute("data-notification-id"));
      }
      updateLead(res.data.unread_count);
    },
    "read-all": function (form, res) {
      if (ep.setUnread) ep.setUnread(res.data.unread_count || 0);
      allRead();
      var h = $("h1");
      form.remove();
      if (h) focusEl(h);
      toast("All notifications are marked as read.", "success");
    }
  };
  // allRead shows every notification of the page as read (also after the bell's
  // "Mark all as read").
  function allRead() {
    $all(".notif--unread").forEach(function (li) {
      li.classList.remove("notif--unread");
      $all("[data-notification-link] .visually-hidden, form[data-ajax=read]", li).forEach(function (x) { x.remove(); });
    });
    $all('form[data-ajax="read-all"]').forEach(function (f) { if (!f.contains(doc.activeElement)) f.remove(); });
    updateLead(0);
  }
  function updateLead(n) {
    var lead = $("[data-unread-lead]");
    if (!lead || n == null) return;
    lead.textContent = n ? plural(n, "unread notification", "unread notifications") : "You are all caught up.";
  }

  doc.addEventListener("submit", function (e) {
    var form = e.target;
    var kind = form.getAttribute && form.getAttribute("data-ajax");
    // app.js cancels the event when a data-confirm question is declined.
    if (!kind || !handlers[kind] || e.defaultPrevented) return;
    if (form.getAttribute("aria-busy") === "true") { e.preventDefault(); return; }
    if (kind === "create-post" && !checkComposer(form)) { e.preventDefault(); return; }
    var ta = form.elements.namedItem("content");
    if (ta && ta.tagName === "TEXTAREA" && !ta.value.trim()) {
      e.preventDefault();
      toast("Write something first.", "error");
      ta.focus();
      return;
    }
    e.preventDefault();
    closeMentions();
    var progress = kind === "create-post" ? $("[data-upload-progress]", form) : null;
    var hasFile = progress && $all("input[type=file]", form).some(function (i) { return i.files && i.files.length; });
    setBusy(form, true);
    if (hasFile) { progress.value = 0; progress.hidden = false; }
    send(form, kind, hasFile ? function (f) { progress.value = Math.round(f * 100); } : null).then(function (res) {
      if (res.status >= 200 && res.status < 300 && (res.data || res.html != null || res.status === 204)) {
        setBusy(form, false);
        handlers[kind](form, res);
        return;
      }
      if (!res.data && res.status < 400) {
        // An HTML answer: the server redirected (done without JS, or the session ended
        // and it sent us to the login page). Show the page it chose.
        window.location.assign(res.url || window.location.href);
        return;
      }
      setBusy(form, false);
      markInvalid(form, res);
      toast(errorMessage(res), "error");
    }).catch(function () {
      setBusy(form, false);
      toast("Network error — check your connection and try again.", "error");
    }).then(function () {
      if (progress) progress.hidden = true;
    });
  });

  // ---- composer: counter, file checks, preview, drag and drop ----------------------------
  var KINDS = {
    image: { exts: ["jpg", "jpeg", "png", "gif", "webp"], label: "Images", types: "JPG, PNG, GIF or WebP" },
    video: { exts: ["mp4", "webm", "ogg", "ogv", "mov"], label: "Videos", types: "MP4, WebM, OGG or MOV" },
    document: { exts: ["pdf", "md", "docx", "xlsx", "pptx", "tex"], label: "Documents", types: "PDF, MD, DOCX, XLSX, PPTX or TEX" }
  };
  function extOf(name) { var m = /\.([^.]+)$/.exec(name || ""); return m ? m[1].toLowerCase() : ""; }
  function kindOf(file) {
    var ext = extOf(file.name);
    for (var k in KINDS) if (KINDS[k].exts.indexOf(ext) >= 0) return k;
    return "";
  }
  var objectURL = null;
  function composerError(form, msg, info) {
    var box = $("[data-composer-error]", form);
    if (!box) return;
    box.textContent = msg || "";
    box.classList.toggle("is-info", !!info);
  }
  function updateCounter(ta) {
    var form = ta.form;
    var c = form && $("[data-counter]", form);
    if (!c) return;
    var max = parseInt(ta.getAttribute("maxlength"), 10) || 5000;
    var n = ta.value.length;
    c.textContent = n + "/" + max;
    c.classList.toggle("is-near", n >= max * 0.9 && n < max);
    c.classList.toggle("is-over", n >= max);
  }
  function fileInputs(form) { return $all("input[type=file][data-file-kind]", form); }
  function resetComposer(form) {
    if (objectURL) { URL.revokeObjectURL(objectURL); objectURL = null; }
    var pv = $("[data-composer-preview]", form);
    if (pv) { pv.textContent = ""; pv.hidden = true; }
    fileInputs(form).forEach(function (i) { i.value = ""; i.closest(".picker").classList.remove("is-selected"); });
    composerError(form, "");
    var ta = $("textarea[name=content]", form);
    if (ta) { ta.removeAttribute("aria-invalid"); updateCounter(ta); }
  }
  // validate returns "" or the message explaining why the file cannot be posted.
  function validate(input, file) {
    var kind = input.getAttribute("data-file-kind");
    var spec = KINDS[kind];
    var max = parseInt(input.getAttribute("data-max-bytes"), 10) || 0;
    if (spec && spec.exts.indexOf(extOf(file.name)) < 0) {
      return "“" + file.name + "” is not a supported " + kind + ". " + spec.label + " can be " + spec.types + ".";
    }
    if (max && file.size > max) {
      return "“" + file.name + "” is " + formatBytes(file.size) + "; " + kind + "s can be at most " + formatBytes(max) + ".";
    }
    if (file.size === 0) return "“" + file.name + "” is empty.";
    return "";
  }
  function showPreview(form, input, file) {
    var pv = $("[data-composer-preview]", form);
    if (!pv) return;
    if (objectURL) { URL.revokeObjectURL(objectURL); objectURL = null; }
    pv.textContent = "";
    var kind = input.getAttribute("data-file-kind");
    var media;
    if (kind === "image") {
      objectURL = URL.createObjectURL(file);
      media = el("img", "composer__thumb");
      media.alt = "";
      media.src = objectURL;
    } else if (kind === "video") {
      objectURL = URL.createObjectURL(file);
      media = el("video", "composer__thumb");
      media.muted = true;
      media.preload = "metadata";
      media.src = objectURL;
    } else {
      media = el("span", "doc__icon doc__icon--" + ({ pdf: "pdf", docx: "doc", xlsx: "sheet", pptx: "slides" }[extOf(file.name)] || "text"));
      media.appendChild(ep.icon("file"));
      media.appendChild(el("span", "doc__ext", extOf(file.name).toUpperCase().slice(0, 4)));
    }
    media.setAttribute("aria-hidden", "true");
    pv.appendChild(media);
    var info = el("span", "composer__preview-info");
    info.appendChild(el("span", "composer__preview-name", file.name));
    info.appendChild(el("span", "composer__preview-meta", kind.charAt(0).toUpperCase() + kind.slice(1) + " · " + formatBytes(file.size)));
    pv.appendChild(info);
    var rm = el("button", "icon-btn composer__remove");
    rm.type = "button";
    rm.setAttribute("data-composer-remove", "");
    rm.setAttribute("aria-label", "Remove " + file.name);
    rm.appendChild(ep.icon("close"));
    pv.appendChild(rm);
    pv.hidden = false;
  }
  function fileChosen(input) {
    var form = input.form;
    var file = input.files && input.files[0];
    composerError(form, "");
    if (!file) { resetComposer(form); return; }
    var err = validate(input, file);
    if (err) {
      input.value = "";
      composerError(form, err);
      return;
    }
    // One file per post: choosing one replaces any other.
    var replaced = [];
    fileInputs(form).forEach(function (other) {
      if (other !== input && other.files && other.files.length) { replaced.push(other.files[0].name); other.value = ""; }
      other.closest(".picker").classList.toggle("is-selected", other === input);
    });
    showPreview(form, input, file);
    if (replaced.length) composerError(form, "Only one file per post: “" + replaced[0] + "” was replaced by “" + file.name + "”.", true);
  }
  function checkComposer(form) {
    var chosen = fileInputs(form).filter(function (i) { return i.files && i.files.length; });
    if (chosen.length > 1) { composerError(form, "Attach only one file per post."); return false; }
    if (chosen.length === 1) {
      var err = validate(chosen[0], chosen[0].files[0]);
      if (err) { composerError(form, err); return false; }
    }
    return true;
  }
  function dropFiles(form, files) {
    if (!files || !files.length) return;
    if (files.length > 1) { composerError(form, "Drop one file: a post holds at most one image, video or document."); return; }
    var file = files[0];
    var kind = kindOf(file);
    if (!kind) {
      composerError(form, "“" + file.name + "” cannot be attached. Use an image (JPG, PNG, GIF, WebP), a video (MP4, WebM, OGG, MOV) or a document (PDF, MD, DOCX, XLSX, PPTX, TEX).");
      return;
    }
    var input = $('input[type=file][data-file-kind="' + kind + '"]', form);
    if (!input) return;
    try {
      var dt = new DataTransfer();
      dt.items.add(file);
      input.files = dt.files;
    } catch (e) {
      composerError(form, "Your browser cannot attach dropped files; use the buttons instead.");
      return;
    }
    fileChosen(input);
  }
  var dragDepth = 0;
  function dropzoneOf(e) { return e.target.closest && e.target.closest("[data-dropzone]"); }
  function hasFiles(e) { return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], "Files") >= 0; }
  doc.addEventListener("dragenter", function (e) {
    var z = dropzoneOf(e);
    if (!z || !hasFiles(e)) return;
    e.preventDefault();
    dragDepth++;
    z.classList.add("is-dragging");
  });
  doc.addEventListener("dragover", function (e) {
    if (dropzoneOf(e) && hasFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; }
  });
  doc.addEventListener("dragleave", function (e) {
    var z = dropzoneOf(e);
    if (!z) return;
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) z.classList.remove("is-dragging");
  });
  doc.addEventListener("drop", function (e) {
    var z = dropzoneOf(e);
    $all("[data-dropzone].is-dragging").forEach(function (x) { x.classList.remove("is-dragging"); });
    dragDepth = 0;
    if (!z || !hasFiles(e)) return;
    e.preventDefault();
    dropFiles(z, e.dataTransfer.files);
  });

  // ---- edit forms, read more, comment focus ------------------------------------------
  function editHost(form) { return form.closest("[data-comment-id]") || form.closest("[data-post-id]"); }
  function openEdit(form) {
    var host = editHost(form);
    if (!host) return;
    host.classList.add("is-editing");
    var ta = $("textarea", form);
    if (ta) { ta.focus(); ta.setSelectionRange(ta.value.length, ta.value.length); }
  }
  function closeEdit(host, restore) {
    if (!host) return;
    var form = $(host.matches("[data-comment-id]") ? ".comment__edit" : ".post__edit", host);
    host.classList.remove("is-editing");
    if (form && restore) {
      var ta = $("textarea", form);
      if (ta) ta.value = ta.defaultValue;
    }
    if (restore) {
      var back = host.matches("[data-comment-id]") ? $("[data-edit-toggle]", host) : $("[data-menu-button]", host);
      if (back) back.focus();
    }
  }

  doc.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target : e.target.parentElement;
    if (!t) return;
    var x;
    if ((x = t.closest("[data-edit-toggle]"))) {
      var form = doc.getElementById(x.getAttribute("data-edit-toggle"));
      if (!form) return;
      e.preventDefault();
      var menu = x.closest("[data-menu]");
      if (menu) {
        var mb = $("[data-menu-button]", menu), panel = $("[data-menu-panel]", menu);
        if (mb) mb.setAttribute("aria-expanded", "false");
        if (panel) panel.classList.remove("is-open");
      }
      openEdit(form);
    } else if ((x = t.closest("[data-edit-cancel]"))) {
      e.preventDefault();
      closeEdit(editHost(x), true);
    } else if ((x = t.closest("[data-read-more]"))) {
      var box = doc.getElementById(x.getAttribute("aria-controls"));
      if (!box) return;
      var open = !box.classList.contains("is-expanded");
      box.classList.toggle("is-expanded", open);
      x.setAttribute("aria-expanded", String(open));
      x.textContent = open ? "Show less" : "Read more";
    } else if ((x = t.closest("[data-comment-focus]"))) {
      var input = doc.getElementById((x.getAttribute("href") || "").slice(1));
      if (input) { e.preventDefault(); input.focus(); }
    } else if ((x = t.closest("[data-composer-remove]"))) {
      var f = x.closest("form");
      resetComposer(f);
      var first = f && $("input[type=file]", f);
      if (first) first.focus();
    } else if ((x = t.closest("a[data-load-more]"))) {
      e.preventDefault();
      loadMore(x);
    } else if ((x = t.closest("[data-new-posts]"))) {
      e.preventDefault();
      showNewPosts(x);
    } else if ((x = t.closest("a[data-notification-link]"))) {
      // Following a notification marks it read; keepalive outlives the navigation.
      var li = x.closest(".notif--unread");
      if (li && e.button === 0) {
        var id = li.getAttribute("data-notification-id");
        fetch("/api/notifications/" + encodeURIComponent(id) + "/mark_read/", {
          method: "POST", credentials: "same-origin", keepalive: true,
          headers: { Accept: "application/json", "Content-Type": "application/json" }, body: "{}"
        }).catch(function () {});
      }
    }
  });

  doc.addEventListener("input", function (e) {
    var t = e.target;
    if (t.matches && t.matches("[data-composer] textarea[name=content]")) updateCounter(t);
    if (t.getAttribute && t.getAttribute("aria-invalid") === "true" && t.tagName === "TEXTAREA") t.removeAttribute("aria-invalid");
    if (t.classList && t.classList.contains("mentionable")) mentionInput(t);
  });
  doc.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("[data-composer] input[type=file]")) fileChosen(e.target);
  });
  doc.addEventListener("keydown", function (e) {
    var t = e.target;
    if (!t || t.tagName !== "TEXTAREA") return;
    if (e.key === "Escape" && !mention.list) {
      var host = t.closest(".is-editing");
      if (host && t.closest(".post__edit, .comment__edit")) { e.preventDefault(); closeEdit(host, true); }
    } else if (e.key === "Enter" && !e.shiftKey && !e.isComposing && t.hasAttribute("data-enter-submit") && !mention.list) {
      e.preventDefault();
      if (t.form && t.value.trim()) t.form.requestSubmit();
    }
  });

  // ---- mention autocomplete ----------------------------------------------------------
  var mention = { ta: null, list: null, items: [], active: -1, timer: null, ctrl: null, start: 0, seq: 0 };
  var mentionSeq = 0;
  // The "@query" right before the caret, when it starts the text or follows whitespace.
  function mentionQuery(ta) {
    var upto = ta.value.slice(0, ta.selectionStart);
    var m = /(^|\s)@([^\s@]{1,30})$/.exec(upto);
    if (!m) return null;
    return { q: m[2], start: upto.length - m[2].length - 1 };
  }
  function mentionInput(ta) {
    window.clearTimeout(mention.timer);
    var q = mentionQuery(ta);
    if (!q) { closeMentions(); return; }
    mention.timer = window.setTimeout(function () { searchMentions(ta, q); }, 200);
  }
  function searchMentions(ta, q) {
    if (mention.ctrl) mention.ctrl.abort();
    var ctrl = window.AbortController ? new AbortController() : null;
    mention.ctrl = ctrl;
    fetch("/api/users/search/?q=" + encodeURIComponent(q.q) + "&page_size=8", {
      headers: { Accept: "application/json" }, credentials: "same-origin", signal: ctrl ? ctrl.signal : undefined
    }).then(function (r) { return r.ok ? r.json() : { results: [] }; }).then(function (data) {
      // Ignore answers for a query the user has already typed past.
      var now = mentionQuery(ta);
      if (doc.activeElement !== ta || !now || now.q !== q.q) return;
      renderMentions(ta, q, (data && data.results) || []);
    }).catch(function () {});
  }
  function renderMentions(ta, q, users) {
    closeMentions();
    if (!users.length) return;
    var host = ta.parentNode;
    host.classList.add("mention-host");
    var list = el("ul", "mention-list");
    list.id = "mention-list-" + (++mentionSeq);
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People to mention");
    users.slice(0, 8).forEach(function (u, i) {
      var li = el("li", "mention-list__item");
      li.id = list.id + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.username = u.username;
      var av = el("span", "avatar avatar--xs", ep.initials ? ep.initials(u) : (u.username || "?").charAt(0));
      av.setAttribute("aria-hidden", "true");
      li.appendChild(av);
      var txt = el("span", "mention-list__text");
      txt.appendChild(el("span", "mention-list__name", u.full_name || u.username));
      txt.appendChild(el("span", "mention-list__user", "@" + u.username));
      li.appendChild(txt);
      // mousedown, not click: keep the focus in the textarea.
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pickMention(i); });
      list.appendChild(li);
    });
    list.style.top = (ta.offsetTop + ta.offsetHeight) + "px";
    list.style.left = ta.offsetLeft + "px";
    host.appendChild(list);
    mention.ta = ta;
    mention.list = list;
    mention.items = users.slice(0, 8);
    mention.start = q.start;
    ta.setAttribute("aria-autocomplete", "list");
    ta.setAttribute("aria-controls", list.id);
    setActive(0);
  }
  function setActive(i) {
    if (!mention.list) return;
    var opts = $all("[role=option]", mention.list);
    if (!opts.length) return;
    mention.active = (i + opts.length) % opts.length;
    opts.forEach(function (o, j) { o.setAttribute("aria-selected", String(j === mention.active)); });
    var cur = opts[mention.active];
    mention.ta.setAttribute("aria-activedescendant", cur.id);
    cur.scrollIntoView({ block: "nearest" });
  }
  function pickMention(i) {
    var ta = mention.ta, u = mention.items[i];
    if (!ta || !u) return;
    var caret = ta.selectionStart;
    var before = ta.value.slice(0, mention.start);
    var after = ta.value.slice(caret);
    var insert = "@" + u.username + " ";
    ta.value = before + insert + after;
    var pos = before.length + insert.length;
    ta.setSelectionRange(pos, pos);
    closeMentions();
    ta.focus();
    ta.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function closeMentions() {
    window.clearTimeout(mention.timer);
    if (mention.list) mention.list.remove();
    if (mention.ta) {
      mention.ta.removeAttribute("aria-activedescendant");
      mention.ta.removeAttribute("aria-controls");
    }
    mention.list = null;
    mention.items = [];
    mention.active = -1;
  }
  // Capture phase: these keys belong to the open list, not to app.js or the form.
  doc.addEventListener("keydown", function (e) {
    if (!mention.list || e.target !== mention.ta) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      setActive(mention.active + (e.key === "ArrowDown" ? 1 : -1));
    } else if ((e.key === "Enter" || e.key === "Tab") && !e.shiftKey && mention.active >= 0) {
      e.preventDefault();
      e.stopPropagation();
      pickMention(mention.active);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      closeMentions();
    }
  }, true);
  doc.addEventListener("focusout", function (e) {
    if (mention.ta && e.target === mention.ta) window.setTimeout(closeMentions, 100);
  });

  // ---- load more, new posts ------------------------------------------------------------
  function getFragment(url) {
    return fetch(url, { headers: { "X-Fragment": "1", Accept: "text/html" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.text(); })
      .then(parseHTML);
  }
  // Both a fragment and a full page answer work: items are the children of the element
  // with the list's id; the next link is the one pointing at the same list.
  function loadMore(link) {
    var listId = link.getAttribute("data-load-more");
    var list = doc.getElementById(listId);
    if (!list || link.getAttribute("aria-busy") === "true") return;
    link.setAttribute("aria-busy", "true");
    var label = link.textContent;
    link.textContent = "Loading…";
    getFragment(link.href).then(function (page) {
      var src = page.getElementById(listId);
      var added = [];
      if (src) {
        Array.prototype.slice.call(src.children).forEach(function (item) {
          if (item.id && doc.getElementById(item.id)) return;
          var node = doc.importNode(item, true);
          list.appendChild(node);
          added.push(node);
        });
        if (src.hasAttribute("data-next")) list.setAttribute("data-next", src.getAttribute("data-next"));
      }
      var next = page.querySelector('a[data-load-more="' + listId + '"]');
      if (next) {
        link.href = next.getAttribute("href");
        link.textContent = label;
        link.removeAttribute("aria-busy");
      } else {
        link.remove();
      }
      added.forEach(decorate);
      if (added[0]) focusEl(added[0]);
    }).catch(function () {
      link.textContent = label;
      link.removeAttribute("aria-busy");
      toast("Could not load more. Try again.", "error");
    });
  }

  var newPosts = 0;
  function updateBanner() {
    var b = $("[data-new-posts]");
    if (!b) return;
    var text = $("[data-new-posts-text]", b);
    if (text) text.textContent = plural(newPosts, "new post", "new posts") + " — show";
    b.hidden = newPosts === 0;
  }
  function showNewPosts(btn) {
    var list = $("[data-feed]");
    if (!list) { window.location.assign("/home/"); return; }
    btn.setAttribute("aria-busy", "true");
    getFragment("/home/").then(function (page) {
      var src = page.getElementById(list.id);
      if (!src) throw new Error("no list");
      var first = list.firstElementChild;
      var added = [];
      Array.prototype.slice.call(src.children).forEach(function (item) {
        if (item.id && doc.getElementById(item.id)) return;
        var node = doc.importNode(item, true);
        node.classList.add("is-new");
        list.insertBefore(node, first);
        added.push(node);
      });
      $all("[data-feed-empty]").forEach(function (e) { e.remove(); });
      newPosts = 0;
      updateBanner();
      added.forEach(decorate);
      if (added[0]) focusEl(added[0]);
    }).catch(function () {
      window.location.assign("/home/");
    }).then(function () { btn.removeAttribute("aria-busy"); });
  }

  // ---- live updates --------------------------------------------------------------------
  function cardOf(id) { return doc.getElementById("post-" + parseInt(id, 10)); }
  if (ep.live) {
    ep.live.on("new_post", function (m) {
      // Only the first page shows the newest posts; older pages ignore them.
      if (String(m.user_id) === me || !$("[data-feed]") || /[?&]before=/.test(location.search) || cardOf(m.post_id)) return;
      newPosts++;
      updateBanner();
    });
    ep.live.on("post_stats", function (m) {
      var post = cardOf(m.post_id);
      if (post) setCounts(post, m.likes_count, m.comments_count);
    });
    ep.live.on("comment_added", function (m) {
      if (String(m.user_id) === me) return;
      var post = cardOf(m.post_id);
      if (!post || doc.getElementById("comment-" + parseInt(m.comment_id, 10))) return;
      fetch("/home/comment/" + parseInt(m.comment_id, 10) + "/", { headers: { Accept: "text/html" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.text(); })
        .then(function (html) { appendComment(post, html); })
        .catch(function () {});
    });
    ep.live.on("post_deleted", function (m) {
      var post = cardOf(m.post_id);
      if (!post) return;
      if (post.contains(doc.activeElement)) focusEl(post.nextElementSibling || $("[data-feed]") || doc.getElementById("main"));
      removeAnimated(post);
      if (doc.querySelector(".post-page")) toast("This post has been deleted.", "warning");
    });
    ep.live.on("notifications_read_all", allRead);
    ep.live.on("comment_deleted", function (m) {
      var li = doc.getElementById("comment-" + parseInt(m.comment_id, 10));
      if (li) removeAnimated(li);
    });
  }

  decorate(doc);
})();
