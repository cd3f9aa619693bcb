/// <reference types="vite/client" />
import type { WorkbenchApi } from '../../contract'

declare global {
  interface Window {
    /** The contract, carried by Electron's preload or installed by the web client. */
    api: WorkbenchApi
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
