// The map (ECharts, served by the app): the places of a region shaded by one measure, from the
// json_script element the page renders with the deployment's GeoJSON. A click opens the place's
// own map or, at the lowest level, the cases behind its number. The table beside it has the
// same figures.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("map-data");
    var el = document.getElementById("region-map");
    if (!source || !el || !window.echarts) return;
    var spec = JSON.parse(source.textContent);
    if (!spec.geo || !spec.data.length) return;
    window.echarts.registerMap(spec.map, spec.geo);
    // Canvas and rich-text tooltips: the Content-Security-Policy refuses style attributes.
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    // Names: the division's own, else the shape's (a shape with no division here counts none).
    var labels = {};
    spec.geo.features.forEach(function (f) {
      var p = f.properties || {};
      if (p.code) labels[p.code] = p.name || p.code;
    });
    spec.data.forEach(function (d) { labels[d.name] = d.label; });
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        renderMode: "richText",
        formatter: function (p) {
          return (labels[p.name] || p.name) + ": " + (p.value == null || isNaN(p.value) ? 0 : p.value);
        }
      },
      visualMap: {
        min: 0,
        max: Math.max(spec.max, 1),
        orient: "horizontal",
        left: "center",
        bottom: 0,
        itemWidth: 12,
        itemHeight: 120,
        calculable: false,
        text: [String(Math.max(spec.max, 1)), "0"],
        inRange: { color: ["#f6efe6", "#f0b27a", "#d35f4a", "#8e1f17"] }
      },
      series: [{
        type: "map",
        map: spec.map,
        nameProperty: "code",
        top: 8,
        bottom: 48,
        selectedMode: false,
        label: {
          show: true,
          fontSize: 12,
          color: "#1b1b1b",
          textBorderColor: "#fff",
          textBorderWidth: 3,
          formatter: function (p) {
            var v = p.value == null || isNaN(p.value) ? 0 : p.value;
            return (labels[p.name] || p.name) + "\n" + v;
          }
        },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#f3d250" } },
        itemStyle: { borderColor: "#555", borderWidth: 1 },
        data: spec.data
      }]
    });
    chart.on("click", function (p) {
      if (p.data && p.data.href) window.location.href = p.data.href;
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
