// The site's service worker, served at the site's root (public_site/views.py), which puts
// above this text the CONFIG it reads (public_site/web_app.py):
//   shell       {static file name: its current address}, stored at install
//   staticUrl   where static files are served
//   pages       paths (regular expressions) of the pages it may keep: home, results, centers
//   pagesKept   how many pages it keeps, the latest viewed
//   version     changes with the shell and with this worker
//
// Pages: the network first; a copy of the answer is kept, marked with the time it was
// saved (data-saved-at on <html>, which static/js/site.js shows), and served only when
// the network fails. An answer that the server sends no-store or private (any page of a
// sensitive category) is never kept, and removes any copy kept before; nor is any other
// address, request or method.
// "forget-pages", posted by the quick exit, deletes every kept page.

const SHELL = "shell-" + CONFIG.version;
// static/js/site.js deletes it too, by this name.
const PAGES = "pages";
const KEPT_PATHS = CONFIG.pages.map((pattern) => new RegExp(pattern));
// The content hash that the static files storage puts in a file's name: "site.0123456789ab.css".
const HASHED = /\.[0-9a-f]{12}(\.[^./]+)$/;

// Writes and deletions of kept pages, one after another: a deletion asked while a page is
// being saved comes after that save, and so deletes it too.
let pagesWork = Promise.resolve();

function queue(work) {
  pagesWork = pagesWork.then(work).catch(() => {
    // A page that could not be kept (storage full, answer cut) is only not kept.
  });
  return pagesWork;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(Object.values(CONFIG.shell)))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("shell-") && name !== SHELL)
            .map((name) => caches.delete(name))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "forget-pages") {
    event.waitUntil(queue(() => caches.delete(PAGES)));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && KEPT_PATHS.some((path) => path.test(url.pathname))) {
    event.respondWith(page(event));
  } else if (url.pathname.startsWith(CONFIG.staticUrl)) {
    event.respondWith(staticFile(request));
  }
  // Anything else (the API, the staff pages, suggestions, the place search) goes to the
  // network as if there were no worker.
});

async function page(event) {
  const request = event.request;
  try {
    const response = await fetch(request);
    if (mayNotKeep(response)) {
      // A page kept before that may be kept no longer (its center moved to a sensitive
      // category) goes too.
      event.waitUntil(queue(() => forget(request.url)));
    } else if (keepable(response)) {
      const copy = response.clone();
      event.waitUntil(queue(() => keep(request.url, copy)));
    }
    return response;
  } catch (offline) {
    const kept = await caches.match(request.url, { cacheName: PAGES, ignoreVary: true });
    if (kept) {
      return kept;
    }
    throw offline;
  }
}

function mayNotKeep(response) {
  const directives = (response.headers.get("Cache-Control") || "")
    .toLowerCase()
    .split(",")
    .map((directive) => directive.split("=")[0].trim());
  return directives.includes("no-store") || directives.includes("private");
}

function keepable(response) {
  return (
    response.status === 200 &&
    response.type === "basic" &&
    (response.headers.get("Content-Type") || "").startsWith("text/html") &&
    !mayNotKeep(response)
  );
}

async function forget(url) {
  if (await caches.has(PAGES)) {
    const cache = await caches.open(PAGES);
    await cache.delete(url, { ignoreVary: true });
  }
}

async function keep(url, response) {
  const html = await response.text();
  const savedAt = new Date().toISOString();
  const headers = new Headers(response.headers);
  // The body is decoded and one attribute longer.
  headers.delete("Content-Length");
  headers.delete("Content-Encoding");
  const copy = new Response(html.replace(/<html\b/i, `<html data-saved-at="${savedAt}"`), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
  const cache = await caches.open(PAGES);
  await cache.put(url, copy);
  // Keys come in the order they were stored: a page viewed again moves to the end.
  const keys = await cache.keys();
  await Promise.all(
    keys.slice(0, Math.max(0, keys.length - CONFIG.pagesKept)).map((key) => cache.delete(key))
  );
}

async function staticFile(request) {
  const cache = await caches.open(SHELL);
  const stored = await cache.match(request, { ignoreVary: true });
  if (stored) {
    return stored;
  }
  try {
    return await fetch(request);
  } catch (offline) {
    // A page kept by an earlier version names that version's files: the current file of
    // the same name stands in for each.
    const path = new URL(request.url).pathname;
    const current = CONFIG.shell[path.slice(CONFIG.staticUrl.length).replace(HASHED, "$1")];
    const standIn = current && (await cache.match(current, { ignoreVary: true }));
    if (standIn) {
      return standIn;
    }
    throw offline;
  }
}
