/* Statistics dashboards: draw each <canvas data-chart="ID"> with Chart.js from the JSON in
   <script type="application/json" id="ID"> (Django's json_script), or in its data-chart-spec attribute
   when it came in an htmx fragment. No inline script, no inline style in
   the markup: the Content-Security-Policy allows neither. Chart.js sizes canvases through the CSSOM,
   which the policy allows. Charts inside fragments loaded by htmx are drawn when they arrive.
   Each chart repeats a table of the same figures (<details>), which is what assistive technology reads. */
(function () {
  "use strict";

  // The palette of motcua.css; every colour has at least 3:1 contrast on white (WCAG 1.4.11).
  var TONES = {
    primary: "#0b4f8a",
    success: "#1e6b34",
    danger: "#a4161a",
    warning: "#8a5a00",
    group1: "#0b4f8a",
    group2: "#1e6b34",
    group3: "#6b3fa0",
    group4: "#8a5a00",
    group5: "#00707a",
    group6: "#a4161a"
  };
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var locale = document.documentElement.lang || "vi";

  function colour(tone) {
    if (Array.isArray(tone)) {
      return tone.map(colour);
    }
    return TONES[tone] || TONES.primary;
  }

  function formatted(value, percent) {
    if (value === null || value === undefined) {
      return "—";
    }
    var text = Number(value).toLocaleString(locale, { maximumFractionDigits: 2 });
    return percent ? text + " %" : text;
  }

  function datasets(spec) {
    return spec.datasets.map(function (set) {
      var fill = colour(set.tone);
      return {
        label: set.label,
        data: set.data,
        backgroundColor: fill,
        borderColor: spec.type === "doughnut" ? "#ffffff" : fill,
        borderWidth: spec.type === "line" ? 3 : 1,
        pointRadius: spec.type === "line" ? 4 : undefined,
        spanGaps: false
      };
    });
  }

  function scales(spec) {
    if (spec.type === "doughnut") {
      return {};
    }
    var value = {
      beginAtZero: true,
      stacked: Boolean(spec.stacked),
      ticks: { callback: function (tick) { return formatted(tick, spec.percent); } }
    };
    if (spec.percent) {
      value.max = 100;
    }
    var category = { stacked: Boolean(spec.stacked), ticks: { autoSkip: false } };
    return spec.horizontal ? { x: value, y: category } : { x: category, y: value };
  }

  // Unit names are long: on a horizontal chart each becomes lines of about `width` characters.
  function wrapped(label, width) {
    var lines = [];
    var line = "";
    String(label).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) {
      lines.push(line);
    }
    return lines;
  }

  function config(spec) {
    var labels = spec.horizontal ? spec.labels.map(function (label) { return wrapped(label, 26); }) : spec.labels;
    return {
      type: spec.type,
      data: { labels: labels, datasets: datasets(spec) },
      options: {
        locale: locale,
        responsive: true,
        maintainAspectRatio: !spec.horizontal,
        aspectRatio: spec.type === "doughnut" ? 1.6 : 2,
        indexAxis: spec.horizontal ? "y" : "x",
        animation: reducedMotion ? false : { duration: 400 },
        scales: scales(spec),
        plugins: {
          legend: { display: spec.datasets.length > 1 || spec.type === "doughnut", position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                var name = spec.type === "doughnut" ? String(item.label) : item.dataset.label;
                return name + ": " + formatted(item.raw, spec.percent);
              }
            }
          }
        }
      }
    };
  }

  // A page's chart reads its <script type="application/json">; a fragment swapped in by htmx, which drops
  // every <script> it inserts, carries the same JSON in data-chart-spec.
  function specOf(canvas) {
    var inline = canvas.getAttribute("data-chart-spec");
    if (inline) {
      return JSON.parse(inline);
    }
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    return source ? JSON.parse(source.textContent) : null;
  }

  function draw(canvas) {
    if (typeof window.Chart === "undefined" || window.Chart.getChart(canvas)) {
      return;
    }
    var spec = specOf(canvas);
    if (!spec) {
      return;
    }
    if (spec.horizontal) {
      // A bar per unit needs room: the box grows with the number of units (set through the CSSOM).
      canvas.parentNode.style.height = Math.max(12, spec.labels.length * 3 + 5) + "rem";
    }
    new window.Chart(canvas, config(spec));
  }

  function drawIn(root) {
    var canvases = root.querySelectorAll ? root.querySelectorAll("canvas[data-chart]") : [];
    Array.prototype.forEach.call(canvases, draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawIn(document); });
  document.addEventListener("htmx:load", function (event) { drawIn(event.target); });
})();
