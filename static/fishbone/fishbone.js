/* Fishbone editor and meeting mode: keyboard-only editing over the JSON API, live refresh by polling. */
(function () {
  "use strict";
  var app = document.getElementById("fishbone-app");
  if (!app) return;
  var T = JSON.parse(document.getElementById("fb-strings").textContent);
  var base = app.dataset.base + "/api/v1";
  var projectUrl = base + "/projects/" + app.dataset.project + "/fishbone";
  var canWrite = app.dataset.canWrite === "1";
  var rtl = app.dataset.dir === "rtl";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content;
  var outline = document.getElementById("fb-outline");
  var input = document.getElementById("fb-input");
  var modeLabel = document.getElementById("fb-mode");
  var statusBox = document.getElementById("fb-status");
  var conflictBox = document.getElementById("fb-conflict");
  var svgBox = document.getElementById("fb-svg");
  var detail = document.getElementById("fb-detail");
  var state = null, items = [], byKey = {}, selected = null, mode = "new", busy = 0, revision = 0, detailFor = null;

  var persianPage = document.documentElement.lang === "fa";
  /* Numbers the page writes (a vote count, "{n} votes each") in Persian digits on a Persian page. */
  function digits(value) {
    return persianPage ? String(value).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }) : String(value);
  }
  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) {
      var value = values[k];
      if (value === undefined) return "";
      return typeof value === "number" ? digits(value) : String(value);
    });
  }
  function say(text) { statusBox.textContent = text; }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function api(method, url, body, isForm) {
    busy++;
    var options = { method: method, headers: { "X-CSRFToken": csrf, "Accept": "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      if (isForm) { options.body = body; } else { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        busy--;
        if (response.status === 409) { showConflict(data, body); throw shownError("conflict"); }
        if (!response.ok) { say(fmt(T.error, { message: data.message || response.status })); throw shownError(data.message || "error"); }
        conflictBox.hidden = true;
        return data;
      });
    }, function (error) { busy--; say(fmt(T.error, { message: error.message })); error.shown = true; throw error; });
  }
  /* An error api() has already shown in the status line; chains end in .catch(reported) so none is left uncaught. */
  function shownError(message) { var error = new Error(message); error.shown = true; return error; }
  function reported(error) { if (!error || !error.shown) say(fmt(T.error, { message: error && error.message })); }

  function showConflict(data, sent) {
    var theirs = (data.current && data.current.text) || "";
    var yours = (sent && sent.text) || (data.submitted && data.submitted.text) || "";
    conflictBox.textContent = fmt(T.conflict, { theirs: theirs, yours: yours });
    conflictBox.hidden = false;
    load();
  }

  /* -- state ------------------------------------------------------------------ */
  function flatten() {
    items = []; byKey = {};
    state.categories.forEach(function (category) {
      var item = { type: "category", id: category.id, key: "k" + category.id, node: category, depth: 0, siblings: state.categories };
      items.push(item); byKey[item.key] = item;
      (function walk(list, depth, parent) {
        list.forEach(function (cause) {
          var entry = { type: "cause", id: cause.id, key: "c" + cause.id, node: cause, depth: depth, parent: parent, category: category, siblings: list };
          items.push(entry); byKey[entry.key] = entry;
          walk(cause.children, depth + 1, cause);
        });
      })(category.causes, 1, null);
    });
  }

  /* The page's watch address answers with the diagram and its drawing in one request: asked plainly
     it always does (load), asked with the revision shown (If-None-Match) only when something changed. */
  function load() {
    return fetch(app.dataset.live, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.ok) return show(r);
        return r.json().catch(function () { return {}; }).then(function (data) {
          say(fmt(T.error, { message: data.message || r.status })); throw shownError(data.message || "error");
        });
      }, function () { say(T.offline); throw shownError("offline"); });
  }

  function show(response) {
    var tag = response.headers.get("ETag");
    return response.json().then(function (data) {
      // A poll sent before this page's own change may answer after it: revisions only grow, keep the newer.
      if (state && data.revision < revision) return;
      liveTag = tag;
      state = data.diagram; revision = data.revision; flatten();
      if (!selected || !byKey[selected]) selected = items.length ? items[0].key : null;
      renderOutline(); renderVoting();
      if (data.svg) drawSvg(data.svg); else loadSvg();
      if (detailFor && byKey["c" + detailFor]) showDetail(detailFor, true);
    });
  }

  function drawSvg(text) {
    var doc = new DOMParser().parseFromString(text, "image/svg+xml");
    var svg = doc.documentElement;
    if (svg.nodeName !== "svg") return;
    svg.removeAttribute("width"); svg.removeAttribute("height");
    svgBox.replaceChildren(document.importNode(svg, true));
    svgBox.dispatchEvent(new CustomEvent("fb:drawn"));
    markSvg();
  }
  /* Only when the drawing could not be made with the diagram: the SVG address says why (503). */
  function loadSvg() {
    fetch(app.dataset.svg + "?dir=" + (rtl ? "rtl" : "ltr"), { credentials: "same-origin" }).then(function (r) {
      return r.text().then(function (text) { if (r.ok) drawSvg(text); else say(fmt(T.error, { message: r.status })); });
    }).catch(function () { say(T.offline); });
  }
  /* The keys drawn on the same bone as ``key`` (its category first): meeting.js focuses on them. */
  function boneOf(key) {
    var item = byKey[key]; if (!item) return [];
    var categoryId = item.type === "category" ? item.id : item.category.id;
    return items.filter(function (i) { return (i.type === "category" ? i.id : i.category.id) === categoryId; }).map(function (i) { return i.key; });
  }
  function markSvg() {
    svgBox.querySelectorAll(".fb-selected").forEach(function (n) { n.classList.remove("fb-selected"); });
    if (selected) { var g = svgBox.querySelector("#" + selected); if (g) g.classList.add("fb-selected"); }
    svgBox.dispatchEvent(new CustomEvent("fb:selected", { detail: { key: selected, bone: selected ? boneOf(selected) : [] } }));
  }

  /* -- rendering ---------------------------------------------------------------- */
  function renderOutline() {
    outline.replaceChildren();
    if (!items.length) { outline.appendChild(el("li", "muted", T.no_category)); return; }
    items.forEach(function (item) {
      var li = el("li", "fb-" + item.type);
      li.dataset.key = item.key;
      li.style.paddingInlineStart = (item.depth * 1.3) + "rem";
      if (item.type === "category") {
        li.appendChild(el("strong", "", item.node.name));
      } else {
        var cause = item.node;
        li.classList.add("status-" + cause.status);
        if (cause.is_why) li.appendChild(el("span", "fb-tag", T.why_mark));
        if (cause.status === "verified") li.appendChild(el("span", "fb-tag verified", "✓ " + T.verified));
        else if (cause.status === "suspected") li.appendChild(el("span", "fb-tag suspected", T.suspected));
        li.appendChild(el("span", "fb-text", cause.text));
        if (cause.votes) li.appendChild(el("span", "fb-votes", "● " + digits(cause.votes)));
        if (cause.evidence_count) li.appendChild(el("span", "fb-evidence", fmt(T.evidence_count, { n: cause.evidence_count })));
      }
      if (item.key === selected) { li.classList.add("selected"); li.setAttribute("aria-current", "true"); }
      li.addEventListener("click", function () { select(item.key); if (input) input.focus(); });
      outline.appendChild(li);
    });
    var current = outline.querySelector(".selected");
    if (current) current.scrollIntoView({ block: "nearest" });
  }

  function renderVoting() {
    var box = document.getElementById("fb-voting");
    box.replaceChildren();
    var round = state.voting.session;
    if (round && round.open) {
      box.appendChild(el("span", "", fmt(T.round, { n: round.votes_per_member }) + " · "));
      box.appendChild(el("strong", "fb-left", fmt(T.votes_left, { n: state.voting.left })));
    } else {
      box.appendChild(el("span", "muted", T.no_round));
    }
    if (!canWrite) return;
    var number = el("input"); number.type = "number"; number.min = 1; number.max = 20; number.value = round ? round.votes_per_member : 3;
    number.id = "fb-votes-each"; number.setAttribute("aria-label", T.votes_each);
    var button = el("button", "secondary", T.start_round); button.type = "button"; button.id = "fb-start-round";
    button.addEventListener("click", function () {
      api("POST", projectUrl + "/vote-sessions", { votes_per_member: number.value }).then(function () { say(T.round_started); return load(); }).catch(reported);
    });
    // The controls for a new round on their own line: next to "Your votes left: 3" a box holding 3 read as the same number.
    var start = el("span", "fb-round-new");
    start.appendChild(number); start.appendChild(el("span", "", " " + T.votes_each + " ")); start.appendChild(button);
    box.appendChild(start);
  }

  function select(key) {
    if (!byKey[key]) return;
    selected = key;
    outline.querySelectorAll(".selected").forEach(function (n) { n.classList.remove("selected"); n.removeAttribute("aria-current"); });
    var li = outline.querySelector('[data-key="' + key + '"]');
    if (li) { li.classList.add("selected"); li.setAttribute("aria-current", "true"); li.scrollIntoView({ block: "nearest" }); }
    markSvg();
    var item = byKey[key];
    if (item.type === "cause") showDetail(item.id); else { detail.hidden = true; detailFor = null; }
  }

  function setMode(next) {
    mode = next;
    if (!modeLabel) return;
    modeLabel.textContent = { "new": T.new_cause, edit: T.edit, why: T.why, evidence: T.evidence, round: T.round_prompt,
      category: T.category_prompt, rename: T.rename_prompt }[mode];
    app.dataset.mode = mode;
    if (mode === "edit") { input.value = byKey[selected].node.text; input.select(); }
    else if (mode === "rename") { input.value = byKey[selected].node.name; input.select(); }
    else if (mode !== "new") { input.value = ""; }
  }

  /* -- actions ------------------------------------------------------------------ */
  function current() { return selected ? byKey[selected] : null; }
  function after(data, message) { say(message || T.saved); if (data && data.id && mode !== "evidence") { selected = "c" + data.id; } return load(); }

  function addCause(text) {
    var item = current();
    var body = { text: text };
    if (!item) { say(T.no_category); return; }
    if (mode === "why" && item.type === "cause") { body.parent_id = item.id; body.is_why = true; body.category_id = item.category.id; }
    else if (item.type === "category") { body.category_id = item.id; }
    else { body.category_id = item.category.id; body.parent_id = item.parent ? item.parent.id : null; body.after_id = item.id; }
    return api("POST", projectUrl + "/causes", body).then(function (data) { input.value = ""; return after(data, T.added); }).catch(reported);
  }

  function patch(item, body) {
    body.version = item.node.version;
    return api("PATCH", base + "/causes/" + item.id, body).then(function (data) { return after(data); }).catch(function (error) { reported(error); throw error; });
  }

  function nest() {
    var item = current(); if (!item || item.type !== "cause") return;
    var index = item.siblings.indexOf(item.node);
    if (index < 1) return;
    patch(item, { parent_id: item.siblings[index - 1].id }).catch(function () {});
  }
  function unnest() {
    var item = current(); if (!item || item.type !== "cause" || !item.parent) return;
    var parentItem = byKey["c" + item.parent.id];
    var position = parentItem.siblings.indexOf(parentItem.node) + 1;
    patch(item, { parent_id: parentItem.parent ? parentItem.parent.id : null, position: position }).catch(function () {});
  }
  function moveAmongSiblings(step) {
    var item = current(); if (!item) return;
    var index = item.siblings.indexOf(item.node) + step;
    if (index < 0 || index >= item.siblings.length) return;
    if (item.type === "category") {
      api("PATCH", base + "/fishbone/categories/" + item.id, { position: index, version: item.node.version }).then(function () { say(T.saved); return load(); }).catch(reported);
    } else {
      patch(item, { position: index }).catch(function () {});
    }
  }
  function moveCategory(step) {
    var item = current(); if (!item || item.type !== "cause") return;
    var index = state.categories.indexOf(item.category) + step;
    if (index < 0 || index >= state.categories.length) return;
    patch(item, { category_id: state.categories[index].id }).catch(function () {});
  }
  function vote(add) {
    var item = current(); if (!item || item.type !== "cause") return;
    var round = state.voting.session;
    if (add && !(round && round.open)) { say(T.no_round); return; }
    if (add && state.voting.left <= 0) { say(fmt(T.no_votes_left, { n: round.votes_per_member })); return; }
    api(add ? "POST" : "DELETE", base + "/causes/" + item.id + "/votes").then(function (data) { say(fmt(T.votes_left, { n: data.left })); return load(); }).catch(reported);
  }
  function toggleSuspected() {
    var item = current(); if (!item || item.type !== "cause") return;
    patch(item, { status: item.node.status === "open" ? "suspected" : "open" }).catch(function () {});
  }
  function remove() {
    var item = current(); if (!item) return;
    if (!window.confirm(item.type === "cause" ? T.delete_confirm : T.delete_category_confirm)) return;
    var index = items.indexOf(item);
    api("DELETE", base + (item.type === "cause" ? "/causes/" : "/fishbone/categories/") + item.id + "?version=" + item.node.version).then(function () { selected = items[index - 1] ? items[index - 1].key : null; say(T.deleted); return load(); }).catch(reported);
  }
  function verify(text) {
    var item = current(); if (!item || item.type !== "cause") return;
    return api("POST", base + "/causes/" + item.id + "/verify", { evidence: text, version: item.node.version }).then(function (data) {
      input.value = ""; setMode("new"); return after(data);
    }).catch(reported);
  }
  function toggleMeeting() {
    var on = !app.classList.contains("meeting");
    app.classList.toggle("meeting", on);
    if (on && app.requestFullscreen) app.requestFullscreen().catch(function () {});
    if (!on && document.fullscreenElement) document.exitFullscreen().catch(function () {});
    if (input) input.focus();
  }
  document.getElementById("fb-meeting-toggle").addEventListener("click", toggleMeeting);
  document.getElementById("fb-meeting-exit").addEventListener("click", toggleMeeting);
  svgBox.addEventListener("click", function (event) {
    var node = event.target.closest("g.node");
    if (node && /^[ck]\d+$/.test(node.id) && byKey[node.id]) { select(node.id); if (input) input.focus(); }
  });
  document.addEventListener("fullscreenchange", function () { if (!document.fullscreenElement) app.classList.remove("meeting"); });

  function onKey(event) {
    var key = event.key;
    if (event.altKey && !event.ctrlKey) {
      var lower = key.toLowerCase();
      var handled = true;
      if (key === "ArrowUp") moveAmongSiblings(-1);
      else if (key === "ArrowDown") moveAmongSiblings(1);
      else if (key === "ArrowRight") moveCategory(rtl ? -1 : 1);
      else if (key === "ArrowLeft") moveCategory(rtl ? 1 : -1);
      else if (lower === "v" || event.code === "KeyV") vote(!event.shiftKey);
      else if (lower === "s" || event.code === "KeyS") toggleSuspected();
      else if (lower === "r" || event.code === "KeyR") { if (current() && current().type === "cause") setMode("evidence"); }
      else if (lower === "w" || event.code === "KeyW") { if (current() && current().type === "cause") setMode("why"); }
      else if (lower === "m" || event.code === "KeyM") toggleMeeting();
      else if (lower === "o" || event.code === "KeyO") setMode("round");
      else if (lower === "c" || event.code === "KeyC") setMode("category");
      else handled = false;
      if (handled) event.preventDefault();
      return;
    }
    if (key === "Enter") {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      if (mode === "edit") patch(current(), { text: text }).then(function () { input.value = ""; setMode("new"); }).catch(function () {});
      else if (mode === "round") api("POST", projectUrl + "/vote-sessions", { votes_per_member: text }).then(function () { input.value = ""; setMode("new"); say(T.round_started); return load(); }).catch(reported);
      else if (mode === "category") api("POST", projectUrl + "/categories", { name: text }).then(function (data) { input.value = ""; setMode("new"); selected = "k" + data.id; say(T.added); return load(); }).catch(reported);
      else if (mode === "rename") api("PATCH", base + "/fishbone/categories/" + current().id, { name: text, version: current().node.version }).then(function () { input.value = ""; setMode("new"); say(T.saved); return load(); }).catch(reported);
      else if (mode === "evidence") verify(text);
      else addCause(text);
    } else if (key === "Tab") {
      event.preventDefault();
      if (event.shiftKey) unnest(); else nest();
    } else if (key === "ArrowUp" || key === "ArrowDown") {
      event.preventDefault();
      var index = items.indexOf(current()) + (key === "ArrowUp" ? -1 : 1);
      if (items[index]) select(items[index].key);
    } else if (key === "F2") {
      event.preventDefault();
      if (current()) setMode(current().type === "cause" ? "edit" : "rename");
    } else if (key === "Escape") {
      input.value = ""; setMode("new");
    } else if (key === "Delete" && (event.ctrlKey || !input.value)) {
      event.preventDefault(); remove();
    }
  }
  if (input) input.addEventListener("keydown", onKey);

  /* -- detail: notes and evidence ------------------------------------------------ */
  function showDetail(causeId, quiet) {
    detailFor = causeId;
    fetch(base + "/causes/" + causeId, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (r) { return r.ok ? r.json() : null; }).then(function (cause) {
      if (!cause || detailFor !== causeId) return;
      if (quiet && detail.contains(document.activeElement)) return;  // do not disturb someone typing notes
      detail.replaceChildren();
      detail.appendChild(el("h3", "", cause.text));
      var notes = el("textarea"); notes.value = cause.notes; notes.dir = "auto"; notes.rows = 3; notes.setAttribute("aria-label", T.notes);
      detail.appendChild(el("label", "", T.notes)); detail.appendChild(notes);
      if (canWrite) {
        var save = el("button", "secondary", T.save_notes); save.type = "button";
        save.addEventListener("click", function () { api("PATCH", base + "/causes/" + cause.id, { notes: notes.value, version: cause.version }).then(function () { say(T.saved); return load(); }).catch(reported); });
        detail.appendChild(save);
      }
      (cause.links || []).forEach(function (link) {
        var a = el("a", "fb-tag", link.label); a.href = link.url; detail.appendChild(a);
      });
      detail.appendChild(el("h4", "", T.evidence_title));
      var list = el("ul", "fb-evidence-list");
      cause.evidence.forEach(function (item) {
        var li = el("li");
        if (item.kind === "link") { var a = el("a", "", item.url); a.href = item.url; a.rel = "noopener noreferrer"; a.target = "_blank"; li.appendChild(a); }
        else if (item.kind === "file") { var f = el("a", "", item.file_name); f.href = app.dataset.base + "/fishbone/evidence/" + item.id + "/file"; li.appendChild(f); }
        else if (item.kind === "complaint") {
          li.appendChild(el("span", "", T.kind_complaint + " "));
          var named = el("bdi", "", item.complaint_label || String(item.complaint_id)); li.appendChild(named);
        }
        if (item.text) li.appendChild(el("span", "", " " + item.text));
        if (item.verifies) li.appendChild(el("span", "fb-tag verified", "✓ " + T.verifies));
        if (canWrite) {
          var use = el("button", "link", T.mark_verified); use.type = "button";
          use.addEventListener("click", function () { api("POST", base + "/causes/" + cause.id + "/verify", { evidence_id: item.id, version: cause.version }).then(function (d) { return after(d); }).catch(reported); });
          var drop = el("button", "link", T.remove); drop.type = "button";
          drop.addEventListener("click", function () { api("DELETE", base + "/fishbone/evidence/" + item.id + "?version=" + item.version).then(function () { say(T.deleted); return load(); }).catch(reported); });
          li.appendChild(use); li.appendChild(drop);
        }
        list.appendChild(li);
      });
      detail.appendChild(list);
      if (canWrite) detail.appendChild(evidenceForm(cause));
      detail.hidden = false;
    });
  }

  function evidenceForm(cause) {
    var form = el("form", "fb-evidence-form");
    var kind = el("select"); kind.name = "kind";
    [["text", T.kind_text], ["link", T.kind_link], ["file", T.kind_file], ["complaint", T.kind_complaint]].forEach(function (pair) {
      var option = el("option", "", pair[1]); option.value = pair[0]; kind.appendChild(option);
    });
    var text = el("input"); text.name = "text"; text.dir = "auto"; text.placeholder = T.kind_text;
    var url = el("input"); url.name = "url"; url.type = "url"; url.placeholder = "https://…";
    var file = el("input"); file.name = "file"; file.type = "file";
    /* The complaint is found by its number or words (static/js/pickers.js asks the server), never typed as an id. */
    var complaint = el("select"); complaint.name = "complaint_id"; complaint.setAttribute("aria-label", T.kind_complaint);
    complaint.dataset.picker = ""; complaint.dataset.pickerUrl = app.dataset.complaintSearch;
    complaint.appendChild(el("option", "", "—")).value = "";
    var submit = el("button", "secondary", T.add_evidence); submit.type = "submit";
    [kind, text, url, file, complaint, submit].forEach(function (n) { form.appendChild(n); });
    if (window.workbenchPickers) window.setTimeout(function () { window.workbenchPickers.enhance(form); }, 0);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      if (kind.value !== "file") data.delete("file");
      // The list is drawn again even though the focus is still on this form's button: the new evidence shows.
      api("POST", base + "/causes/" + cause.id + "/evidence", data, true).then(function () { say(T.saved); return load(); })
        .then(function () { showDetail(cause.id); }).catch(reported);
    });
    return form;
  }

  /* -- live: ask whether the project changed (a 304 from its revision alone; when it did, the answer
     carries the new diagram and drawing) ------------------------------------------------------- */
  var liveTag = null;
  setInterval(function () {
    if (busy || document.hidden || !state) return;
    var headers = { "Accept": "application/json" };
    if (liveTag) headers["If-None-Match"] = liveTag;
    fetch(app.dataset.live, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (r) {
        if (r.status !== 200 || r.headers.get("ETag") === liveTag || busy) return;
        return show(r).then(function () { say(T.updated); });
      })
      .catch(function () { say(T.offline); });
  }, 2000);

  load().then(function () { if (input) input.focus(); }).catch(reported);
})();
