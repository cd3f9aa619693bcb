// The desktop app. A sandboxed, context-isolated window loads the renderer from app://workbench/, the
// preload exposes the contract, and every IPC message is checked to come from that window's own frame.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, net, protocol, type IpcMainInvokeEvent, type WebFrameMain } from 'electron'
import { IPC_EVENT, IPC_INVOKE } from '../../../preload/channels'
import type { HostDialogs } from '../../api/context'
import type { Workbench } from '../../workbench'
import { defaultDataDir } from '../../workspace/data-dir'
import { bootWorkbench } from '../boot'
import type { MediaResolver } from '../media'
import { rendererDir } from '../paths'
import { contentSecurityPolicy } from '../security'
import { contentTypeFor, resolveUnder } from '../static-files'
import { utilityProcessLauncher } from './trainer-launcher'

const SCHEME = 'app'
const APP_HOST = 'workbench'
const APP_ORIGIN = `${SCHEME}://${APP_HOST}`

protocol.registerSchemesAsPrivileged([
  { scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }
])

let workbench: Workbench | null = null
let mainWindow: BrowserWindow | null = null

function isTrustedFrame(frame: WebFrameMain | null): boolean {
  if (!frame || !mainWindow || frame !== mainWindow.webContents.mainFrame) return false
  try {
    return new URL(frame.url).origin === APP_ORIGIN
  } catch {
    return false
  }
}

async function serveApp(request: Request, media: MediaResolver): Promise<Response> {
  const url = new URL(request.url)
  if (url.host !== APP_HOST) return new Response('unknown host', { status: 404 })
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('method not allowed', { status: 405 })
  const headers = { 'Content-Security-Policy': contentSecurityPolicy(), 'X-Content-Type-Options': 'nosniff' }
  if (url.pathname.startsWith('/media/')) {
    const file = await media(url.pathname.slice('/media/'.length))
    if (!file) return new Response('no such media', { status: 404 })
    const response = await net.fetch(pathToFileURL(file.path).toString())
    return new Response(response.body, { headers: { ...headers, 'Content-Type': file.contentType } })
  }
  const file = resolveUnder(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname)
  if (!file) return new Response('not found', { status: 404 })
  const response = await net.fetch(pathToFileURL(file).toString())
  return new Response(response.body, { headers: { ...headers, 'Content-Type': contentTypeFor(file) } })
}

const dialogs: HostDialogs = {
  async chooseFile({ title, kind, filters }) {
    const options = { title, filters, properties: [kind === 'folder' ? 'openDirectory' : 'openFile'] as Array<'openDirectory' | 'openFile'> }
    const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options)
    return { path: result.canceled ? null : (result.filePaths[0] ?? null) }
  },
  async saveFile({ suggestedName, content, filters }) {
    const options = { defaultPath: suggestedName, filters }
    const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options)
    if (result.canceled || !result.filePath) return { path: null }
    await writeFile(result.filePath, content)
    return { path: result.filePath }
  }
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    show: false,
    title: 'PyraNet Workbench',
    backgroundColor: '#15171c',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false
    }
  })
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  window.webContents.on('will-navigate', (event, url) => {
    if (new URL(url).origin !== APP_ORIGIN) event.preventDefault()
  })
  window.once('ready-to-show', () => window.show())
  void window.loadURL(`${APP_ORIGIN}/index.html`)
  return window
}

async function start(): Promise<void> {
  await app.whenReady()
  const dataDir = process.env.WORKBENCH_DATA ?? defaultDataDir()
  const booted = await bootWorkbench('electron', dataDir, { dialogs, trainerLauncher: utilityProcessLauncher })
  workbench = booted.workbench
  protocol.handle(SCHEME, (request) => serveApp(request, booted.media))

  ipcMain.handle(IPC_INVOKE, (event: IpcMainInvokeEvent, method: unknown, params: unknown) => {
    if (!isTrustedFrame(event.senderFrame)) {
      return { ok: false, error: { code: 'forbidden', message: 'IPC from an untrusted frame was refused' } }
    }
    return workbench!.handle(method, params)
  })
  workbench.events.subscribe((name, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_EVENT, name, payload)
  })

  mainWindow = createWindow()
  workbench.ensureProject().catch((error: Error) => dialog.showErrorBox('PyraNet Workbench', error.message))
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow()
  })
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
app.on('will-quit', () => {
  void workbench?.dispose()
})

void start()
