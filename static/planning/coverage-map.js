// The staff coverage map: fetches the units' simplified boundaries with their
// indicators (GeoJSON, longitude first) and colours them by the chosen indicator in a
// sequential palette, with a legend. Settings come from the page (json_script
// "coverage-map-config"); names and labels are text nodes, never HTML.
(function () {
  "use strict";

  // ColorBrewer sequential ramps, light to dark: "far" (YlOrRd), darker is farther from
  // help; "more" (Blues), darker is more centers.
  var RAMPS = {
    far: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
    more: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
  };
  var NO_FIGURE = "#bdbdbd";
  var QUANTILE_CLASSES = 5;

  function quantileBreaks(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var breaks = [];
    for (var i = 1; i < QUANTILE_CLASSES; i++) {
      var value = sorted[Math.floor((i * sorted.length) / QUANTILE_CLASSES)];
      if (value !== undefined && value > sorted[0] && breaks.indexOf(value) === -1) {
        breaks.push(value);
      }
    }
    return breaks;
  }

  function colours(ramp, count) {
    if (count === 1) {
      return [ramp[ramp.length - 1]];
    }
    var chosen = [];
    for (var i = 0; i < count; i++) {
      chosen.push(ramp[Math.round((i * (ramp.length - 1)) / (count - 1))]);
    }
    return chosen;
  }

  function classOf(value, breaks) {
    var index = 0;
    while (index < breaks.length && value >= breaks[index]) {
      index++;
    }
    return index;
  }

  function formatter(config) {
    var language = document.documentElement.lang || undefined;
    var decimals = config.unit === "number" ? 2 : 0;
    var number = new Intl.NumberFormat(language, { maximumFractionDigits: decimals });
    var kilometres = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
    return function (value) {
      if (config.unit === "km") {
        return kilometres.format(value / 1000) + " " + config.texts.km;
      }
      if (config.unit === "percent") {
        return number.format(value * 100) + " %";
      }
      return number.format(value);
    };
  }

  function localName(properties) {
    var language = document.documentElement.lang;
    return properties["name_" + language] || properties.name_fr || properties.name_ar || properties.code;
  }

  function legendControl(config, values, breaks, palette, format) {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = L.DomUtil.create("div", "coverage-legend");
      box.dir = document.documentElement.dir;
      var title = L.DomUtil.create("p", "coverage-legend-title", box);
      title.textContent = config.label;
      var list = L.DomUtil.create("ul", "", box);
      (values.length ? palette : []).forEach(function (colour, index) {
        var text;
        if (breaks.length === 0) {
          text = format(values[0]);
        } else if (index === 0) {
          text = "< " + format(breaks[0]);
        } else if (index === breaks.length) {
          text = "≥ " + format(breaks[index - 1]);
        } else {
          text = format(breaks[index - 1]) + " – " + format(breaks[index]);
        }
        addLegendItem(list, colour, text);
      });
      addLegendItem(list, NO_FIGURE, config.texts.noFigure);
      return box;
    };
    return legend;
  }

  function addLegendItem(list, colour, text) {
    var item = L.DomUtil.create("li", "", list);
    var swatch = L.DomUtil.create("span", "coverage-swatch", item);
    swatch.style.backgroundColor = colour;
    item.appendChild(document.createTextNode(text));
  }

  function draw(map, collection, config) {
    var values = collection.features
      .map(function (feature) { return feature.properties[config.indicator]; })
      .filter(function (value) { return value !== null && value !== undefined; });
    var breaks = config.breaks || quantileBreaks(values);
    var palette = colours(RAMPS[config.palette], breaks.length + 1);
    var format = formatter(config);

    var layer = L.geoJSON(collection, {
      style: function (feature) {
        var value = feature.properties[config.indicator];
        var missing = value === null || value === undefined;
        return {
          color: "#555555",
          weight: 0.6,
          fillOpacity: 0.8,
          fillColor: missing ? NO_FIGURE : palette[classOf(value, breaks)]
        };
      },
      onEachFeature: function (feature, featureLayer) {
        var value = feature.properties[config.indicator];
        var label = document.createElement("span");
        label.dir = "auto";
        var name = document.createElement("strong");
        name.textContent = localName(feature.properties);
        label.appendChild(name);
        label.appendChild(document.createElement("br"));
        label.appendChild(document.createTextNode(
          value === null || value === undefined ? config.texts.noFigure : format(value)
        ));
        featureLayer.bindTooltip(label, { sticky: true });
      }
    }).addTo(map);
    legendControl(config, values, breaks, palette, format).addTo(map);
    if (layer.getBounds().isValid()) {
      map.fitBounds(layer.getBounds());
    }
  }

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    if (map.getContainer().id !== "coverage-map") {
      return;
    }
    var config = JSON.parse(document.getElementById("coverage-map-config").textContent);
    var status = document.getElementById("coverage-map-status");
    status.textContent = config.texts.loading;
    fetch(config.geojsonUrl, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        draw(map, collection, config);
        status.textContent = "";
      })
      .catch(function () {
        status.textContent = config.texts.failed;
      });
  });
})();
