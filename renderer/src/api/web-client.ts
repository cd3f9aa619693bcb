// The web host's transport: the contract over one WebSocket (JSON-RPC 2.0), reconnecting when the
// connection drops. It builds the same `window.api` object the Electron preload exposes.
import type { ApiErrorInfo, EventName, Reply, RequestName, WorkbenchApi } from '../../../contract'
import { buildApi } from '../../../contract'

type Pending = { resolve: (reply: Reply<unknown>) => void }
export type ConnectionState = 'connecting' | 'open' | 'closed'

export interface WebClient {
  api: WorkbenchApi
  onState(listener: (state: ConnectionState, reason?: string) => void): () => void
}

const RETRY_MS = 1000

export function createWebClient(url: string): WebClient {
  const pending = new Map<number, Pending>()
  const eventListeners = new Map<EventName, Set<(payload: unknown) => void>>()
  const stateListeners = new Set<(state: ConnectionState, reason?: string) => void>()
  const queue: string[] = []
  let nextId = 1
  let socket: WebSocket
  let refused = false

  const setState = (state: ConnectionState, reason?: string) => stateListeners.forEach((l) => l(state, reason))

  const connect = () => {
    setState('connecting')
    socket = new WebSocket(url)
    socket.onopen = () => {
      setState('open')
      for (const frame of queue.splice(0)) socket.send(frame)
    }
    socket.onmessage = (message) => {
      const data = JSON.parse(String(message.data))
      if (data.method === 'event') {
        eventListeners.get(data.params.name)?.forEach((listener) => listener(data.params.payload))
        return
      }
      const waiting = pending.get(data.id)
      if (!waiting) return
      pending.delete(data.id)
      waiting.resolve(
        'error' in data ? { ok: false, error: data.error.data as ApiErrorInfo } : { ok: true, result: data.result }
      )
    }
    socket.onclose = (event) => {
      // 4401/4403: the host refused us (token, origin); retrying cannot help
      refused = event.code === 4401 || event.code === 4403
      setState('closed', event.reason || undefined)
      for (const [id, waiting] of pending) {
        pending.delete(id)
        waiting.resolve({ ok: false, error: { code: 'disconnected', message: event.reason || 'connection to the workbench lost' } })
      }
      if (!refused) setTimeout(connect, RETRY_MS)
    }
  }
  connect()

  const invoke = (method: RequestName, params: unknown) =>
    new Promise<Reply<unknown>>((resolve) => {
      const id = nextId++
      pending.set(id, { resolve })
      const frame = JSON.stringify({ jsonrpc: '2.0', id, method, params })
      if (socket.readyState === WebSocket.OPEN) socket.send(frame)
      else if (refused) {
        pending.delete(id)
        resolve({ ok: false, error: { code: 'disconnected', message: 'the workbench refused this page; open the URL it printed' } })
      } else queue.push(frame)
    })

  const subscribe = (name: EventName, listener: (payload: unknown) => void) => {
    let set = eventListeners.get(name)
    if (!set) eventListeners.set(name, (set = new Set()))
    set.add(listener)
    return () => void set.delete(listener)
  }

  return {
    api: buildApi(invoke, subscribe),
    onState(listener) {
      stateListeners.add(listener)
      return () => void stateListeners.delete(listener)
    }
  }
}
