// Statistics charts (ECharts, served by the app). Data comes from the json_script element the
// page renders; every segment links to the list of cases behind it.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("stat-charts");
    if (!source || !window.echarts) return;
    var charts = JSON.parse(source.textContent);
    var drawn = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = charts[el.getAttribute("data-chart").replace(/^chart-/, "")];
      if (!spec || !spec.data.length) {
        el.classList.add("empty");
        return;
      }
      if (spec.kind === "bar") {
        // One band a row: a few bars stay thin, many stay readable.
        el.style.height = Math.max(120, spec.data.length * 36 + 48) + "px";
      }
      // Canvas and rich-text tooltips: HTML tooltips and the SVG renderer write style attributes,
      // which the Content-Security-Policy refuses.
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      var option;
      if (spec.kind === "pie") {
        option = {
          tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)", renderMode: "richText" },
          legend: { bottom: 0, type: "scroll" },
          series: [{ type: "pie", radius: ["35%", "65%"], top: 0, bottom: 30, data: spec.data,
            label: { formatter: "{b}\n{c}" } }]
        };
      } else {
        option = {
          tooltip: { trigger: "axis", renderMode: "richText" },
          grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
          xAxis: { type: "value" },
          yAxis: { type: "category", inverse: true,
            data: spec.data.map(function (d) { return d.name; }),
            axisLabel: { width: 120, overflow: "truncate" } },
          series: [{ type: "bar", data: spec.data, barMaxWidth: 24, itemStyle: { color: "#b23a2e" },
            label: { show: true, position: "right" } }]
        };
      }
      // No growing animation: the figures are read, and a segment can be clicked at once.
      option.animation = false;
      chart.setOption(option);
      chart.on("click", function (p) {
        if (p.data && p.data.href) window.location.href = p.data.href;
      });
      drawn.push(chart);
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (c) { c.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
