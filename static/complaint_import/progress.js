// Pages with background work (themes, retraining): poll the progress URL of the box marked
// data-progress-url while its data-status is one of data-live, update the bar and the counts,
// and reload the page when the status changes.
(function () {
  var box = document.querySelector("[data-progress-url][data-live]");
  if (!box) return;
  var status = box.dataset.status;
  if (box.dataset.live.split(" ").indexOf(status) < 0) return;
  function show(selector, value) {
    var el = box.querySelector(selector);
    if (el) el.textContent = new Intl.NumberFormat(document.documentElement.lang || "en").format(value || 0);
  }
  function tick() {
    fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (p.status !== status) { window.location.reload(); return; }
        var bar = box.querySelector("progress");
        if (bar && p.percent !== null) bar.value = p.percent;
        show("[data-progress-done]", p.done);
        show("[data-progress-total]", p.total);
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 1000);
})();
