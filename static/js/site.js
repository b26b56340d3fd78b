// Quick exit: leave at once for a neutral site, replacing this page in the history so
// that the back button does not return to it. Esc pressed twice does the same.
(function () {
  "use strict";
  var exit = document.getElementById("quick-exit");
  if (!exit) {
    return;
  }
  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    document.body.hidden = true;
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
