// Roundtable timetable: move or swap meetings by dragging them, or with the keyboard.
// Progressive enhancement over the "Move" and "Swap" forms below the grid: the same endpoints,
// the same CSRF token and the same server-side checks; the server answers JSON to this script
// and a redirect to the forms. A refusal is shown beside the grid (aria-live) and changes
// nothing; a success reloads the timetable with the moved meetings highlighted.
(function () {
  "use strict";
  var board = document.querySelector(".rt-timetable[data-board]");
  var moveForm = document.getElementById("move-form");
  var swapForm = document.getElementById("swap-form");
  if (!board || !moveForm || !swapForm || !window.fetch || !window.FormData) { return; }
  var live = document.getElementById("rt-live");
  var help = document.getElementById("rt-dnd-help");
  var picked = null;  // the <td> whose meeting is being moved
  var busy = false;
  help.hidden = false;

  function text(key, fallback) { return board.getAttribute("data-" + key) || fallback; }

  function say(message, isError) {
    live.textContent = "";
    var p = document.createElement("p");
    p.className = "flash " + (isError ? "flash-error" : "flash-info");
    p.textContent = message;
    live.appendChild(p);
    live.setAttribute("role", isError ? "alert" : "status");
  }

  // One grid per day (and session): a meeting may move to any of them.
  var grids = Array.prototype.slice.call(board.querySelectorAll("table.rt-grid"));

  function cells() { return Array.prototype.slice.call(board.querySelectorAll(".rt-grid td.rt-cell")); }

  function dayTitle(grid) {
    var region = grid.closest("[aria-labelledby]");
    var heading = region && document.getElementById(region.getAttribute("aria-labelledby"));
    return heading ? heading.textContent : "";
  }

  function cellLabel(td) {
    var row = td.parentNode.querySelector("th");
    var grid = td.closest("table");
    var table = grid.querySelectorAll("thead th")[td.cellIndex];
    var meeting = td.querySelector(".rt-meeting");
    var label = (table ? table.textContent : "") + ", " + (row ? row.textContent : "") + ", " +
      (meeting ? meeting.getAttribute("title") : text("free", "free"));
    // Named with its day when there are several, so a move across days is heard as one.
    return grids.length > 1 ? dayTitle(grid) + ", " + label : label;
  }

  function grabButton(td) { return td.querySelector(".rt-grab"); }

  // A drag announces nothing and keeps the focus: a message appearing above the grid would
  // shift the cells under the pointer.
  function pickUp(td, dragging) {
    cancel(false);
    picked = td;
    td.classList.add("rt-picked");
    grabButton(td).setAttribute("aria-pressed", "true");
    grids.forEach(function (grid) { grid.classList.add("rt-picking"); });
    cells().forEach(function (cell) {
      cell.setAttribute("tabindex", "-1");
      cell.setAttribute("aria-label", cellLabel(cell));
    });
    if (dragging) { return; }
    td.focus();
    say(text("picked", "Meeting picked up.") + " " + td.querySelector(".rt-meeting").getAttribute("title"));
  }

  function cancel(announce) {
    if (!picked) { return; }
    var td = picked;
    picked = null;
    td.classList.remove("rt-picked");
    grids.forEach(function (grid) { grid.classList.remove("rt-picking"); });
    cells().forEach(function (cell) {
      cell.removeAttribute("tabindex");
      cell.removeAttribute("aria-label");
    });
    var button = grabButton(td);
    if (button) {
      button.setAttribute("aria-pressed", "false");
      if (announce) { button.focus(); say(text("cancelled", "Move cancelled."), false); }
    }
  }

  function post(form, values) {
    var data = new FormData(form);
    Object.keys(values).forEach(function (name) { data.set(name, values[name]); });
    busy = true;
    return fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
    }).then(function (result) {
      if (result.ok && result.answer.redirect) {
        // Without the #timetable fragment: scrolling to it would take the focus this script
        // gives the moved meeting after the reload.
        window.location.assign(result.answer.redirect.split("#")[0]);
        return;
      }
      busy = false;
      var error = result.answer.error || {};
      say(error.message || text("failed", "This change is not possible."), true);
    }).catch(function () {
      busy = false;
      say(text("failed", "This change is not possible."), true);
    });
  }

  function drop(target) {
    if (!picked || busy) { return; }
    var source = picked;
    if (target === source) { cancel(true); return; }
    var draft = source.getAttribute("data-draft");
    var other = target.getAttribute("data-draft");
    cancel(false);
    var button = grabButton(source);
    if (button) { button.focus(); }
    if (other) {
      post(swapForm, { "swap-first_id": draft, "swap-second_id": other });
    } else {
      post(moveForm, { "move-draft_id": draft, "move-slot_id": target.getAttribute("data-slot"),
                       "move-table_id": target.getAttribute("data-table") });
    }
  }

  // The cell of `row` in the column nearest to `index` (days may have fewer tables).
  function cellAt(row, index) {
    return row ? row.cells[Math.max(1, Math.min(index, row.cells.length - 1))] : null;
  }

  function rows(grid) { return grid ? Array.prototype.slice.call(grid.tBodies[0].rows) : []; }

  // Arrows move within a day's grid and, past its first or last time, on to the previous or
  // next day's; Page Up/Page Down jump a whole day, keeping the time row and table column.
  function neighbour(td, key) {
    var row = td.parentNode;
    var index = td.cellIndex;
    var grid = td.closest("table");
    var at = grids.indexOf(grid);
    if (key === "ArrowLeft") { return td.previousElementSibling && td.previousElementSibling.tagName === "TD" ? td.previousElementSibling : null; }
    if (key === "ArrowRight") { return td.nextElementSibling; }
    if (key === "PageDown" || key === "PageUp") {
      var day = rows(grids[at + (key === "PageDown" ? 1 : -1)]);
      return day.length ? cellAt(day[Math.min(rows(grid).indexOf(row), day.length - 1)], index) : null;
    }
    var other = key === "ArrowUp" ? row.previousElementSibling : row.nextElementSibling;
    if (other) { return other.cells[index]; }
    if (key === "ArrowDown") { return cellAt(rows(grids[at + 1])[0], index); }
    if (key === "ArrowUp") { var before = rows(grids[at - 1]); return cellAt(before[before.length - 1], index); }
    return null;
  }

  var grabLabel = text("grab", "Move meeting");
  board.querySelectorAll(".rt-grid td.rt-cell[data-draft]").forEach(function (td) {
    if (td.hasAttribute("data-locked")) { return; }
    var meeting = td.querySelector(".rt-meeting");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "rt-grab";
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-label", grabLabel + " " + meeting.getAttribute("title"));
    button.innerHTML = '<svg viewBox="0 0 10 16" width="10" height="16" aria-hidden="true" focusable="false">' +
      '<circle cx="2" cy="3" r="1.5"/><circle cx="8" cy="3" r="1.5"/><circle cx="2" cy="8" r="1.5"/>' +
      '<circle cx="8" cy="8" r="1.5"/><circle cx="2" cy="13" r="1.5"/><circle cx="8" cy="13" r="1.5"/></svg>';
    meeting.insertBefore(button, meeting.firstChild);
    meeting.setAttribute("draggable", "true");
    button.addEventListener("click", function (event) {
      event.stopPropagation();
      if (picked === td) { cancel(true); } else { pickUp(td); }
    });
    meeting.addEventListener("dragstart", function (event) {
      pickUp(td, true);
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", td.getAttribute("data-draft"));
    });
    meeting.addEventListener("dragend", function () {
      if (!busy && picked === td) { cancel(false); }
    });
  });

  board.querySelectorAll(".rt-grid td.rt-cell").forEach(function (td) {
    var begun = td.parentNode.hasAttribute("data-begun");
    td.addEventListener("dragover", function (event) {
      if (picked && !begun) { event.preventDefault(); event.dataTransfer.dropEffect = "move"; td.classList.add("rt-over"); }
    });
    td.addEventListener("dragleave", function () { td.classList.remove("rt-over"); });
    td.addEventListener("drop", function (event) {
      event.preventDefault();
      td.classList.remove("rt-over");
      drop(td);
    });
    // Touch and mouse without dragging: press the move button, then tap the target cell.
    td.addEventListener("click", function (event) {
      if (picked && !event.target.closest("a, .rt-grab")) { drop(td); }
    });
    td.addEventListener("keydown", function (event) {
      if (!picked || event.target !== td) { return; }
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); drop(td); return; }
      if (event.key === "Escape") { event.preventDefault(); cancel(true); return; }
      var next = neighbour(td, event.key);
      if (event.key.indexOf("Arrow") === 0 || event.key === "PageDown" || event.key === "PageUp") {
        event.preventDefault();
        if (next) { next.focus(); }
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && picked) { cancel(true); }
  });

  // After a move the page reloads with ?moved=…: bring the moved meeting into view.
  var moved = board.querySelector(".rt-grid td.rt-moved");
  if (moved) {
    moved.scrollIntoView({ block: "center", inline: "center" });
    var button = grabButton(moved);
    if (button) { button.focus({ preventScroll: true }); }
  }
})();
