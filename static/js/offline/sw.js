// The offline app's service worker. Served by visits.views.offline.service_worker from /offline/
// (its scope), which puts `const CONFIG = {version, cachePrefix, shell, assets}` in front of this
// file; a change to any asset gives a new version, and activating it deletes the old caches.
//
// What it keeps: the app page (no personal data: the names the app needs live in IndexedDB, which
// logging out clears) and its CSS, scripts and icons. Nothing else: the data and sync requests
// always go to the network, and the page falls back to IndexedDB when they fail.
const CACHE = CONFIG.cachePrefix + CONFIG.version;
const SHELL = new URL(CONFIG.shell, self.location).href;
const ASSETS = new Set(CONFIG.assets.map((path) => new URL(path, self.location).href));

async function cacheShell(cache) {
  // Only a real page: a session that ended answers with a redirect to the login page.
  const response = await fetch(SHELL, { credentials: "same-origin", redirect: "manual" });
  if (response.ok && response.type === "basic") await cache.put(SHELL, response);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll([...ASSETS]);
      try {
        await cacheShell(cache);
      } catch {
        // Offline or logged out: the page is cached the next time it is opened.
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CONFIG.cachePrefix) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function page(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      await cache.put(SHELL, response.clone());
      return response;
    }
    // A redirect to the login page (the session ended): show the app from the cache, which
    // keeps the queue on screen and asks for the login itself.
    if (response.type === "opaqueredirect" || response.redirected) {
      return (await cache.match(SHELL, { ignoreVary: true })) || response;
    }
    return response;
  } catch {
    const cached = await cache.match(SHELL, { ignoreVary: true });
    if (cached) return cached;
    return new Response("Offline.", { status: 503, headers: { "Content-Type": "text/plain" } });
  }
}

async function asset(request) {
  const cached = await caches.match(request, { cacheName: CACHE, ignoreVary: true });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  const shell = new URL(SHELL);
  if (request.mode === "navigate" && url.origin === shell.origin && url.pathname === shell.pathname) {
    event.respondWith(page(request));
  } else if (ASSETS.has(url.href)) {
    event.respondWith(asset(request));
  }
  // Anything else (data, sync) goes to the network as if there were no worker.
});
