// The sandboxed preload: exposes exactly the contract as `window.api` — one function per request and one
// subscription per event — and never ipcRenderer itself. Listeners get the payload, never the IPC event.
import { contextBridge, ipcRenderer } from 'electron'
import type { EventName, Reply, RequestName } from '../contract'
import { buildApi } from '../contract'
import { IPC_EVENT, IPC_INVOKE } from './channels'

const listeners = new Map<EventName, Set<(payload: unknown) => void>>()

ipcRenderer.on(IPC_EVENT, (_event, name: EventName, payload: unknown) => {
  listeners.get(name)?.forEach((listener) => listener(payload))
})

const api = buildApi(
  (method: RequestName, params: unknown) => ipcRenderer.invoke(IPC_INVOKE, method, params) as Promise<Reply<unknown>>,
  (name, listener) => {
    let set = listeners.get(name)
    if (!set) listeners.set(name, (set = new Set()))
    set.add(listener)
    return () => void set.delete(listener)
  }
)

contextBridge.exposeInMainWorld('api', api)
