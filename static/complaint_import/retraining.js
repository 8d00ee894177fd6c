// Retraining page: poll the run's progress kept in the database and reload when the run changes state.
(function () {
  var box = document.getElementById("run-status");
  if (!box) return;
  var status = box.dataset.status;
  if (["queued", "running", "applying"].indexOf(status) < 0) return;
  function tick() {
    fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (p.status !== status) { window.location.reload(); return; }
        var bar = document.getElementById("run-progress");
        if (bar && p.percent !== null) bar.value = p.percent;
        var fmt = new Intl.NumberFormat(document.documentElement.lang || "en");
        document.getElementById("run-done").textContent = fmt.format(p.done || 0);
        document.getElementById("run-total").textContent = fmt.format(p.total || 0);
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 1000);
})();
