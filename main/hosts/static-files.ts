// Resolving a URL path to a file under one root, shared by the web host and Electron's app:// protocol.
// Both serve the renderer and dataset media; neither may ever hand out a file outside its root.
import { existsSync, statSync } from 'node:fs'
import { extname, isAbsolute, relative, resolve, sep } from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8'
}

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/** True when `file` is `root` itself or lies inside it (after resolving `..`). */
export function isInside(root: string, file: string): boolean {
  const rel = relative(resolve(root), resolve(file))
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..'))
}

/**
 * Maps a URL pathname (already stripped of its query) to an existing file under `root`, or null.
 * Percent-decoding happens once here; an encoded `..` or a NUL byte never escapes the root.
 */
export function resolveUnder(root: string, pathname: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (decoded.includes('\0')) return null
  const file = resolve(root, '.' + (decoded.startsWith('/') ? decoded : `/${decoded}`))
  if (!isInside(root, file)) return null
  if (!existsSync(file) || !statSync(file).isFile()) return null
  return file
}
