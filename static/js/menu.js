// Folds a long main menu behind its "Menu" button on narrow screens (see app.css).
// Without this script the button stays hidden and the menu stays open.
(function () {
  "use strict";
  var nav = document.querySelector(".main-nav.collapsible");
  var button = nav && nav.querySelector(".menu-toggle");
  if (!button) {
    return;
  }
  nav.classList.add("js-menu");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = nav.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && nav.classList.contains("open")) {
      nav.classList.remove("open");
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
  });
})();
