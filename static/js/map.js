// The map beside the list: the same centers, clustered when many; the boundaries of the
// regions (or of a region's provinces). Leaflet takes [lat, lng]; GeoJSON gives
// [lng, lat]. The list stays the accessible way through the results.
(function () {
  "use strict";

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    var config = document.getElementById("map-config").dataset;
    var data = JSON.parse(document.getElementById("map-centers").textContent);
    var legend = JSON.parse(document.getElementById("map-legend").textContent);
    var pageLanguage = document.documentElement.lang;
    // The features are the API's, with a name in each language: the first the page's
    // language has, as the list beside the map gives it, with the language it is in.
    function nameOf(properties) {
      for (var i = 0; i < legend.languages.length; i++) {
        var language = legend.languages[i];
        if (properties["name_" + language]) {
          return { text: properties["name_" + language], language: language };
        }
      }
      return { text: "", language: pageLanguage };
    }
    // A name in another language than the page's is marked with it (WCAG 3.1.2).
    function markLanguage(element, name) {
      if (name.language !== pageLanguage) {
        element.lang = name.language;
        element.dir = legend.directions[name.language];
      }
      return element;
    }
    // A number as the page's language writes it, as the server's pages do: "1.234,5".
    function formatNumber(value, decimals) {
      var parts = value.toFixed(decimals).split(".");
      var grouping = legend.numbers.grouping;
      if (grouping > 0) {
        var pattern = new RegExp("\\B(?=(\\d{" + grouping + "})+(?!\\d))", "g");
        parts[0] = parts[0].replace(pattern, legend.numbers.thousands);
      }
      return parts.join(legend.numbers.decimal);
    }
    // A marker's popup: the center's name, a link to its page, and its distance.
    function popupOf(feature, name) {
      var content = document.createElement("div");
      content.className = "map-popup";
      var link = markLanguage(document.createElement("a"), name);
      link.href = legend.center_url.replace("SLUG", encodeURIComponent(feature.properties.slug));
      link.textContent = name.text;
      content.appendChild(link);
      if (typeof feature.properties.distance_m === "number") {
        var distance = document.createElement("p");
        distance.className = "map-popup-distance";
        distance.textContent = legend.distance.replace(
          "%(km)s", formatNumber(feature.properties.distance_m / 1000, 1)
        );
        content.appendChild(distance);
      }
      return content;
    }
    var list = document.getElementById("center-list");
    var markers = {};
    var group = L.markerClusterGroup ? L.markerClusterGroup({ showCoverageOnHover: false }) : L.featureGroup();

    data.features.forEach(function (feature) {
      var lng = feature.geometry.coordinates[0];
      var lat = feature.geometry.coordinates[1];
      var card = document.getElementById("center-" + feature.id);
      var name = nameOf(feature.properties);
      var icon = L.divIcon({
        className: "center-marker",
        html: '<span style="background:' + legend.colors[feature.properties.category] + '"></span>',
        iconSize: [22, 22],
        iconAnchor: [11, 11]
      });
      var marker = L.marker([lat, lng], { icon: icon, title: name.text, alt: name.text, keyboard: true });
      marker.bindPopup(popupOf(feature, name));
      marker.on("add", function () {
        markLanguage(marker.getElement(), name);
      });
      marker.on("click", function () {
        if (card) {
          highlight(feature.id);
          card.scrollIntoView({ block: "nearest" });
        }
      });
      markers[feature.id] = marker;
      group.addLayer(marker);
    });
    group.addTo(map);

    function highlight(id) {
      if (!list) {
        return;
      }
      list.querySelectorAll(".center-card.active").forEach(function (card) {
        card.classList.remove("active");
      });
      var card = document.getElementById("center-" + id);
      if (card) {
        card.classList.add("active");
      }
    }

    if (list) {
      list.querySelectorAll(".center-card").forEach(function (card) {
        var id = card.dataset.center;
        function show() {
          highlight(id);
          var marker = markers[id];
          if (marker && group.zoomToShowLayer) {
            group.zoomToShowLayer(marker, function () {});
          }
        }
        card.addEventListener("mouseenter", function () { highlight(id); });
        card.addEventListener("focusin", show);
      });
    }

    var bounds = group.getBounds();
    if (config.originLat) {
      // Around a search's starting point, the view holds the three nearest centers; the
      // others are a zoom away.
      var origin = L.latLng(parseFloat(config.originLat), parseFloat(config.originLon));
      L.circleMarker(origin, { radius: 6, color: "#1a1a1a", weight: 2, fillOpacity: 0.2 })
        .bindTooltip(config.originLabel)
        .addTo(map);
      bounds = L.latLngBounds([origin]);
      data.features.slice(0, 3).forEach(function (feature) {
        bounds.extend(L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]));
      });
    }
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: parseInt(config.zoom || "14", 10) });
    }

    // Our own boundaries and names, so that the map makes sense without any tile.
    window.directoryBaseLayers(map, config).then(function (collection) {
      if (collection && !bounds.isValid()) {
        map.fitBounds(L.geoJSON(collection).getBounds());
      }
    });
  });
})();
