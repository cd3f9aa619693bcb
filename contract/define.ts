// Building blocks of the contract: a request is a params schema and a result schema, an event is a
// payload schema. Everything the renderer, the preload, the hosts and the CLI know about each other
// is derived from these objects, so the runtime schemas and the static types can never disagree.
import { z } from 'zod'

export interface RequestSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly summary: string
  readonly params: P
  readonly result: R
}

export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly summary: string
  readonly payload: P
}

export function request<P extends z.ZodType, R extends z.ZodType>(
  summary: string,
  params: P,
  result: R
): RequestSpec<P, R> {
  return { summary, params, result }
}

export function event<P extends z.ZodType>(summary: string, payload: P): EventSpec<P> {
  return { summary, payload }
}

export type RequestMap = Record<string, RequestSpec>
export type EventMap = Record<string, EventSpec>

/** What a handler receives (after validation) and what a caller passes (before defaults are applied). */
export type ParamsOf<S extends RequestSpec> = z.output<S['params']>
export type ParamsInputOf<S extends RequestSpec> = z.input<S['params']>
export type ResultOf<S extends RequestSpec> = z.output<S['result']>
export type PayloadOf<S extends EventSpec> = z.output<S['payload']>

/**
 * Every reply, over every transport, is an envelope rather than a thrown error: Electron's IPC keeps
 * only an error's message, and JSON has no error type, so the structure is made explicit here.
 */
export const ApiErrorSchema = z.object({
  /** 'invalid_request' | 'unknown_method' | 'not_found' | 'conflict' | 'bad_input' | 'cancelled' | 'internal' … */
  code: z.string(),
  message: z.string(),
  /** The offending field, as a dotted path into the params (e.g. `filter.split`), when there is one. */
  field: z.string().optional(),
  details: z.unknown().optional()
})
export type ApiErrorInfo = z.infer<typeof ApiErrorSchema>

export type Reply<T> = { ok: true; result: T } | { ok: false; error: ApiErrorInfo }

/** `importProgress` → `onImportProgress`: the subscription function the api object exposes per event. */
export function subscriptionName(eventName: string): `on${string}` {
  return `on${eventName[0].toUpperCase()}${eventName.slice(1)}`
}
