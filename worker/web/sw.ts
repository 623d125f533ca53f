/**
 * The demo's service worker. On install it stores what a visit needs (the page, the bundles, the
 * SIMD wasm and both models: the build lists them in __PRECACHE__), so the next visit works
 * offline. Same-origin GETs go to the network first (a new build shows at once) and refresh the
 * cache; the cache answers when the network cannot. The API (/v1/, /health) is never cached.
 */
declare const __PRECACHE__: string[];
declare const __CACHE__: string;

interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(r: Promise<Response>): void;
}
const scope = self as unknown as {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  location: Location;
};

scope.addEventListener('install', (event) =>
  event.waitUntil(
    caches
      .open(__CACHE__)
      .then((cache) => cache.addAll(__PRECACHE__))
      .then(() => scope.skipWaiting()),
  ),
);

// Take over the open page at once, and drop the caches of earlier builds.
scope.addEventListener('activate', (event) =>
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('trm-edge-demo') && k !== __CACHE__).map((k) => caches.delete(k))))
      .then(() => scope.clients.claim()),
  ),
);

scope.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== scope.location.origin || /^\/(v1\/|health)/.test(url.pathname)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(__CACHE__);
      try {
        const response = await fetch(event.request);
        if (response.ok) await cache.put(event.request, response.clone());
        return response;
      } catch (e) {
        const cached = await cache.match(event.request, { ignoreSearch: true });
        if (cached) return cached;
        throw e;
      }
    })(),
  );
});
