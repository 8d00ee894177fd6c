/* Fishbone page behaviours without inline handlers (the Content-Security-Policy runs no inline script).
   "Remove" asks first through the shared data-confirm handler in static/js/workbench.js. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
