// The service worker (web/shell/sw.js; web/stamp_build.cmake writes BUILD, the
// SHA-256 of this build's chatroom.js and chatroom.wasm, into the copy in dist/).
// A repeat visit starts from the cache, and a new build is taken on the next
// load without mixing one build's script with another's module:
// - the page and this script are network-first (the cache only offline);
// - the page asks for chatroom.js?v=BUILD and chatroom.wasm?v=BUILD: these are
//   cache-first by their exact URL, so a page always gets the pair of its build;
//   a build's cache is filled at install only when both files hash to BUILD;
// - other files of the client (icons, the emoji picker and its data)
//   are cache-first in this build's cache, filled on first use;
// - a new worker takes over at once and deletes the other builds' caches.
// /api/, /websocket, /metrics and pictures are never touched.
const BUILD = '@CHATROOM_BUILD@';
const CACHE = `chatroom-${BUILD}`;
const PAIR = [`chatroom.js?v=${BUILD}`, `chatroom.wasm?v=${BUILD}`];
const PAGE = ['./', 'manifest.webmanifest', 'icon-192.png'];
const STATIC = /^\/(?:[\w.-]+\.(?:js|wasm|png|webmanifest)|emoji\/[\w.-]+\.json)$/;

const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
const sha256 = async (data) => hex(await crypto.subtle.digest('SHA-256', data));

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const responses = await Promise.all([...PAIR, ...PAGE].map((u) => fetch(u, { cache: 'no-cache' })));
    if (!responses.every((r) => r.ok)) throw new Error('a file of the build is missing');
    // The pair must be the build this worker names (a deploy may have landed meanwhile).
    const [js, wasm] = await Promise.all(responses.slice(0, 2).map((r) => r.clone().arrayBuffer()));
    const build = (await sha256(new TextEncoder().encode((await sha256(js)) + (await sha256(wasm))))).slice(0, 16);
    if (build !== BUILD) throw new Error(`the server has build ${build}, this worker is ${BUILD}`);
    const cache = await caches.open(CACHE);
    await Promise.all([...PAIR, ...PAGE].map((u, i) => cache.put(u, responses[i])));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith('chatroom-') && n !== CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

async function networkFirst(request, key) {
  try {
    const response = await fetch(request);
    if (response.ok) (await caches.open(CACHE)).put(key, response.clone());
    return response;
  } catch (err) {
    const cached = await caches.match(key, { cacheName: CACHE });
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(request, { store }) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && store) (await caches.open(CACHE)).put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (path.startsWith('/api/') || path.startsWith('/websocket') || path === '/metrics' || path.startsWith('/avatars/')) return;
  if (request.mode === 'navigate' || path === '/' || path === '/index.html') {
    event.respondWith(networkFirst(request, './'));
  } else if (url.searchParams.has('v') && (path === '/chatroom.js' || path === '/chatroom.wasm')) {
    // Another build's pair (the page is newer than this worker) comes from the network and is not kept.
    event.respondWith(cacheFirst(request, { store: url.searchParams.get('v') === BUILD }));
  } else if (STATIC.test(path) && path !== '/sw.js' && !url.search) {
    event.respondWith(cacheFirst(request, { store: true }));
  }
});
