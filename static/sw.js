/* CPMS service worker (our own code, nothing fetched from elsewhere).
   - static files (/static/..., versioned by ?v=): from the device once fetched;
   - pages: from the network, a copy of each field page (registers, meeting forms, progress report forms) kept on
     the device; offline, the copy is shown;
   - these pages tell us who is logged in and which pages of the coming days to keep (the registers of the
     trainer's sessions, the forms of the week's meetings, the report forms of the user's construction projects):
     when the user changes, or on logout, every kept page is deleted (a phone shared by two users never shows
     one's pages to the other). What is typed lives in IndexedDB, handled by static/js/register.js and
     static/js/offline-form.js. */
"use strict";
var SHELL = "cpms-shell-v1";
var PAGES = "cpms-pages-v1";
var WHO = "/__cpms_user";
var KEPT = new RegExp("^/(training/sessions/\\d+/register|committees/meetings/\\d+/edit|committees/\\d+/meetings/new" +
                      "|construction/\\d+/reports/new)$");
var OFFLINE = "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
  "<title>CPMS</title><p>Hors connexion : cette page n'est pas gardée sur cet appareil.</p>" +
  "<p lang=en>Offline: this page is not kept on this device.</p>";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== SHELL && n !== PAGES; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function forgetPages() { return caches.delete(PAGES); }

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (!data.user) { return; }
  var shell = caches.open(SHELL).then(function (cache) {
    return Promise.all((data.assets || []).filter(function (url) { return url.indexOf("/static/") === 0; })
      .map(function (url) {
        return cache.match(url).then(function (hit) { return hit || cache.add(url).catch(function () { return null; }); });
      }));
  });
  event.waitUntil(Promise.all([shell, caches.open(PAGES).then(function (cache) {
    return cache.match(WHO).then(function (who) { return who ? who.text() : null; }).then(function (previous) {
      if (previous !== null && previous !== String(data.user)) { return forgetPages().then(function () { return caches.open(PAGES); }); }
      return cache;
    });
  }).then(function (cache) {
    return cache.put(WHO, new Response(String(data.user))).then(function () {
      return Promise.all((data.keep || []).filter(function (url) { return KEPT.test(url); }).map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) { return cache.put(url, response); }
          return null;
        }).catch(function () { return null; });
      }));
    });
  })]));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && (url.pathname === "/logout" || url.pathname === "/login")) {
    event.waitUntil(forgetPages());
    return;
  }
  if (request.method !== "GET") { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.open(SHELL).then(function (cache) {
      return cache.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (response.ok) { cache.put(request, response.clone()); }
          return response;
        });
      });
    }));
    return;
  }
  if (request.mode !== "navigate") { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (KEPT.test(url.pathname) && response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { return cache.put(url.pathname, copy); });
    }
    return response;
  }, function () {
    return caches.open(PAGES).then(function (cache) { return cache.match(url.pathname); }).then(function (hit) {
      return hit || new Response(OFFLINE, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
  }));
});
