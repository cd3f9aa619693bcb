// The web host: the built renderer and dataset media over HTTP, the contract over a WebSocket at /rpc.
// Used by `npm run serve`, by `npm start` where Electron is missing, by the browser tests, and by users
// who train on a remote GPU machine and look at it through an SSH tunnel.
import { createReadStream } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Workbench } from '../../workbench'
import { contentSecurityPolicy } from '../security'
import { contentTypeFor, resolveUnder } from '../static-files'
import type { MediaResolver } from '../media'
import { checkHost, checkOrigin, checkRequest, createAccessPolicy, sessionCookie, type AccessPolicy } from './access'
import { parseRpcRequest, toRpcResponse, type RpcEventNotification } from './rpc'

export interface WebHostOptions {
  workbench: Workbench
  rendererDir: string
  media: MediaResolver
  /** Interface to bind; loopback unless the user asks otherwise. */
  host?: string
  /** 0 picks a free port. */
  port?: number
  /** Fixed token (tests); random per launch otherwise. */
  token?: string
}

export interface WebHost {
  readonly url: string
  readonly port: number
  readonly token: string
  close(): Promise<void>
}

const MAX_FRAME_BYTES = 32 * 1024 * 1024
export const WS_CLOSE = { badToken: 4401, forbidden: 4403 } as const

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const bindHost = options.host ?? '127.0.0.1'
  const server = createServer()
  await listen(server, options.port ?? 0, bindHost)
  const port = (server.address() as AddressInfo).port
  const policy = createAccessPolicy(bindHost, port, options.token)
  const displayHost = ['0.0.0.0', '::'].includes(bindHost) ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost
  const csp = contentSecurityPolicy([`ws://${displayHost}:${port}`, `ws://127.0.0.1:${port}`, `ws://localhost:${port}`])

  server.on('request', (req, res) => {
    handleHttp(req, res, policy, options, csp).catch((error: unknown) => {
      if (!res.headersSent) plain(res, 500, `internal error: ${(error as Error).message}`)
      else res.destroy()
    })
  })

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://host.invalid')
    if (url.pathname !== '/rpc') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const refusal = checkHost(policy, req) ?? checkOrigin(policy, req)
      if (refusal && !refusal.ok) return ws.close(WS_CLOSE.forbidden, refusal.reason)
      const verdict = checkRequest(policy, req, url)
      if (!verdict.ok) return ws.close(WS_CLOSE.badToken, verdict.reason)
      serveSocket(ws, options.workbench)
    })
  })

  const unsubscribe = options.workbench.events.subscribe((name, payload) => {
    const frame = JSON.stringify({ jsonrpc: '2.0', method: 'event', params: { name, payload } } satisfies RpcEventNotification)
    for (const client of sockets.clients) if (client.readyState === client.OPEN) client.send(frame)
  })

  return {
    url: `http://${displayHost}:${port}/?token=${policy.token}`,
    port,
    token: policy.token,
    async close() {
      unsubscribe()
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

function serveSocket(ws: WebSocket, workbench: Workbench): void {
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'binary frames are not accepted', data: { code: 'invalid_request', message: 'binary frames are not accepted' } } }))
      return
    }
    const parsed = parseRpcRequest(data.toString())
    if ('response' in parsed) {
      ws.send(JSON.stringify(parsed.response))
      return
    }
    const { id, method, params } = parsed.request
    void workbench.handle(method, params).then((reply) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(toRpcResponse(id, reply)))
    })
  })
}

async function handleHttp(req: IncomingMessage, res: ServerResponse, policy: AccessPolicy, options: WebHostOptions, csp: string) {
  const url = new URL(req.url ?? '/', 'http://host.invalid')
  const verdict = checkRequest(policy, req, url)
  if (!verdict.ok) return plain(res, verdict.status, verdict.reason)
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, `${req.method} is not allowed`)

  const headers: Record<string, string> = {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY'
  }
  if (verdict.viaQuery) headers['Set-Cookie'] = sessionCookie(policy)

  if (url.pathname.startsWith('/media/')) {
    const media = await options.media(url.pathname.slice('/media/'.length))
    if (!media) return plain(res, 404, 'no such media')
    return sendFile(req, res, media.path, media.contentType, { ...headers, 'Cache-Control': 'private, max-age=60' })
  }
  const file = resolveUnder(options.rendererDir, url.pathname === '/' ? '/index.html' : url.pathname)
  if (!file) {
    return plain(res, 404, url.pathname === '/' ? 'the renderer is not built: run `npm run build` first' : 'not found')
  }
  const caching = file.endsWith('.html') ? 'no-store' : 'private, max-age=3600'
  return sendFile(req, res, file, contentTypeFor(file), { ...headers, 'Cache-Control': caching })
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string, contentType: string, headers: Record<string, string>) {
  res.writeHead(200, { ...headers, 'Content-Type': contentType })
  if (req.method === 'HEAD') return res.end()
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res)
}

function plain(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' })
  res.end(text + '\n')
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}
