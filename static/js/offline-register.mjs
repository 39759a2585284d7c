// Installs the offline tracker (its service worker, and the page with what it needs in the
// browser's cache) so that it opens later even when Thrive cannot be reached.
const CACHE = "thrive-offline-v1";

async function installOfflineTracker(element) {
  if (!("serviceWorker" in navigator) || !("caches" in window)) return false;
  const page = element.dataset.offlineUrl;
  await navigator.serviceWorker.register(element.dataset.serviceWorkerUrl, { scope: page });
  const cache = await caches.open(CACHE);
  const assets = JSON.parse(element.dataset.assets || "[]");
  await cache.addAll([page, ...assets]);
  return true;
}

const here = document.querySelector("[data-install-offline-tracker]");
if (here) {
  installOfflineTracker(here).catch(() => {});
}
