/* CPMS – small enhancements only; every page works without JavaScript. */
(function () {
  "use strict";
  var CPMS = window.CPMS = window.CPMS || {};

  /* The device store of the field pages (static/js/register.js, static/js/offline-form.js; docs/offline.md): one
     IndexedDB database per use, one object store keyed by "key", each record tagged with its user. */
  CPMS.deviceStore = function (name, storeName) {
    var opened = null;
    function open() {
      if (opened) { return opened; }
      opened = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
        var request = window.indexedDB.open(name, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore(storeName, { keyPath: "key" }).createIndex("user", "user");
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
      return opened;
    }
    /* work(store, out) runs in one transaction; the promise gives out.value (or the .value of what work returns)
       once the transaction is complete */
    function tx(mode, work) {
      return open().then(function (db) {
        return new Promise(function (resolve, reject) {
          var t = db.transaction(storeName, mode);
          var out = {};
          var returned = work(t.objectStore(storeName), out);
          t.oncomplete = function () { resolve(returned ? returned.value : out.value); };
          t.onerror = function () { reject(t.error); };
        });
      });
    }
    /* another user of the same phone never finds this user's records, nor this one theirs */
    function forgetOtherUsers(user) {
      return tx("readwrite", function (store) {
        store.openCursor().onsuccess = function (event) {
          var cursor = event.target.result;
          if (!cursor) { return; }
          if (String(cursor.value.user) !== String(user)) { cursor.delete(); }
          cursor.continue();
        };
      });
    }
    return { tx: tx, forgetOtherUsers: forgetOtherUsers };
  };

  /* A field page asks our service worker (its data-sw) to keep it and the pages of its data-keep for use offline,
     with the page's own scripts and styles; the user (data-user) tells the worker whose pages it keeps. */
  CPMS.keepOffline = function (element) {
    var link = document.createElement("link");
    link.rel = "manifest";
    link.href = element.getAttribute("data-manifest");
    document.head.appendChild(link);
    if (!navigator.serviceWorker) { return Promise.resolve(); }
    return navigator.serviceWorker.register(element.getAttribute("data-sw"), { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var keepUrls = JSON.parse(element.getAttribute("data-keep") || "[]");
      if (keepUrls.indexOf(window.location.pathname) < 0) { keepUrls.push(window.location.pathname); }
      var assets = [];
      document.querySelectorAll("script[src], link[rel=stylesheet]").forEach(function (el) {
        var url = new URL(el.src || el.href, window.location.href);
        if (url.origin === window.location.origin) { assets.push(url.pathname + url.search); }
      });
      registration.active.postMessage({ user: element.getAttribute("data-user"), keep: keepUrls, assets: assets });
    }).catch(function () { /* no offline pages: the page still keeps what is typed on the device */ });
  };

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

  /* Wide tables on a phone: a table wider than its frame (.table-wrap) is shown as stacked cards, one block a row
     of "label value" lines (static/css/app.css, .table-wrap.stacked), so that no column is missed by not
     scrolling. Each cell takes its column's heading (every heading row above it) as its data-label. Tables of
     inputs laid out as grids (.grid, .register, .ind-grid) and those marked data-keep-table stay tables; without
     JavaScript a wide table scrolls inside its frame. */
  var KEEP_TABLE = "table.grid, table.register, table.ind-grid, table[data-keep-table]";

  function columnLabels(table) {
    var grid = [];  // grid[row][column] = heading text, spans filled in
    var rows = table.tHead ? table.tHead.rows : [];
    Array.prototype.forEach.call(rows, function (row, r) {
      grid[r] = grid[r] || [];
      var c = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        while (grid[r][c] !== undefined) { c += 1; }
        var text = cell.textContent.replace(/\s+/g, " ").trim();
        for (var dr = 0; dr < (cell.rowSpan || 1); dr += 1) {
          grid[r + dr] = grid[r + dr] || [];
          for (var dc = 0; dc < (cell.colSpan || 1); dc += 1) { grid[r + dr][c + dc] = text; }
        }
        c += cell.colSpan || 1;
      });
    });
    var labels = [];
    grid.forEach(function (row) {
      row.forEach(function (text, c) {
        var parts = labels[c] || [];
        if (text && parts.indexOf(text) < 0) { parts.push(text); }
        labels[c] = parts;
      });
    });
    return labels.map(function (parts) { return (parts || []).join(" – "); });
  }

  function labelCells(table) {
    var labels = columnLabels(table);
    var sections = Array.prototype.slice.call(table.tBodies);
    if (table.tFoot) { sections.push(table.tFoot); }
    sections.forEach(function (section) {
      Array.prototype.forEach.call(section.rows, function (row) {
        var c = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label")) { cell.setAttribute("data-label", labels[c] || ""); }
          // a cell with nothing to read (white space only) takes no line of its card
          if (!cell.textContent.trim() && !cell.querySelector("img, svg, input, select, textarea, button, a")) {
            cell.setAttribute("data-blank", "");
          }
          c += cell.colSpan || 1;
        });
      });
    });
  }

  function fitTables() {
    var narrow = window.matchMedia("(max-width: 40rem)");
    var wraps = Array.prototype.filter.call(document.querySelectorAll(".table-wrap"), function (wrap) {
      var table = wrap.querySelector("table");
      return table && !table.matches(KEEP_TABLE);
    });
    if (!wraps.length) { return; }
    wraps.forEach(function (wrap) { labelCells(wrap.querySelector("table")); });
    function apply() {
      wraps.forEach(function (wrap) { wrap.classList.remove("stacked"); });
      if (!narrow.matches) { return; }
      // measure every table first, then change them: one layout, whatever the number of tables
      var wide = wraps.filter(function (wrap) { return wrap.querySelector("table").scrollWidth > wrap.clientWidth + 1; });
      wide.forEach(function (wrap) { wrap.classList.add("stacked"); });
    }
    apply();
    if (narrow.addEventListener) { narrow.addEventListener("change", apply); }
  }

  function enhance() {
    fitMenu();
    fitTables();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
