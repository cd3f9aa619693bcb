// The events main pushes to whoever listens: the hosts forward them (IPC, WebSocket), the CLI prints them.
import type { EventName, Payload } from '../../contract'
import { eventSpec } from '../../contract'
import { shouldValidateResults } from './validation'

export type EventListener = <N extends EventName>(name: N, payload: Payload<N>) => void

export class EventBus {
  private readonly listeners = new Set<EventListener>()

  emit<N extends EventName>(name: N, payload: Payload<N>): void {
    if (shouldValidateResults()) eventSpec(name).payload.parse(payload)
    for (const listener of this.listeners) listener(name, payload)
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
