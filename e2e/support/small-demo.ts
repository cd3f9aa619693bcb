// A data folder holding a small demo project (the same generator and importer as the default one, a
// twentieth of its size), for e2e tests that train and evaluate: a validation split of 20 people
// scores in seconds on the CPU backends rather than minutes. The web host opens it as the last project.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { Workbench } from '../../main/workbench'
import { pageApi } from './page-api'

export const SMALL_DEMO = { people: 100, valFraction: 0.2 }

export async function smallDemoDataDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'wb-e2e-small-demo-'))
  const workbench = new Workbench({ host: 'cli', dataDir: dir })
  try {
    const reply = await workbench.call('createDemoProject', SMALL_DEMO)
    if (!reply.ok) throw new Error(`createDemoProject: ${reply.error.message}`)
  } finally {
    await workbench.dispose()
  }
  return dir
}

/** Polls listRuns until the run has `status`; fails at once if it failed. */
export async function waitForRunStatus(page: Page, runId: string, status: string, timeoutMs = 180_000): Promise<{ id: string; name: string; status: string; step: number; editsSince: number }> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const { runs } = await pageApi(page, 'listRuns', {})
    const run = runs.find((r) => r.id === runId)
    if (!run) throw new Error(`no run ${runId}`)
    if (run.status === status) return run
    if (run.status === 'failed') throw new Error(`run ${runId} failed: ${run.error}`)
    if (Date.now() > until) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 400))
  }
}

/** A query parameter of the page's hash route (`#/evaluate?set=3` → '3'). */
export function routeParam(page: Page, name: string): string | null {
  return new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '').get(name)
}

/** Screenshot of the whole view: the shell scrolls inside its content area, so the viewport grows to fit. */
export async function viewScreenshot(page: Page, path: string): Promise<void> {
  const viewport = page.viewportSize()!
  const height = await page.evaluate(() => document.querySelector('main.content')?.scrollHeight ?? 0)
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height + 40) })
  await page.waitForTimeout(250)
  await page.screenshot({ path })
  await page.setViewportSize(viewport)
}
