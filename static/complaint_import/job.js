// Import job page: poll the progress kept in the database and reload when the job changes state.
(function () {
  var box = document.getElementById("job-status");
  if (!box) return;
  var status = box.dataset.status;
  if (status !== "queued" && status !== "running") return;
  function tick() {
    fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        if (p.status !== status) { window.location.reload(); return; }
        var bar = document.getElementById("job-progress");
        if (bar && p.percent !== null) bar.value = p.percent;
        var fmt = new Intl.NumberFormat(document.documentElement.lang || "en");
        document.getElementById("job-rows").textContent = fmt.format(p.rows_done || 0);
        document.getElementById("job-rate").textContent = fmt.format(Math.round(p.rows_per_second || 0));
        document.getElementById("job-left").textContent = p.seconds_left === null ? "—" : fmt.format(Math.round(p.seconds_left));
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 1000);
})();
