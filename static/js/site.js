// Safety on every page.
// Quick exit: the page's content is hidden at once, then the browser leaves for a neutral
// site, replacing this page in the history so that Back does not return to it. Esc
// pressed twice within a second does the same.
// Leave no trace: a page about a sensitive category (the body names a neutral address)
// replaces its own history entry with that neutral one once shown, so that neither Back
// nor the history list shows what was searched for or where.
(function () {
  "use strict";
  var neutralUrl = document.body.dataset.neutralUrl;
  if (neutralUrl && window.history.replaceState) {
    window.history.replaceState(null, "", neutralUrl);
    if (document.body.dataset.neutralTitle) {
      document.title = document.body.dataset.neutralTitle;
    }
  }

  var exit = document.getElementById("quick-exit");
  if (!exit) {
    return;
  }
  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    document.documentElement.style.visibility = "hidden";
    document.body.hidden = true;
    document.title = "";
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
