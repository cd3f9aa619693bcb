// How views and stores call main: through `window.api` (whatever the host), with the reply envelope
// unwrapped into a result or a thrown ApiError that carries the api's code and field.
import type { ApiErrorInfo, Params, RequestName, Result, WorkbenchApi } from '../../../contract'
import { createWebClient, type ConnectionState } from './web-client'

export class ApiError extends Error {
  readonly code: string
  readonly field?: string
  constructor(readonly info: ApiErrorInfo) {
    super(info.message)
    this.code = info.code
    this.field = info.field
  }
}

let connectionListener: ((state: ConnectionState, reason?: string) => void) | null = null
let lastConnection: { state: ConnectionState; reason?: string } = { state: 'open' }

/** Installs the WebSocket transport when no preload provided `window.api` (i.e. in the web host). */
export function ensureApi(): 'electron' | 'web' {
  if (window.api) return 'electron'
  const token = new URLSearchParams(location.search).get('token') ?? ''
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const client = createWebClient(`${protocol}//${location.host}/rpc?token=${encodeURIComponent(token)}`)
  client.onState((state, reason) => {
    lastConnection = { state, reason }
    connectionListener?.(state, reason)
  })
  window.api = client.api
  return 'web'
}

export function onConnection(listener: (state: ConnectionState, reason?: string) => void): void {
  connectionListener = listener
  listener(lastConnection.state, lastConnection.reason)
}

export function api(): WorkbenchApi {
  return window.api
}

export async function call<N extends RequestName>(method: N, params: Params<N>): Promise<Result<N>> {
  const fn = window.api[method] as unknown as (p: Params<N>) => Promise<import('../../../contract').Reply<Result<N>>>
  const reply = await fn(params)
  if (!reply.ok) throw new ApiError(reply.error)
  return reply.result
}
