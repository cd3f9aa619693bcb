import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Workbench } from '../../workbench'
import { startWebHost, WS_CLOSE, type WebHost } from './server'

let dir: string
let host: WebHost
let workbench: Workbench

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-web-'))
  const rendererDir = join(dir, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>')
  writeFileSync(join(dir, 'secret.txt'), 'outside the root')
  workbench = new Workbench({ host: 'web', dataDir: join(dir, 'data') })
  host = await startWebHost({ workbench, rendererDir, media: async () => null, port: 0 })
})

afterAll(async () => {
  await host.close()
  await workbench.dispose()
  rmSync(dir, { recursive: true, force: true })
})

const base = () => `http://127.0.0.1:${host.port}`

function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      let body = ''
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

function openSocket(query: string, headers: Record<string, string> = {}) {
  return new WebSocket(`ws://127.0.0.1:${host.port}/rpc${query}`, { headers })
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
}

async function rpc(ws: WebSocket, frame: unknown): Promise<Record<string, unknown>> {
  if (ws.readyState !== ws.OPEN) await new Promise((r) => ws.once('open', r))
  return new Promise((resolve) => {
    ws.once('message', (data) => resolve(JSON.parse(data.toString())))
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  })
}

describe('web host HTTP', () => {
  it('serves the renderer with the token and sets the session cookie and CSP', async () => {
    const res = await fetch(`${base()}/?token=${host.token}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('set-cookie')).toContain(`workbench_token_${host.port}=${host.token}`)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    const cookie = res.headers.get('set-cookie')!.split(';')[0]
    const again = await fetch(`${base()}/index.html`, { headers: { cookie } })
    expect(again.status).toBe(200)
  })

  it('refuses requests without the token, with a wrong token, or with a foreign Host', async () => {
    expect((await fetch(`${base()}/`)).status).toBe(401)
    expect((await fetch(`${base()}/?token=wrong`)).status).toBe(401)
    // fetch() may not set Host; a DNS-rebinding page's request arrives with the attacker's host name
    const rebinding = await rawGet(`/?token=${host.token}`, { host: `evil.example:${host.port}` })
    expect(rebinding.status).toBe(403)
    expect(rebinding.body).toContain('evil.example')
  })

  it('never serves a file outside the renderer root', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%00']) {
      const res = await fetch(`${base()}${path}?token=${host.token}`)
      expect(res.status, path).toBe(404)
    }
  })
})

describe('web host WebSocket', () => {
  it('answers contract calls and pushes events', async () => {
    const ws = openSocket(`?token=${host.token}`)
    const reply = await rpc(ws, { jsonrpc: '2.0', id: 1, method: 'status', params: {} })
    expect(reply.id).toBe(1)
    expect((reply.result as { host: string }).host).toBe('web')
    const event = new Promise<Record<string, unknown>>((resolve) =>
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString())
        if (message.method === 'event' && message.params.name === 'statusChanged') resolve(message.params)
      })
    )
    await rpc(ws, { jsonrpc: '2.0', id: 2, method: 'createProject', params: { name: 'Socket test' } })
    expect(((await event).payload as { project: { name: string } }).project.name).toBe('Socket test')
    ws.close()
  })

  it('closes a socket without the token with a clear reason', async () => {
    const closed = await closeOf(openSocket(''))
    expect(closed.code).toBe(WS_CLOSE.badToken)
    expect(closed.reason).toMatch(/access token/)
  })

  it('closes a socket from a foreign origin', async () => {
    const closed = await closeOf(openSocket(`?token=${host.token}`, { origin: 'http://evil.example' }))
    expect(closed.code).toBe(WS_CLOSE.forbidden)
    expect(closed.reason).toMatch(/origin/)
  })

  it('answers malformed and unknown requests with structured errors and keeps running', async () => {
    const ws = openSocket(`?token=${host.token}`)
    const notJson = await rpc(ws, '{nope')
    expect((notJson.error as { code: number }).code).toBe(-32700)
    const unknown = await rpc(ws, { jsonrpc: '2.0', id: 3, method: 'dropTables', params: {} })
    expect((unknown.error as { data: { code: string; field: string } }).data).toMatchObject({ code: 'unknown_method', field: 'method' })
    const badField = await rpc(ws, { jsonrpc: '2.0', id: 4, method: 'createProject', params: { name: 42 } })
    const data = (badField.error as { data: { code: string; field: string; message: string } }).data
    expect(data.code).toBe('invalid_request')
    expect(data.field).toBe('name')
    expect(data.message).toContain('name')
    const stillAlive = await rpc(ws, { jsonrpc: '2.0', id: 5, method: 'status', params: {} })
    expect(stillAlive.result).toBeDefined()
    ws.close()
  })
})
