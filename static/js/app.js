/* CPMS – small enhancements only; every page works without JavaScript. */
(function () {
  "use strict";
  // Buttons with data-confirm ask before submitting their form.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // The menu is sent closed: a wide screen opens it (for browsers without ::details-content), a phone keeps it
  // closed behind its "Menu" button.
  function fitMenu() {
    var menu = document.querySelector("details.menu");
    var narrow = window.matchMedia("(max-width: 40rem)");
    if (!menu) { return; }
    function apply() { menu.open = !narrow.matches; }
    apply();
    if (narrow.addEventListener) { narrow.addEventListener("change", apply); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fitMenu);
  } else {
    fitMenu();
  }
})();
