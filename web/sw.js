// Lamina's service worker. The build prepends VERSION (a checksum of the built files) and
// FILES (every built file) to this file (scripts/sw-hook.sh). Every file is cached at install,
// so the whole app (the page, its script and WebAssembly module with the built-in presets,
// styles and icons) works with no network. A new build is a new worker: it waits until the
// page asks it to take over (the "new version available — reload" prompt), then drops the
// old cache.
const CACHE = `lamina-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(['./', ...FILES])));
});

self.addEventListener('message', (event) => {
  if (event.data === 'take-over') self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('lamina-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // Pages are the app's one page, whatever the query (e.g. ?model=…).
    const hit = request.mode === 'navigate'
      ? await cache.match('./')
      : await cache.match(request, { ignoreSearch: true });
    return hit ?? fetch(request);
  })());
});
