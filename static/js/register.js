/* Attendance register: mark all present, keyboard shortcuts, and saving that survives a dropped
   connection (unsent marks stay in this browser and are sent when the connection returns). */
(function () {
  "use strict";
  var form = document.getElementById("register");
  if (!form) { return; }
  var key = "cpms-register-" + form.getAttribute("data-session");
  var statusBox = document.getElementById("register-status");
  var shortcuts = { p: "present", l: "late", e: "excused", a: "absent" };

  function marks() {
    var result = {};
    form.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
      result[input.name.slice(1)] = input.value;
    });
    return result;
  }

  function show(message, kind) {
    statusBox.textContent = message;
    statusBox.className = "flash flash-" + kind;
    statusBox.hidden = false;
  }

  function pending() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function showPending(saved) {
    var count = Object.keys(saved.marks).length;
    show(form.getAttribute("data-unsent").replace("{n}", count), "error");
  }

  function send(saved) {
    var token = form.querySelector("input[name=csrf_token]").value;
    return fetch(form.action || window.location.href, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json" },
      body: JSON.stringify({ marks: saved.marks })
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          window.localStorage.removeItem(key);  // refused by the server: resending would not help
          show(body.error || "Error", "error");
          return;
        }
        window.localStorage.removeItem(key);
        show(body.message || form.getAttribute("data-sent"), "success");
        if (body.redirect) { window.location.assign(body.redirect); }
      });
    }, function () {
      showPending(saved);  // network error: keep the marks, retry when back online
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var saved = { marks: marks(), at: Date.now() };
    window.localStorage.setItem(key, JSON.stringify(saved));
    send(saved);
  });

  var allPresent = document.getElementById("all-present");
  if (allPresent) {
    allPresent.hidden = false;
    allPresent.addEventListener("click", function () {
      form.querySelectorAll("input[type=radio][value=present]").forEach(function (input) { input.checked = true; });
    });
  }

  form.addEventListener("keydown", function (event) {
    var status = shortcuts[event.key.toLowerCase()];
    if (!status || event.target.type !== "radio") { return; }
    var choice = form.querySelector("input[name='" + event.target.name + "'][value=" + status + "]");
    if (choice && !choice.disabled) { choice.checked = true; choice.focus(); event.preventDefault(); }
  });

  window.addEventListener("online", function () {
    var saved = pending();
    if (saved) { send(saved); }
  });

  var waiting = pending();
  if (waiting) {
    // marks left from an earlier attempt: put them back on the page and try again
    Object.keys(waiting.marks).forEach(function (id) {
      var input = form.querySelector("input[name='m" + id + "'][value=" + waiting.marks[id] + "]");
      if (input) { input.checked = true; }
    });
    showPending(waiting);
    if (navigator.onLine) { send(waiting); }
  }
})();
