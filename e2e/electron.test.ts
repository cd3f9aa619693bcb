// The desktop app through Playwright's Electron driver. The Electron binary cannot be downloaded on the
// build machines, so there this file reports "skipped: Electron binary not installed" (never a pass).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron, type ElectronApplication } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot, screenshotPath } from './support/paths'

function electronBinary(): string | null {
  const pathFile = join(repoRoot, 'node_modules', 'electron', 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(repoRoot, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

const binary = electronBinary()

describe.skipIf(!binary)(binary ? 'the desktop app' : 'skipped: Electron binary not installed', () => {
  let app: ElectronApplication
  let dataDir: string

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wb-electron-'))
    // the desktop app needs better-sqlite3 built for Electron's ABI, as `npm start` makes it
    const sqliteBinding = execFileSync(process.execPath, [join(repoRoot, 'scripts/electron-sqlite.mjs')], { encoding: 'utf8' }).trim().split('\n').pop()!
    app = await _electron.launch({
      executablePath: binary!,
      args: [repoRoot, '--no-sandbox'],
      env: { ...process.env, WORKBENCH_DATA: dataDir, WORKBENCH_SQLITE_BINDING: sqliteBinding }
    })
  })
  afterAll(async () => {
    await app?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('opens a sandboxed window that reaches main through the preload', async () => {
    const page = await app.firstWindow()
    const status = await page.evaluate(async () => window.api.status({}))
    expect(status.ok && status.result.host).toBe('electron')
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const web = BrowserWindow.getAllWindows()[0].webContents
      return { url: web.getURL() }
    })
    expect(prefs.url.startsWith('app://workbench/')).toBe(true)
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined')
    await page.screenshot({ path: screenshotPath('electron-shell') })
  })
})
