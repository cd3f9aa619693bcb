// Who may talk to the web host. A loopback port is reachable by every local process and, through DNS
// rebinding, by any web page, so every request must carry this launch's random token (in the URL, or in
// the cookie set when the page was opened with it) and name an allowed Host; WebSockets must also come
// from the host's own Origin.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export interface AccessPolicy {
  readonly token: string
  readonly cookieName: string
  /** `host:port` values a request's Host header may carry. */
  readonly allowedHosts: ReadonlySet<string>
}

export function createAccessPolicy(bindHost: string, port: number, token = randomBytes(24).toString('base64url')): AccessPolicy {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]'])
  if (!['127.0.0.1', 'localhost', '::1'].includes(bindHost)) {
    names.add(bindHost.includes(':') ? `[${bindHost}]` : bindHost)
  }
  return {
    token,
    cookieName: `workbench_token_${port}`,
    allowedHosts: new Set([...names].map((name) => `${name}:${port}`))
  }
}

export type AccessVerdict = { ok: true; viaQuery: boolean } | { ok: false; status: number; reason: string }

function sameToken(expected: string, given: string | null | undefined): boolean {
  if (!given) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return undefined
}

export function checkHost(policy: AccessPolicy, req: IncomingMessage): AccessVerdict | null {
  const host = req.headers.host
  if (!host || !policy.allowedHosts.has(host.toLowerCase())) {
    return { ok: false, status: 403, reason: `host ${JSON.stringify(host ?? '')} is not allowed` }
  }
  return null
}

export function checkRequest(policy: AccessPolicy, req: IncomingMessage, url: URL): AccessVerdict {
  const hostProblem = checkHost(policy, req)
  if (hostProblem) return hostProblem
  if (sameToken(policy.token, url.searchParams.get('token'))) return { ok: true, viaQuery: true }
  if (sameToken(policy.token, cookieValue(req.headers.cookie, policy.cookieName))) return { ok: true, viaQuery: false }
  return { ok: false, status: 401, reason: 'missing or wrong access token: open the URL that `npm run serve` printed' }
}

/** Browsers always send Origin on WebSocket handshakes; it must be this host's own. Tools may omit it. */
export function checkOrigin(policy: AccessPolicy, req: IncomingMessage): AccessVerdict | null {
  const origin = req.headers.origin
  if (origin === undefined) return null
  let host: string
  try {
    const parsed = new URL(origin)
    if (parsed.protocol !== 'http:') throw new Error('scheme')
    host = parsed.host
  } catch {
    return { ok: false, status: 403, reason: `origin ${JSON.stringify(origin)} is not allowed` }
  }
  if (!policy.allowedHosts.has(host.toLowerCase()) || host.toLowerCase() !== (req.headers.host ?? '').toLowerCase()) {
    return { ok: false, status: 403, reason: `origin ${JSON.stringify(origin)} is not allowed` }
  }
  return null
}

export function sessionCookie(policy: AccessPolicy): string {
  return `${policy.cookieName}=${policy.token}; HttpOnly; SameSite=Strict; Path=/`
}
