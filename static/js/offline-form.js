/* Field forms that work offline (meeting roll call and minutes, construction progress reports; docs/offline.md).
   A form marked data-offline-form is kept on the device at every change: IndexedDB "cpms-forms", one draft per
   user and page, with its photos as blobs (bounded in size). A reload, a browser restart or a new login by the
   same user finds the draft again; another user of the same phone never sees it (their drafts are deleted when
   a form opens). Saving sends the draft with fetch, with a CSRF token fetched fresh from the page; without a
   connection the draft waits and is sent when the connection returns. The server saves a draft once (its
   offline_key) and answers 422 with the differences when the record changed since the form was opened
   (base_version): that page replaces the form, and the draft waits for the user to save again.
   Our own service worker (served at /sw.js, scope /) keeps the pages for use offline. */
(function () {
  "use strict";
  var device = window.CPMS.deviceStore("cpms-forms", "drafts");  // static/js/app.js
  var tx = device.tx;

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID().replace(/-/g, ""); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function show(box, message, kind) {
    if (!box) { return; }
    box.textContent = message || "";
    box.className = "flash flash-" + (kind || "info");
    box.hidden = !message;
  }

  function OfflineForm(form) {
    this.form = form;
    this.user = form.getAttribute("data-user");
    this.key = this.user + ":" + window.location.pathname;
    this.sending = false;
    this.writing = Promise.resolve();
  }

  OfflineForm.prototype.text = function (name) { return this.form.getAttribute("data-" + name) || ""; };

  OfflineForm.prototype.boxes = function () {
    return { draft: document.getElementById("offline-draft"), status: document.getElementById("offline-status") };
  };

  OfflineForm.prototype.photoInput = function () { return this.form.querySelector("input[type=file]"); };

  /* the values of the form, without its CSRF token (a fresh one is fetched when sending) and files */
  OfflineForm.prototype.values = function () {
    var values = [];
    Array.prototype.forEach.call(this.form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.type === "file" || el.type === "submit" || el.disabled) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        values.push([el.name, el.value, el.checked]);
      } else {
        values.push([el.name, el.value]);
      }
    });
    return values;
  };

  OfflineForm.prototype.restore = function (draft) {
    var form = this.form;
    draft.values.forEach(function (entry) {
      var name = entry[0];
      var candidates = Array.prototype.filter.call(form.elements, function (el) { return el.name === name; });
      candidates.forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.value === entry[1]) { el.checked = entry[2]; }
        } else if (entry.length === 2 && el.type !== "file") {
          el.value = entry[1];
        }
      });
    });
    var input = this.photoInput();
    if (input && draft.photos && draft.photos.length && window.DataTransfer) {
      try {
        var files = new window.DataTransfer();
        draft.photos.forEach(function (p) { files.items.add(new window.File([p.blob], p.name, { type: p.type })); });
        input.files = files.files;
        show(document.getElementById("offline-photos"),
             input.getAttribute("data-kept").replace("{n}", draft.photos.length), "info");
      } catch (e) { /* the photos stay in the draft; chosen again they replace it */ }
    }
  };

  OfflineForm.prototype.read = function () {
    var key = this.key;
    return tx("readonly", function (store, out) {
      store.get(key).onsuccess = function (event) { out.value = event.target.result || null; };
    });
  };

  OfflineForm.prototype.write = function (changes) {
    var self = this;
    // one write after the other: the last change is the one kept
    self.writing = self.writing.then(function () {
      return tx("readwrite", function (store) {
        store.get(self.key).onsuccess = function (event) {
          var draft = event.target.result || { key: self.key, user: self.user, path: window.location.pathname,
                                                 submitted: false, photos: [] };
          Object.keys(changes).forEach(function (k) { draft[k] = changes[k]; });
          draft.at = Date.now();
          store.put(draft);
        };
      });
    }).catch(function () { /* no device store: the form still works online */ });
    return self.writing;
  };

  OfflineForm.prototype.forget = function () {
    var key = this.key;
    this.writing = this.writing.then(function () {
      return tx("readwrite", function (store) { store.delete(key); });
    });
    return this.writing;
  };

  OfflineForm.prototype.forgetOtherUsers = function () {
    return device.forgetOtherUsers(this.user);
  };

  /* the draft's own key: a new draft gets a new one, so that a later draft is never taken for a replay */
  OfflineForm.prototype.keep = function (extra) {
    var keyField = this.form.querySelector("input[name=offline_key]");
    if (!this.hasDraft && keyField) { keyField.value = newKey(); }
    this.hasDraft = true;
    var changes = { values: this.values() };
    Object.keys(extra || {}).forEach(function (k) { changes[k] = extra[k]; });
    show(this.boxes().draft, this.text("waiting"), "info");
    return this.write(changes);
  };

  OfflineForm.prototype.keepPhotos = function () {
    var input = this.photoInput();
    var limit = Number(input.getAttribute("data-max-bytes") || 0);
    var photos = Array.prototype.map.call(input.files || [], function (file) {
      return { name: file.name, type: file.type, blob: file };
    });
    var total = photos.reduce(function (sum, p) { return sum + p.blob.size; }, 0);
    var note = document.getElementById("offline-photos");
    if (limit && total > limit) {  // too much for the device: they go with the report only when online
      show(note, input.getAttribute("data-too-big"), "error");
      return this.keep({ photos: [] });
    }
    show(note, photos.length ? input.getAttribute("data-kept").replace("{n}", photos.length) : "", "info");
    return this.keep({ photos: photos });
  };

  /* a CSRF token of this login, from the page itself: the one in a page kept on the device may be stale */
  OfflineForm.prototype.freshToken = function () {
    return fetch(window.location.pathname, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error("not logged in"); }
        return response.text();
      }).then(function (html) {
        var page = new window.DOMParser().parseFromString(html, "text/html");
        var input = page.querySelector("form[data-offline-form] input[name=csrf_token]");
        if (!input) { throw new Error("no token"); }
        return input.value;
      });
  };

  OfflineForm.prototype.send = function () {
    var self = this;
    if (self.sending) { return Promise.resolve(); }
    self.sending = true;
    var boxes = self.boxes();
    return self.writing.then(function () { return self.read(); }).then(function (draft) {
      if (!draft) { return null; }
      show(boxes.status, self.text("sending"), "info");
      return self.freshToken().then(function (token) {
        var body = new window.FormData(self.form);
        body.set("csrf_token", token);
        return fetch(self.form.getAttribute("action") || window.location.pathname, {
          method: "POST", credentials: "same-origin", body: body, headers: { "X-CPMS-Draft": "1" }
        });
      }).then(function (response) {
        if (response.status === 201) {  // saved: the page showing it says so
          return response.json().then(function (answer) {
            return self.forget().then(function () { window.location.assign(answer.location); });
          });
        }
        if (response.status === 422) {  // refused or changed meanwhile: the answer replaces the form
          return response.text().then(function (html) { self.replaceWith(html); });
        }
        show(boxes.status, self.text("failed"), "error");
        return null;
      }, function (error) {
        var offline = !navigator.onLine || error instanceof TypeError;
        show(boxes.status, offline ? self.text("queued") : self.text("failed"), "error");
      });
    }).catch(function () {
      show(boxes.status, self.text("failed"), "error");
    }).then(function () { self.sending = false; });
  };

  /* the server's answer with its messages (errors, differences) replaces the page's main part; what the user
     typed is in it, and stays on the device until it is saved */
  OfflineForm.prototype.replaceWith = function (html) {
    var page = new window.DOMParser().parseFromString(html, "text/html");
    var main = document.querySelector("main");
    var theirs = page.querySelector("main");
    if (!main || !theirs) { return; }
    main.innerHTML = theirs.innerHTML;
    var form = main.querySelector("form[data-offline-form]");
    if (!form) { return; }
    var next = new OfflineForm(form);
    next.hasDraft = true;
    next.listen();
    next.write({ values: next.values(), submitted: false });
    show(next.boxes().draft, next.text("waiting"), "info");
    var box = document.getElementById("offline-differences") || main;
    window.setTimeout(function () { box.scrollIntoView({ block: "start" }); }, 0);
  };

  OfflineForm.prototype.listen = function () {
    var self = this;
    self.form.addEventListener("input", function (event) {
      if (event.target.type !== "file") { self.keep(); }
    });
    self.form.addEventListener("change", function (event) {
      if (event.target.type === "file") { self.keepPhotos(); } else { self.keep(); }
    });
    self.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.keep({ submitted: true }).then(function () {
        if (navigator.onLine) { self.send(); } else { show(self.boxes().status, self.text("queued"), "error"); }
      });
    });
    window.addEventListener("online", function () {
      if (!document.body.contains(self.form)) { return; }  // replaced by the server's answer (replaceWith)
      self.read().then(function (draft) { if (draft && draft.submitted) { self.send(); } });
    });
  };

  OfflineForm.prototype.start = function () {
    var self = this;
    self.listen();
    var refused = document.getElementById("offline-differences") || self.form.querySelector(".error");
    return self.forgetOtherUsers().then(function () { return self.read(); }).then(function (draft) {
      if (!draft) { return; }
      self.hasDraft = true;
      if (refused) {  // the page is the server's answer to this draft: its values are the user's
        return self.write({ values: self.values(), submitted: false }).then(function () {
          show(self.boxes().draft, self.text("waiting"), "info");
        });
      }
      self.restore(draft);
      show(self.boxes().status, self.text("restored"), "info");
      show(self.boxes().draft, self.text("waiting"), "info");
      if (draft.submitted && navigator.onLine) { return self.send(); }
      return null;
    }).catch(function () { /* no device store: the form works online as before */ });
  };

  var form = document.querySelector("form[data-offline-form]");
  if (!form) { return; }
  new OfflineForm(form).start();
  window.addEventListener("load", function () { window.CPMS.keepOffline(form); });
})();
