// newswatch explorer: draws the charts from their JSON data blocks and fills the entity-name
// suggestions of the search box. No data is ever evaluated as code.
"use strict";

function drawCharts() {
  document.querySelectorAll("script.chart-spec").forEach(function (block) {
    var target = document.getElementById(block.dataset.target);
    if (!target || typeof vegaEmbed === "undefined") return;
    var spec = JSON.parse(block.textContent);
    // Bars carry permalinks (href); open them in this tab.
    vegaEmbed(target, spec, { renderer: "svg", actions: false, loader: { target: "_self" } })
      .then(function () { target.dataset.drawn = "yes"; })
      .catch(function (err) { target.textContent = "chart failed: " + err; });
  });
}

function suggestNames() {
  var box = document.getElementById("q");
  var list = document.getElementById("entity-names");
  if (!box || !list) return;
  var base = document.body.dataset.base || "";
  var pending = null;
  box.addEventListener("input", function () {
    var prefix = box.value.trim();
    if (pending) clearTimeout(pending);
    if (prefix.length < 2) return;
    pending = setTimeout(function () {
      fetch(base + "/api/suggest?prefix=" + encodeURIComponent(prefix), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (names) {
          list.replaceChildren();
          names.forEach(function (name) {
            var option = document.createElement("option");
            option.value = name;  // a property, never parsed as markup
            list.appendChild(option);
          });
        });
    }, 150);
  });
}

document.addEventListener("DOMContentLoaded", function () {
  drawCharts();
  suggestNames();
});
