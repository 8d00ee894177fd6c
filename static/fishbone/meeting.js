/* Meeting mode on a projector: the diagram fills the screen at a readable size (text at least 18 px),
   follows the selection made in the outline, zooms by keyboard, focuses on one category, high contrast.
   fishbone.js tells this file when it drew a new SVG ("fb:drawn") and what is selected ("fb:selected"). */
(function () {
  "use strict";
  var app = document.getElementById("fishbone-app");
  var box = document.getElementById("fb-svg");
  if (!app || !box) return;
  var MIN_PX = 18.5;  // smallest rendered text in meeting mode (projector rule: at least 18 px)
  var STEP = 1.25;
  var state = { scale: null, cx: 0, cy: 0, mode: "readable" };
  var selection = { key: null, bone: [] };
  var tools = document.getElementById("fb-view-tools");
  var T = JSON.parse(document.getElementById("fb-strings").textContent);
  var statusBox = document.getElementById("fb-status");

  function meeting() { return app.classList.contains("meeting"); }
  function svg() { return box.querySelector("svg"); }
  function full(s) {
    if (!s.dataset.full) s.dataset.full = s.getAttribute("viewBox");
    var v = s.dataset.full.split(/[\s,]+/).map(Number);
    return { x: v[0], y: v[1], w: v[2], h: v[3] };
  }
  function smallestFont(s) {
    var sizes = Array.prototype.map.call(s.querySelectorAll("g.node text"), function (t) { return parseFloat(t.getAttribute("font-size")) || 14; });
    return sizes.length ? Math.min.apply(null, sizes) : 14;
  }
  function canvas() { return { w: box.clientWidth || 1, h: box.clientHeight || 1 }; }
  /* The rectangle (in diagram units) covering the nodes with these ids. */
  function rectOf(keys) {
    var s = svg(); if (!s) return null;
    var inverse = s.getScreenCTM().inverse(), rect = null;
    keys.forEach(function (key) {
      var node = s.querySelector("g.node#" + key); if (!node) return;
      var r = node.getBoundingClientRect();
      [[r.left, r.top], [r.right, r.bottom]].forEach(function (corner) {
        var p = s.createSVGPoint(); p.x = corner[0]; p.y = corner[1];
        p = p.matrixTransform(inverse);
        if (!rect) rect = { x1: p.x, y1: p.y, x2: p.x, y2: p.y };
        rect.x1 = Math.min(rect.x1, p.x); rect.y1 = Math.min(rect.y1, p.y);
        rect.x2 = Math.max(rect.x2, p.x); rect.y2 = Math.max(rect.y2, p.y);
      });
    });
    return rect && { x: rect.x1, y: rect.y1, w: rect.x2 - rect.x1, h: rect.y2 - rect.y1 };
  }
  function fitScale(rect, pad) {
    var c = canvas();
    return Math.min(c.w / (rect.w + 2 * pad), c.h / (rect.h + 2 * pad));
  }
  function readableScale(s) { return MIN_PX / smallestFont(s); }

  function apply() {
    var s = svg(); if (!s) return;
    if (!meeting()) { if (s.dataset.full) s.setAttribute("viewBox", s.dataset.full); return; }
    var f = full(s), c = canvas(), w = c.w / state.scale, h = c.h / state.scale;
    // Keep the view on the diagram: centred when it is all visible, otherwise clamped to its edges.
    state.cx = w >= f.w ? f.x + f.w / 2 : Math.min(Math.max(state.cx, f.x + w / 2), f.x + f.w - w / 2);
    state.cy = h >= f.h ? f.y + f.h / 2 : Math.min(Math.max(state.cy, f.y + h / 2), f.y + f.h - h / 2);
    s.setAttribute("viewBox", [state.cx - w / 2, state.cy - h / 2, w, h].map(function (n) { return n.toFixed(2); }).join(" "));
    s.setAttribute("preserveAspectRatio", "xMidYMid meet");
    app.dataset.zoom = state.scale.toFixed(3);
    app.dataset.view = state.mode;
  }
  function centreOn(rect) { if (rect) { state.cx = rect.x + rect.w / 2; state.cy = rect.y + rect.h / 2; } }
  /* Whole diagram when it is readable; otherwise readable and centred on the selection. */
  function readable() {
    var s = svg(); if (!s) return;
    state.mode = "readable";
    var f = full(s);
    s.setAttribute("viewBox", s.dataset.full);
    state.scale = Math.max(fitScale(f, 0), readableScale(s));
    centreOn(f);
    if (selection.key) centreOn(rectOf([selection.key]));
    apply();
  }
  function whole() {
    var s = svg(); if (!s) return;
    state.mode = "whole"; state.scale = fitScale(full(s), 0); centreOn(full(s)); apply();
    say(T.view_whole);
  }
  function focusBone() {
    var s = svg(); if (!s || !selection.bone.length) return;
    if (state.mode === "bone") { readable(); say(T.view_readable); return; }
    apply();  // measure against the current drawing
    var rect = rectOf(selection.bone); if (!rect) return;
    state.mode = "bone";
    state.scale = Math.max(Math.min(fitScale(rect, 12), readableScale(s) * 1.6), readableScale(s));  // big, not billboard-sized
    centreOn(rect);
    if (fitScale(rect, 12) < readableScale(s) && selection.key) centreOn(rectOf([selection.key]));
    apply();
    say(T.view_bone);
  }
  function zoom(factor) {
    var s = svg(); if (!s || state.scale === null) return;
    state.scale = Math.min(Math.max(state.scale * factor, fitScale(full(s), 0)), readableScale(s) * 4);
    state.mode = "zoom";
    apply();
    say(state.scale < readableScale(s) - 1e-6 ? T.view_small : T.view_zoom);
  }
  /* Keep the selected label on screen (outline and diagram stay in step). */
  function follow() {
    if (!meeting() || state.scale === null) return;
    var s = svg(); if (!s || !selection.key) return;
    if (state.mode === "bone" && selection.bone.length) {
      var rect = rectOf(selection.bone);
      if (rect && fitScale(rect, 12) >= readableScale(s)) { state.scale = Math.min(fitScale(rect, 12), readableScale(s) * 1.6); centreOn(rect); apply(); return; }
    }
    var r = rectOf([selection.key]); if (!r) return;
    var c = canvas(), w = c.w / state.scale, h = c.h / state.scale, margin = 0.1;
    var left = state.cx - w / 2, top = state.cy - h / 2;
    if (r.x < left + w * margin || r.x + r.w > left + w * (1 - margin) || r.y < top + h * margin || r.y + r.h > top + h * (1 - margin)) {
      centreOn(r); apply();
    }
  }
  function say(text) { if (statusBox && text) statusBox.textContent = text; }
  function contrast(on) {
    app.classList.toggle("contrast", on);
    try { window.localStorage.setItem("fb-contrast", on ? "1" : ""); } catch (e) { /* private mode: not remembered */ }
    var button = document.getElementById("fb-contrast");
    if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
  }

  box.addEventListener("fb:drawn", function () {
    var s = svg(); if (!s) return;
    full(s);
    if (!meeting()) return;
    if (state.scale === null) { readable(); return; }
    apply();
    if (state.mode === "bone" || state.mode === "readable") follow();
  });
  box.addEventListener("fb:selected", function (event) {
    var before = selection.bone[0];
    selection = event.detail;
    if (!meeting()) return;
    if (state.mode === "bone" && before !== selection.bone[0]) { state.mode = "readable"; focusBone(); return; }
    follow();
  });
  new MutationObserver(function () {
    var on = meeting();
    if (on && state.scale === null) readable();
    else if (!on) { state.scale = null; apply(); }
  }).observe(app, { attributes: true, attributeFilter: ["class"] });
  window.addEventListener("resize", function () { if (meeting() && state.scale !== null) { if (state.mode === "whole") whole(); else if (state.mode === "readable") readable(); else apply(); } });
  box.addEventListener("wheel", function (event) {
    if (!meeting() || state.scale === null) return;
    event.preventDefault();
    if (event.ctrlKey) { zoom(event.deltaY < 0 ? STEP : 1 / STEP); return; }
    state.cx += (event.shiftKey ? event.deltaY : event.deltaX) / state.scale;
    if (!event.shiftKey) state.cy += event.deltaY / state.scale;
    apply();
  }, { passive: false });

  document.addEventListener("keydown", function (event) {
    if (!meeting() || !event.altKey || event.ctrlKey || event.metaKey) return;
    var key = event.key, code = event.code, handled = true;
    if (key === "=" || key === "+" || code === "Equal" || code === "NumpadAdd") zoom(STEP);
    else if (key === "-" || code === "Minus" || code === "NumpadSubtract") zoom(1 / STEP);
    else if (code === "KeyX") whole();
    else if (code === "KeyK") focusBone();
    else if (code === "KeyH") contrast(!app.classList.contains("contrast"));
    else handled = false;
    if (handled) event.preventDefault();
  });
  if (tools) {
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-view]"); if (!button) return;
      var what = button.dataset.view;
      if (what === "in") zoom(STEP); else if (what === "out") zoom(1 / STEP);
      else if (what === "whole") whole(); else if (what === "bone") focusBone();
      else if (what === "contrast") contrast(!app.classList.contains("contrast"));
      var input = document.getElementById("fb-input"); if (input) input.focus();
    });
  }
  try { if (window.localStorage.getItem("fb-contrast")) contrast(true); } catch (e) { /* not remembered */ }
})();
