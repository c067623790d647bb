// The dashboard's charts: each <canvas data-chart="id"> draws the JSON in <script id="id">
// (written by json_script). The same numbers are in the table under each chart.
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  if (typeof Chart === "undefined") { return; }
  var colours = ["#adb5bd", "#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.datasets.map(function (set, i) {
      return { label: set.label, data: set.data, backgroundColor: colours[i % colours.length] };
    });
    var chart = new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: canvas.dataset.horizontal ? "y" : "x",
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
        scales: { x: { ticks: { autoSkip: false } }, y: { beginAtZero: true } }
      }
    });
    canvas.dataset.drawn = "1";
    canvas.chart = chart;
  });
})();
