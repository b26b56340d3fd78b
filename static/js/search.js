// The search form's enhancements: "use my location" and place suggestions. Without
// them the form still works: a typed place is looked up by the server.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) {
    return;
  }
  // A search's page opens on its results: keyboard and screen-reader focus start at
  // their heading, which says how many centers were found and from where.
  var results = document.getElementById("results-title");
  if (results) {
    results.scrollIntoView({ block: "start" });
    results.focus({ preventScroll: true });
  }
  var locate = document.getElementById("use-my-location");
  var or = document.getElementById("locate-or");
  var status = document.getElementById("locate-status");
  var place = document.getElementById("place");
  var suggestions = document.getElementById("place-suggestions");
  // Decimals of a degree kept in the address: 3, about 100 m.
  var DECIMALS = 3;

  function chosenCategory() {
    var checked = form.querySelector("input[name=category]:checked");
    return checked ? checked.value : "";
  }

  function searchFrom(lat, lon) {
    // The form's address, which opens the page on its results (#results).
    var url = new URL(form.action);
    if (chosenCategory()) {
      url.searchParams.set("category", chosenCategory());
    }
    url.searchParams.set("lat", lat.toFixed(DECIMALS));
    url.searchParams.set("lon", lon.toFixed(DECIMALS));
    // Replace, not push: the position is not kept as a step in the history.
    window.location.replace(url.toString());
  }

  if (locate && "geolocation" in navigator) {
    locate.hidden = false;
    or.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = "…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          searchFrom(position.coords.latitude, position.coords.longitude);
        },
        function () {
          status.textContent = locate.dataset.denied;
          place.focus();
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
      );
    });
  }

  // Suggestions come from the place search, as the person types.
  var pending = null;
  var codes = {};
  place.addEventListener("input", function () {
    var text = place.value.trim();
    if (pending) {
      clearTimeout(pending);
    }
    if (text.length < 2 || codes[text]) {
      return;
    }
    pending = setTimeout(function () {
      var url = place.dataset.placesUrl + "?limit=8&q=" + encodeURIComponent(text);
      fetch(url, { headers: { Accept: "application/json", "Accept-Language": document.documentElement.lang } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (page) {
          suggestions.textContent = "";
          page.results.forEach(function (found) {
            // The place's name in the page's language, a district's with its commune's
            // ("Maârif, Casablanca"), as the server names it.
            var option = document.createElement("option");
            // Found by another of its names: say which ("Tangier → Tanger"), the arrow
            // pointing the way the page reads.
            var arrow = document.documentElement.dir === "rtl" ? " ← " : " → ";
            var shown = found.matched ? found.matched + arrow + found.label : found.label;
            option.value = shown + " — " + found.code;
            codes[option.value] = found.code;
            suggestions.appendChild(option);
          });
        })
        .catch(function () { /* the server still understands a typed name */ });
    }, 250);
  });
  // A chosen suggestion is sent as its official code, which names one place only.
  form.addEventListener("submit", function () {
    var code = codes[place.value.trim()];
    if (code) {
      place.value = code;
    }
  });
})();
