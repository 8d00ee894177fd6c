// Save a server-drawn SVG chart as PNG: draw it on a canvas in the browser (fonts and Persian shaping included).
(function () {
  document.querySelectorAll(".png-download").forEach(function (button) {
    button.addEventListener("click", function () {
      var svg = button.closest(".chart").querySelector("svg");
      var data = new XMLSerializer().serializeToString(svg);
      var image = new Image();
      image.onload = function () {
        var canvas = document.createElement("canvas");
        canvas.width = svg.width.baseVal.value * 2;
        canvas.height = svg.height.baseVal.value * 2;
        var context = canvas.getContext("2d");
        context.scale(2, 2);
        context.drawImage(image, 0, 0);
        canvas.toBlob(function (blob) {
          var link = document.createElement("a");
          link.href = URL.createObjectURL(blob);
          link.download = button.dataset.filename;
          link.click();
          setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
        }, "image/png");
      };
      image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(data);
    });
  });
})();
