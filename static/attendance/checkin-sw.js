/* The check-in's service worker (docs/checkin.md). Loaded by the worker served from the page's
   folder, which sets CHECKIN_FILES (the page and its static files) and CHECKIN_VERSION.
   It keeps the page and its files for use without network; never the roster, which holds
   personal data and lives in IndexedDB only (wiped at logout by Clear-Site-Data). */
"use strict";

const CACHE = "checkin-" + self.CHECKIN_VERSION;
const PAGE = self.CHECKIN_FILES[0];

async function keepPage(cache) {
  // Only the page itself as signed in: a redirect to the login page is not the page.
  const response = await fetch(PAGE, { credentials: "same-origin" });
  if (response.ok && !response.redirected) {
    await cache.put(PAGE, response);
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      await cache.addAll(self.CHECKIN_FILES.slice(1));
      await keepPage(cache);
      await self.skipWaiting();
    }),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("checkin-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function pageFirstFromNetwork(request) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      const cache = await caches.open(CACHE);
      await cache.put(PAGE, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await caches.match(PAGE);
    if (kept) {
      return kept;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && url.pathname === new URL(PAGE, self.location.href).pathname) {
    event.respondWith(pageFirstFromNetwork(request));
  } else if (self.CHECKIN_FILES.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  }
});
