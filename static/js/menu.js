// Folds a long main menu behind its "Menu" button on narrow screens (see app.css), and turns
// the group names of the reps' and organisers' menu into disclosure buttons (one group open
// at a time; Escape closes). Without this script the button stays hidden, the menu stays open
// and every group shows under its name.
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

  var toggles = [];
  function closeGroups(except) {
    toggles.forEach(function (toggle) {
      if (toggle !== except) { toggle.setAttribute("aria-expanded", "false"); }
    });
  }
  Array.prototype.forEach.call(nav.querySelectorAll(".nav-group"), function (group) {
    var name = group.querySelector(".nav-group-name");
    var items = group.querySelector(".nav-group-items");
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "nav-group-toggle";
    toggle.id = name.id;
    toggle.textContent = name.textContent;
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", items.id);
    name.replaceWith(toggle);
    toggles.push(toggle);
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      closeGroups(toggle);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
  nav.classList.toggle("js-groups", toggles.length > 0);
  document.addEventListener("click", function (event) {
    if (!nav.contains(event.target)) { closeGroups(null); }
  });

  nav.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = toggles.filter(function (t) { return t.getAttribute("aria-expanded") === "true"; })[0];
    if (open) {
      open.setAttribute("aria-expanded", "false");
      open.focus();
    } else if (nav.classList.contains("open")) {
      nav.classList.remove("open");
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
  });
})();
