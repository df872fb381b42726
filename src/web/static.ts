import { realpathSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { WebError } from './errors.js';

/**
 * Static files of the single-page app, resolved strictly: the URL path is percent-decoded once, and any `.` or `..`
 * segment, backslash or NUL is refused (400) before the file system is touched; the resolved file (symbolic links
 * followed) must lie inside the static folder; extension-less paths are client-side routes and get index.html.
 */
export type StaticTarget =
  | { readonly kind: 'file'; readonly path: string; readonly type: string }
  | { readonly kind: 'no-build' };

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Decoded, validated path segments of a URL path (throws WebError 400 on anything suspicious). */
export function urlSegments(rawUrl: string): string[] {
  const q = rawUrl.search(/[?#]/);
  const raw = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
  if (/%2f|%5c/i.test(raw))
    throw new WebError(400, 'bad-path', 'encoded slashes are not allowed in the path');
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new WebError(400, 'bad-path', 'malformed percent-encoding in the path');
  }
  if (/[\\\0]/.test(decoded) || /[\u0000-\u001f]/.test(decoded))
    throw new WebError(400, 'bad-path', 'the path holds a backslash or a control character');
  if (!decoded.startsWith('/')) throw new WebError(400, 'bad-path', 'the path must start with /');
  const all = decoded.slice(1).split('/');
  // an empty segment ('//', an absolute path smuggled into the URL) is refused; a trailing slash is fine
  if (all.slice(0, -1).some((s) => s === ''))
    throw new WebError(400, 'bad-path', 'empty path segments (//) are not allowed');
  const segs = all.filter((s) => s !== '');
  if (segs.some((s) => s === '.' || s === '..' || /^\.\.?$/.test(s.trim())))
    throw new WebError(400, 'bad-path', 'relative path segments (. or ..) are not allowed');
  if (segs.some((s) => s.length > 255)) throw new WebError(400, 'bad-path', 'path segment too long');
  return segs;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Whether `p` is `root` itself or lies inside it. */
export function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The file to send for a GET of `rawUrl` (not under /api). */
export function resolveStatic(staticDir: string, rawUrl: string): StaticTarget {
  const segs = urlSegments(rawUrl);
  const root = resolve(staticDir);
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return { kind: 'no-build' };
  }
  const index = join(realRoot, 'index.html');
  const last = segs[segs.length - 1];
  if (last === undefined || !last.includes('.')) {
    if (!isFile(index)) return { kind: 'no-build' };
    return { kind: 'file', path: index, type: contentTypeOf(index) };
  }
  if (segs.some((s) => s.startsWith('.'))) throw new WebError(404, 'not-found', 'no such file');
  const full = resolve(realRoot, ...segs);
  if (!isInside(realRoot, full)) throw new WebError(400, 'bad-path', 'path outside the app folder');
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    throw new WebError(404, 'not-found', 'no such file');
  }
  if (!isInside(realRoot, real) || !isFile(real)) throw new WebError(404, 'not-found', 'no such file');
  return { kind: 'file', path: real, type: contentTypeOf(real) };
}

export const NO_BUILD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>specfuse: web app not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>The specfuse web app is not built</h1>
<p>The server is running and its JSON API answers under <code>/api</code>, but the page itself has not been built.
Run <code>npm run build:web</code> in the specfuse folder, then reload this page.</p>
</body></html>
`;
