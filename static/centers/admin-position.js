// Staff position picker: keeps the pin on the map and the latitude/longitude inputs in
// step, and says which commune the point falls in. Leaflet takes [lat, lng].
(function () {
  "use strict";

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    if (map.getContainer().id !== "position-map") {
      return;
    }
    var latitude = document.getElementById("id_latitude");
    var longitude = document.getElementById("id_longitude");
    var place = document.getElementById("position-place");
    var api = document.getElementById("position-api").dataset;
    var marker = null;
    window.directoryBaseLayers(map, api);

    function readInputs() {
      var lat = parseFloat(latitude.value);
      var lng = parseFloat(longitude.value);
      return isFinite(lat) && isFinite(lng) ? L.latLng(lat, lng) : null;
    }

    function describe(latLng) {
      var url = api.locateUrl + "?lat=" + latLng.lat + "&lon=" + latLng.lng;
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 404) {
            place.textContent = api.outside;
            return null;
          }
          return response.ok ? response.json() : null;
        })
        .then(function (location) {
          if (location) {
            place.textContent = api.fallsIn + ": " + [location.district, location.commune, location.province, location.region]
              .filter(Boolean)
              .map(function (area) { return area.name_fr + " / " + area.name_ar; })
              .join(" · ");
          }
        });
    }

    function placeMarker(latLng, pan) {
      if (!marker) {
        // Drawn by CSS: Leaflet's default pin image is looked for beside the page.
        var pin = L.divIcon({ className: "position-pin", html: "<span></span>", iconSize: [24, 24], iconAnchor: [12, 24] });
        marker = L.marker(latLng, { draggable: true, keyboard: true, icon: pin, title: api.pinTitle || "" }).addTo(map);
        marker.on("dragend", function () { updateInputs(marker.getLatLng()); });
      } else {
        marker.setLatLng(latLng);
      }
      if (pan) {
        map.setView(latLng, Math.max(map.getZoom(), 13));
      }
      describe(latLng);
    }

    function updateInputs(latLng) {
      latitude.value = latLng.lat.toFixed(7);
      longitude.value = latLng.lng.toFixed(7);
      describe(latLng);
    }

    map.on("click", function (clickEvent) {
      placeMarker(clickEvent.latlng, false);
      updateInputs(clickEvent.latlng);
    });
    [latitude, longitude].forEach(function (input) {
      input.addEventListener("change", function () {
        var latLng = readInputs();
        if (latLng) {
          placeMarker(latLng, true);
        }
      });
    });

    var initial = readInputs();
    if (initial) {
      placeMarker(initial, true);
    }
  });
})();
