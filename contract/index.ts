// The one contract between the renderer and main: every request (with its params and result) and every
// event main pushes, as runtime schemas. main/api implements it, preload/ and the web host carry it,
// renderer/ and the CLI call it. Each area keeps its part in a file of its own beside this one.
import type { EventMap, EventSpec, ParamsInputOf, PayloadOf, Reply, RequestMap, RequestSpec, ResultOf } from './define'
import { subscriptionName } from './define'
import { datasetEvents, datasetRequests } from './dataset'
import { demoRequests } from './demo'
import { evalRequests } from './eval'
import { hostRequests } from './host'
import { modelRequests } from './model'
import { predictionsRequests } from './predictions'
import { projectsRequests } from './projects'
import { systemEvents, systemRequests } from './system'
import { trainEvents, trainRequests } from './train'

export const requests = {
  ...systemRequests,
  ...datasetRequests,
  ...hostRequests,
  ...projectsRequests,
  ...evalRequests,
  ...demoRequests,
  ...trainRequests,
  ...predictionsRequests,
  ...modelRequests
} satisfies RequestMap

export const events = {
  ...systemEvents,
  ...datasetEvents,
  ...trainEvents
} satisfies EventMap

export type Requests = typeof requests
export type Events = typeof events
export type RequestName = keyof Requests & string
export type EventName = keyof Events & string

export type Params<N extends RequestName> = ParamsInputOf<Requests[N]>
export type Result<N extends RequestName> = ResultOf<Requests[N]>
export type Payload<N extends EventName> = PayloadOf<Events[N]>

type Subscriptions = {
  [N in EventName as `on${Capitalize<N>}`]: (listener: (payload: Payload<N>) => void) => () => void
}
type Calls = {
  [N in RequestName]: (params: Params<N>) => Promise<Reply<Result<N>>>
}

/** `window.api`: one function per request and one subscription per event (each returns its unsubscribe). */
export type WorkbenchApi = Calls & Subscriptions

export const requestNames = Object.keys(requests) as RequestName[]
export const eventNames = Object.keys(events) as EventName[]

/**
 * Builds the api object from two transport primitives. The preload (Electron IPC) and the web client
 * (WebSocket) both use it, so both expose exactly the same functions.
 */
export function buildApi(
  invoke: (method: RequestName, params: unknown) => Promise<Reply<unknown>>,
  subscribe: (event: EventName, listener: (payload: unknown) => void) => () => void
): WorkbenchApi {
  const api: Record<string, unknown> = {}
  for (const name of requestNames) api[name] = (params: unknown) => invoke(name, params ?? {})
  for (const name of eventNames) {
    api[subscriptionName(name)] = (listener: (payload: unknown) => void) => subscribe(name, listener)
  }
  return api as WorkbenchApi
}

export function isRequestName(name: string): name is RequestName {
  return Object.hasOwn(requests, name)
}
export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name)
}
export function requestSpec(name: RequestName): RequestSpec {
  return requests[name]
}
export function eventSpec(name: EventName): EventSpec {
  return events[name]
}

export * from './define'
export * from './eval'
export * from './system'
export * from './dataset'
export * from './host'
export * from './projects'
export * from './demo'
export * from './train'
export * from './predictions'
export * from './mpii'
export * from './model'
