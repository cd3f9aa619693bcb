// The wire format of the web host's WebSocket: JSON-RPC 2.0 requests and responses, and notifications
// for events. The api's reply envelope maps onto JSON-RPC's result/error; the renderer's web client
// (renderer/src/api/web-client.ts) maps it back, so callers see the same Reply as over Electron IPC.
import type { ApiErrorInfo, Reply } from '../../../contract'

export const RPC_ERRORS = {
  parse: -32700,
  invalidRequest: -32600,
  unknownMethod: -32601,
  invalidParams: -32602,
  application: -32000
} as const

export interface RpcRequest {
  jsonrpc: '2.0'
  id: number | string
  method: string
  params?: unknown
}

export type RpcResponse =
  | { jsonrpc: '2.0'; id: number | string | null; result: unknown }
  | { jsonrpc: '2.0'; id: number | string | null; error: { code: number; message: string; data: ApiErrorInfo } }

export interface RpcEventNotification {
  jsonrpc: '2.0'
  method: 'event'
  params: { name: string; payload: unknown }
}

export function rpcCodeFor(error: ApiErrorInfo): number {
  if (error.code === 'unknown_method') return RPC_ERRORS.unknownMethod
  if (error.code === 'invalid_request') return RPC_ERRORS.invalidParams
  return RPC_ERRORS.application
}

export function toRpcResponse(id: number | string | null, reply: Reply<unknown>): RpcResponse {
  if (reply.ok) return { jsonrpc: '2.0', id, result: reply.result }
  return { jsonrpc: '2.0', id, error: { code: rpcCodeFor(reply.error), message: reply.error.message, data: reply.error } }
}

/** Parses one incoming frame; a malformed frame yields the JSON-RPC error to send back. */
export function parseRpcRequest(text: string): { request: RpcRequest } | { response: RpcResponse } {
  let message: unknown
  try {
    message = JSON.parse(text)
  } catch (error) {
    return { response: errorResponse(null, RPC_ERRORS.parse, 'parse_error', `not JSON: ${(error as Error).message}`) }
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { response: errorResponse(null, RPC_ERRORS.invalidRequest, 'invalid_request', 'a request must be a JSON object') }
  }
  const { jsonrpc, id, method, params } = message as Record<string, unknown>
  const validId = typeof id === 'number' || typeof id === 'string'
  if (jsonrpc !== '2.0') {
    return { response: errorResponse(validId ? id : null, RPC_ERRORS.invalidRequest, 'invalid_request', 'jsonrpc must be "2.0"', 'jsonrpc') }
  }
  if (!validId) return { response: errorResponse(null, RPC_ERRORS.invalidRequest, 'invalid_request', 'id must be a number or string', 'id') }
  if (typeof method !== 'string') {
    return { response: errorResponse(id, RPC_ERRORS.invalidRequest, 'invalid_request', 'method must be a string', 'method') }
  }
  return { request: { jsonrpc: '2.0', id, method, params } }
}

function errorResponse(id: number | string | null, code: number, apiCode: string, message: string, field?: string): RpcResponse {
  return { jsonrpc: '2.0', id, error: { code, message, data: { code: apiCode, message, field } } }
}
