/* Attendance register on a phone: big P/R/E/A buttons, live counts, search, keyboard shortcuts, and marks that
   live on the device first. Every tap is written at once to IndexedDB (keyed by user, session and trainee), so a
   reload, a browser restart or a new login by the same user finds it again; another user of the same phone never
   sees it (their records are deleted when the register opens). Marks are sent when the trainer saves and when
   the connection returns; the server ignores a replay and reports marks someone else changed meanwhile.
   Our own service worker (served at /sw.js, scope /) keeps the pages for use offline. */
(function () {
  "use strict";
  var form = document.getElementById("register");
  if (!form) { return; }
  /* the register's own styles, here rather than in a file of their own: one request less on a slow link
     (and the page's policy allows no inline style element) */
  var CSS =
    ".rg-top{position:sticky;top:0;z-index:2;background:#fff;padding:.4rem 0;border-bottom:1px solid #ccc}" +
    ".rg-counts{display:flex;flex-wrap:wrap;gap:.3rem .8rem;margin:0 0 .4rem;font-size:.95rem}" +
    ".rg-counts b{font-size:1.1rem}" +
    "#rg-search{width:100%;box-sizing:border-box;min-height:44px;font-size:1rem}" +
    "ol.rg{list-style:none;margin:0;padding:0}" +
    "ol.rg li{display:flex;align-items:center;gap:.4rem;padding:.3rem 0;border-bottom:1px solid #e5e5e5}" +
    "ol.rg li.un{border-left:4px solid #b45309;padding-left:.3rem}" +
    "ol.rg li>span{flex:1;min-width:0;overflow-wrap:anywhere}" +
    "ol.rg small{display:block;color:#555}" +
    "ol.rg label{position:relative;display:inline-flex;align-items:center;justify-content:center;min-width:44px;min-height:44px;border:2px solid #888;border-radius:6px;font-weight:bold;font-size:1.1rem;cursor:pointer}" +
    "ol.rg label input{position:absolute;opacity:0;width:1px;height:1px}" +
    "ol.rg label:focus-within{outline:3px solid #1d4ed8}" +
    "ol.rg label.rg-p:has(:checked){background:#15803d;border-color:#15803d;color:#fff}" +
    "ol.rg label.rg-l:has(:checked){background:#b45309;border-color:#b45309;color:#fff}" +
    "ol.rg label.rg-e:has(:checked){background:#1d4ed8;border-color:#1d4ed8;color:#fff}" +
    "ol.rg label.rg-a:has(:checked){background:#b91c1c;border-color:#b91c1c;color:#fff}" +
    ".rg-bar{position:sticky;bottom:0;z-index:2;background:#fff;border-top:1px solid #ccc;padding:.5rem 0}" +
    ".rg-bar p{margin:.2rem 0}" +
    ".rg-bar button{min-height:44px;width:100%}" +
    "#rg-conflicts li{margin:.2rem 0}";
  try {
    var sheet = new window.CSSStyleSheet();
    sheet.replaceSync(CSS);
    document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
  } catch (e) { /* an older browser: plain radio buttons, still usable */ }
  var session = form.getAttribute("data-session");
  var user = form.getAttribute("data-user");
  var labels = JSON.parse(form.getAttribute("data-labels"));
  var statusBox = document.getElementById("register-status");
  var pendingBox = document.getElementById("register-pending");
  var conflictBox = document.getElementById("rg-conflicts");
  var shortcuts = { p: "present", r: "late", l: "late", e: "excused", a: "absent" };
  var STORE = "marks";
  var sending = false;

  /* ---- the device store (static/js/app.js) ---- */
  var device = window.CPMS.deviceStore("cpms-offline", STORE);
  var tx = device.tx;

  function forgetOtherUsers() { return device.forgetOtherUsers(user); }

  function waiting() {
    return tx("readonly", function (store) {
      var out = { value: [] };
      store.index("user").openCursor(window.IDBKeyRange.only(user)).onsuccess = function (event) {
        var cursor = event.target.result;
        if (!cursor) { return; }
        if (cursor.value.session === session) { out.value.push(cursor.value); }
        cursor.continue();
      };
      return out;
    });
  }

  function keep(rows) {  // rows: [{enrolment, status, base}]
    return tx("readwrite", function (store) {
      rows.forEach(function (row) {
        store.put({ key: user + ":" + session + ":" + row.enrolment, user: user, session: session,
                    enrolment: row.enrolment, status: row.status, base: row.base, at: Date.now() });
      });
    });
  }

  function drop(records) {  // only if unchanged since: a tap made while the marks were on their way stays
    return tx("readwrite", function (store) {
      records.forEach(function (record) {
        store.get(record.key).onsuccess = function (event) {
          var now = event.target.result;
          if (now && now.status === record.status) { store.delete(record.key); }
        };
      });
    });
  }

  /* ---- the page ---- */
  function rowOf(id) { return form.querySelector("li[data-e='" + id + "']"); }

  function baseOf(li) { var b = li.getAttribute("data-b"); return b === "" ? null : b; }

  function counts() {
    var c = { present: 0, late: 0, excused: 0, absent: 0, "": 0 };
    form.querySelectorAll("ol.rg li").forEach(function (li) {
      var checked = li.querySelector("input:checked");
      c[checked ? checked.value : ""] += 1;
      li.classList.toggle("un", !checked);
    });
    Object.keys(c).forEach(function (k) {
      var cell = document.querySelector("#rg-counts b[data-c='" + k + "']");
      if (cell) { cell.textContent = c[k].toLocaleString(document.documentElement.lang || undefined); }
    });
  }

  function show(box, message, kind) {
    box.textContent = message;
    box.className = "flash flash-" + kind;
    box.hidden = !message;
  }

  function showPending(records) {
    var n = records.length;
    show(pendingBox, n ? form.getAttribute("data-unsent").replace("{n}", n) : "", "info");
  }

  function refreshPending() { return waiting().then(function (records) { showPending(records); return records; }); }

  function setMark(li, status) {
    var input = li.querySelector("input[value=" + status + "]");
    if (input && !input.disabled) { input.checked = true; }
    return input;
  }

  function remember(inputs) {
    var rows = inputs.map(function (input) {
      var li = input.closest("li");
      return { enrolment: li.getAttribute("data-e"), status: input.value, base: baseOf(li) };
    });
    counts();
    return keep(rows).then(refreshPending);
  }

  function batchId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function showConflicts(conflicts, records) {
    var ids = Object.keys(conflicts);
    conflictBox.textContent = "";
    conflictBox.hidden = !ids.length;
    if (!ids.length) { return; }
    var list = document.createElement("ul");
    ids.forEach(function (id) {
      var li = rowOf(id);
      var item = document.createElement("li");
      var c = conflicts[id];
      item.textContent = (li ? li.querySelector("span").firstChild.textContent : id) + " — " +
        form.getAttribute("data-conflict").replace("{theirs}", c.theirs ? labels[c.theirs] : form.getAttribute("data-none"))
          .replace("{mine}", labels[c.mine]);
      list.appendChild(item);
    });
    conflictBox.appendChild(list);
    window.setTimeout(function () { conflictBox.scrollIntoView({ block: "center" }); }, 0);
    function button(text, action) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.addEventListener("click", action);
      conflictBox.appendChild(b);
    }
    var mine = records.filter(function (r) { return conflicts[r.enrolment]; });
    button(form.getAttribute("data-keep-mine"), function () {
      // the device now knows their version: sending again overwrites it knowingly
      mine.forEach(function (r) { r.base = conflicts[r.enrolment].theirs; rowOf(r.enrolment).setAttribute("data-b", r.base || ""); });
      keep(mine).then(function () { conflictBox.hidden = true; send(); });
    });
    button(form.getAttribute("data-take-theirs"), function () {
      mine.forEach(function (r) {
        var li = rowOf(r.enrolment);
        var theirs = conflicts[r.enrolment].theirs;
        li.setAttribute("data-b", theirs || "");
        li.querySelectorAll("input").forEach(function (input) { input.checked = input.value === theirs; });
      });
      drop(mine).then(function () { conflictBox.hidden = true; counts(); refreshPending(); });
    });
  }

  function send() {
    if (sending) { return Promise.resolve(); }
    sending = true;
    return waiting().then(function (records) {
      if (!records.length) { sending = false; return; }
      var marks = {}, base = {};
      records.forEach(function (r) { marks[r.enrolment] = r.status; base[r.enrolment] = r.base; });
      var token = form.querySelector("input[name=csrf_token]").value;
      return fetch(form.getAttribute("action") || window.location.pathname, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json" },
        body: JSON.stringify({ batch: batchId(), marks: marks, base: base })
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            show(statusBox, body.error || "Error", "error");
            if (response.status === 422) { return drop(records); }  // refused: sending again would not help
            return null;
          }
          var conflicts = body.conflicts || {};
          var done = records.filter(function (r) { return !conflicts[r.enrolment]; });
          done.forEach(function (r) { var li = rowOf(r.enrolment); if (li) { li.setAttribute("data-b", r.status); } });
          show(statusBox, body.message, "success");
          var taken = document.getElementById("register-taken");
          if (taken) { taken.hidden = true; }  // said how far the register was taken when the page was loaded
          showConflicts(conflicts, records);
          return drop(done);
        });
      }, function () {
        show(statusBox, form.getAttribute("data-offline"), "error");
      }).catch(function () {
        // an answer that is not ours (an expired login, a proxy page): the marks stay on the device
        show(statusBox, form.getAttribute("data-failed"), "error");
      }).then(function () { sending = false; return refreshPending(); });
    }, function () { sending = false; });
  }

  /* ---- events ---- */
  form.addEventListener("change", function (event) {
    if (event.target.type === "radio") { remember([event.target]); }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send();
  });

  var allPresent = document.getElementById("all-present");
  if (allPresent) {
    allPresent.hidden = false;
    allPresent.addEventListener("click", function () {
      var changed = [];
      form.querySelectorAll("ol.rg li").forEach(function (li) {
        if (!li.querySelector("input:checked")) { var input = setMark(li, "present"); if (input) { changed.push(input); } }
      });
      remember(changed);
    });
  }

  form.addEventListener("keydown", function (event) {
    var status = shortcuts[(event.key || "").toLowerCase()];
    if (!status || event.target.type !== "radio") { return; }
    var li = event.target.closest("li");
    var input = setMark(li, status);
    if (input && !input.disabled) { input.focus(); remember([input]); event.preventDefault(); }
  });

  var search = document.getElementById("rg-search");
  search.addEventListener("input", function () {
    var q = search.value.trim().toLowerCase();
    form.querySelectorAll("ol.rg li").forEach(function (li) {
      li.hidden = q !== "" && li.querySelector("span").textContent.toLowerCase().indexOf(q) < 0;
    });
  });

  window.addEventListener("online", send);

  /* ---- start: other users' data out, this user's marks back on the page, send what waits ---- */
  forgetOtherUsers().then(waiting).then(function (records) {
    records.forEach(function (r) { var li = rowOf(r.enrolment); if (li) { setMark(li, r.status); } });
    counts();
    showPending(records);
    if (records.length && navigator.onLine) { send(); }
  }).catch(function () { counts(); });

  /* ---- installable, offline pages: our own manifest and service worker (static/js/app.js) ---- */
  window.addEventListener("load", function () { window.CPMS.keepOffline(form); });
})();
