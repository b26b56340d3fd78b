// Safety on every page.
// Quick exit: the page's content is hidden at once, then the browser leaves for a neutral
// site, replacing this page in the history so that Back does not return to it. Esc
// pressed twice within a second does the same.
// Leave no trace: a page about a sensitive category (the body names a neutral address)
// replaces its own history entry with that neutral one once shown, so that neither Back
// nor the history list shows what was searched for or where. The quick exit also deletes
// the pages that the service worker kept for offline use.
// Offline: the service worker (public_site/service_worker.js) keeps the last pages viewed
// and serves one when the network fails; such a copy says when it was saved.
(function () {
  "use strict";
  // The service worker's cache of pages (public_site/service_worker.js names it too).
  var SAVED_PAGES = "pages";
  // Dates as written in Morocco, with Latin digits in Arabic too.
  var LOCALES = { ar: "ar-MA-u-nu-latn", fr: "fr-MA" };

  var neutralUrl = document.body.dataset.neutralUrl;
  if (neutralUrl && window.history.replaceState) {
    window.history.replaceState(null, "", neutralUrl);
    if (document.body.dataset.neutralTitle) {
      document.title = document.body.dataset.neutralTitle;
    }
  }

  var worker = document.body.dataset.serviceWorker;
  if (worker && "serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(worker).catch(function () {
        // Without the worker the site works as before, only not offline.
      });
    });
  }

  var savedAt = document.documentElement.dataset.savedAt;
  var savedNote = document.getElementById("saved-note");
  var savedTime = document.getElementById("saved-at");
  if (savedAt && savedNote && savedTime) {
    var when = new Date(savedAt);
    var shown;
    try {
      shown = new Intl.DateTimeFormat(LOCALES[document.documentElement.lang] || "en", {
        dateStyle: "long",
        timeStyle: "short"
      }).format(when);
    } catch (error) {
      shown = when.toLocaleString();
    }
    // Shown, then filled: the status is read out as the time appears.
    savedNote.hidden = false;
    savedTime.dateTime = savedAt;
    savedTime.textContent = shown;
  }

  var exit = document.getElementById("quick-exit");
  if (!exit) {
    return;
  }
  // Started, not awaited: leaving is never delayed. The worker, told too, finishes the
  // deletion after the page has gone.
  function forgetSavedPages() {
    try {
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("forget-pages");
      }
      if (window.caches) {
        window.caches.delete(SAVED_PAGES).catch(function () {});
      }
    } catch (error) {
      // Nothing may stop the exit.
    }
  }
  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    document.documentElement.style.visibility = "hidden";
    document.body.hidden = true;
    document.title = "";
    forgetSavedPages();
    window.location.replace(exit.dataset.exitUrl);
  }
  exit.addEventListener("click", leave);
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var now = Date.now();
    if (now - lastEscape < 1000) {
      leave(event);
    }
    lastEscape = now;
  });
})();
