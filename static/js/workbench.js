/* Behaviours shared by every page, without inline handlers (the Content-Security-Policy runs no inline script). */
(function () {
  "use strict";
  /* <input type="checkbox" data-tick-all="ids">: ticks or clears every checkbox named "ids". */
  document.querySelectorAll("input[data-tick-all]").forEach(function (box) {
    var name = box.dataset.tickAll;
    function boxes() { return document.querySelectorAll('input[type="checkbox"][name="' + name + '"]'); }
    box.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = box.checked; });
    });
    document.addEventListener("change", function (event) {
      if (event.target === box || event.target.name !== name) return;
      var all = Array.prototype.every.call(boxes(), function (b) { return b.checked; });
      var none = !Array.prototype.some.call(boxes(), function (b) { return b.checked; });
      box.checked = all; box.indeterminate = !all && !none;
    });
  });
  /* <form data-confirm="question">: asks before submitting. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.dataset || !form.dataset.confirm) return;
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
})();
