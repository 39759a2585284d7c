// The offline tracker's service worker. It keeps the offline tracker page and its files in
// the browser's cache and serves them when Thrive cannot be reached. It never caches
// anything else, and never answers for the status or sending endpoints.
const CACHE = "thrive-offline-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.endsWith("/status/")) return;
  if (request.mode === "navigate") {
    // The page itself: the server's copy when it answers, else the one kept.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
            return response;
          }
          if (response.status >= 500) {
            // Thrive answers but cannot work (its database is down): the kept page works.
            return caches.match(url.pathname).then((kept) => kept || response);
          }
          return response;
        })
        .catch(() => caches.match(url.pathname).then((kept) => kept || Response.error())),
    );
    return;
  }
  event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
});
