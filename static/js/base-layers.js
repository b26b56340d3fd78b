// The layers under a map's centers, drawn from the project's own data and origin: the
// regions' boundaries and names, and from zoom 8 the provinces of the regions in view with
// their names. Street tiles are added only when the page names a tile server it may ask
// (geo_directory/maps.py), and never send the page's address.
//   directoryBaseLayers(map, element.dataset) with data-regions-url, data-provinces-url
//   (".../regions/00/provinces.geojson", 00 standing for a region's code), and optionally
//   data-tiles-url, data-tiles-attribution and data-provinces-from-zoom.
(function () {
  "use strict";
  var PROVINCES_FROM_ZOOM = 8;
  var LINE = { color: "#4a4a4a", weight: 1, fill: false };

  function fetchGeoJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : null; });
  }

  function lang() {
    var language = document.documentElement.lang;
    return language === "ar" || language === "fr" ? language : "en";
  }

  function labelled(collection, className) {
    return L.geoJSON(collection, {
      interactive: false,
      style: LINE,
      onEachFeature: function (feature, layer) {
        var properties = feature.properties || {};
        var name = properties["name_" + lang()] || properties.name_fr || "";
        if (name) {
          layer.bindTooltip(name, { permanent: true, direction: "center", className: className });
        }
      }
    });
  }

  window.directoryBaseLayers = function (map, config) {
    if (config.tilesUrl) {
      L.tileLayer(config.tilesUrl, {
        attribution: config.tilesAttribution || "",
        maxZoom: 18,
        referrerPolicy: "no-referrer"
      }).addTo(map);
    }
    var loaded = fetchGeoJSON(config.regionsUrl).then(function (collection) {
      if (!collection) {
        return null;
      }
      var regions = labelled(collection, "area-label region-label").addTo(map);
      regions.bringToBack();
      return collection;
    }).catch(function () { return null; });

    if (!config.provincesUrl) {
      return loaded;
    }
    var fromZoom = config.provincesFromZoom ? parseInt(config.provincesFromZoom, 10) : PROVINCES_FROM_ZOOM;
    var provinces = {};
    function showProvinces(collection) {
      var inView = map.getBounds();
      (collection.features || []).forEach(function (region) {
        var code = region.properties && region.properties.code;
        if (!code || provinces[code] || !L.geoJSON(region).getBounds().intersects(inView)) {
          return;
        }
        provinces[code] = fetchGeoJSON(config.provincesUrl.replace("/00/", "/" + code + "/"))
          .then(function (provinceCollection) {
            return provinceCollection ? labelled(provinceCollection, "area-label province-label") : null;
          })
          .catch(function () { return null; });
      });
      Object.keys(provinces).forEach(function (code) {
        provinces[code].then(function (layer) {
          if (!layer) {
            return;
          }
          if (map.getZoom() >= fromZoom) {
            layer.addTo(map);
          } else {
            map.removeLayer(layer);
          }
        });
      });
    }
    loaded.then(function (collection) {
      if (!collection) {
        return;
      }
      function update() {
        map.getContainer().classList.toggle("show-provinces", map.getZoom() >= fromZoom);
        if (map.getZoom() >= fromZoom) {
          showProvinces(collection);
        } else {
          Object.keys(provinces).forEach(function (code) {
            provinces[code].then(function (layer) { if (layer) { map.removeLayer(layer); } });
          });
        }
      }
      map.on("zoomend moveend", update);
      update();
    });
    return loaded;
  };
})();
