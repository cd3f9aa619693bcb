// The workbench's whole loop in Chromium through the web host, on the demo project: a first run trained
// (through the contract, to save time), a joint corrected, a fine-tune of that run started from the
// Train form and watched (steps, images/s, heatmaps), both runs evaluated from the Evaluate view, the
// CSV exported and read back, and the two runs compared side by side with their predictions stepped
// through. Runs are tiny (one epoch of a few steps) so the test stays within a few minutes on 2 cores.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, watchErrors } from './support/browser'
import { screenshotPath } from './support/paths'
import { serveWorkbench, type ServedWorkbench } from './support/web-host'
import { Workbench } from '../main/workbench'

const TINY = { epochs: 1, stepsPerEpoch: 3, batchSize: 4, valLimit: 16 }
/**
 * The demo project at a twentieth of its default size: the same generator and importer, but a
 * validation split of 20 people, so scoring a checkpoint over it (flip test included) takes seconds
 * on the CPU backends rather than minutes.
 */
const DEMO_SIZE = { people: 100, valFraction: 0.2 }

let served: ServedWorkbench
let dataDir: string
let browser: Browser
let page: Page
let errors: string[]
const started = Date.now()
const log = (what: string) => console.log(`[loop ${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`)

/** A data folder holding a small demo project, opened by the web host as the last project used. */
async function smallDemoDataDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'wb-e2e-loop-'))
  const workbench = new Workbench({ host: 'cli', dataDir: dir })
  try {
    const reply = await workbench.call('createDemoProject', DEMO_SIZE)
    if (!reply.ok) throw new Error(`createDemoProject: ${reply.error.message}`)
  } finally {
    await workbench.dispose()
  }
  return dir
}

beforeAll(async () => {
  dataDir = await smallDemoDataDir()
  log('small demo project made')
  served = await serveWorkbench({ dataDir })
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })
  errors = watchErrors(page)
  await page.goto(served.url)
  await page.waitForSelector('[data-area="train"]')
  log('web host up')
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await served?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

async function api<T>(fn: string, params: unknown): Promise<T> {
  const reply = await page.evaluate(
    async ([name, p]) => (window.api as unknown as Record<string, (p: unknown) => Promise<unknown>>)[name as string](p),
    [fn, params] as const
  )
  const r = reply as { ok: boolean; result?: T; error?: { message: string } }
  if (!r.ok) throw new Error(`${fn}: ${r.error?.message}`)
  return r.result as T
}

interface RunSummary {
  id: string
  name: string
  status: string
  editsSince: number
  step: number
}

async function waitForRun(runId: string, status: string, timeoutMs = 180_000): Promise<RunSummary> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const { runs } = await api<{ runs: RunSummary[] }>('listRuns', {})
    const run = runs.find((r) => r.id === runId)!
    if (run.status === status) return run
    if (run.status === 'failed') throw new Error(`run ${runId} failed: ${JSON.stringify(run)}\n${served.output()}`)
    if (Date.now() > until) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

interface PersonRecord {
  id: number
  joints: { x: number | null; y: number | null; state: string }[]
}

/** The whole view: the page scrolls inside the shell's content area, so the viewport grows to fit it. */
async function shot(name: string): Promise<void> {
  const viewport = page.viewportSize()!
  const height = await page.evaluate(() => document.querySelector('main.content')?.scrollHeight ?? 0)
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height + 40) })
  await page.waitForTimeout(250)
  await page.screenshot({ path: screenshotPath(name) })
  await page.setViewportSize(viewport)
}

/** A query parameter of the hash route (`#/evaluate?set=3`). */
function routeParam(name: string): string | null {
  return new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '').get(name)
}

describe('the retrain loop in Chromium', () => {
  let baseRun: RunSummary
  let fineTune: RunSummary
  const setIds: number[] = []

  it('trains a first tiny run through the contract', async () => {
    baseRun = await api<RunSummary>('startRun', { preset: 'demo', name: 'PRM-B base', backend: 'auto', overrides: TINY })
    baseRun = await waitForRun(baseRun.id, 'completed')
    log(`base run completed at step ${baseRun.step}`)
    expect(baseRun.step).toBe(TINY.stepsPerEpoch)
  })

  it('corrects a joint, and the Train view shows the run is one edit behind', async () => {
    const page0 = await api<{ images: { people: PersonRecord[] }[] }>('listImages', { filter: { split: 'train' }, limit: 1, withPeople: true })
    const person = page0.images[0].people[0]
    const head = person.joints[9]
    expect(head.x).not.toBeNull()
    await api('editPerson', { personId: person.id, operation: { op: 'moveJoint', joint: 9, x: head.x! + 3, y: head.y! - 2 } })

    await page.click('nav [data-area="train"]')
    await page.waitForSelector('[data-view="train"] [data-test="train-form"]')
    const edits = page.locator(`[data-test="run-list"] [data-run-id="${baseRun.id}"] [data-test="edits-since"]`)
    await expect.poll(() => edits.getAttribute('data-edits')).toBe('1')
    expect(await edits.textContent()).toContain('1 edit since this run')
  })

  it('fine-tunes the first run from the Train form and shows its progress and heatmaps live', async () => {
    const form = page.locator('[data-test="train-form"]')
    await form.locator('input[name="name"]').fill('PRM-B fine-tuned')
    await form.locator('select[name="from"]').selectOption(baseRun.id)
    // a fine-tune keeps its source's network: the network fields lock
    await expect.poll(() => form.locator('select[name="variant"]').isDisabled()).toBe(true)
    await form.locator('input[name="epochs"]').fill('1')
    await form.locator('input[name="stepsPerEpoch"]').fill('8')
    await form.locator('input[name="batchSize"]').fill(String(TINY.batchSize))
    await form.locator('input[name="valLimit"]').fill(String(TINY.valLimit))
    await form.locator('[data-test="start-run"]').click()

    const monitor = page.locator('[data-test="run-monitor"]')
    await expect.poll(() => monitor.locator('.title').textContent(), { timeout: 10_000 }).toContain('PRM-B fine-tuned')
    const runId = (await monitor.getAttribute('data-run-id'))!
    expect(runId).not.toBe(baseRun.id)
    log('fine-tune started')

    // the first steps arrive: throughput is shown
    await expect.poll(() => monitor.locator('[data-test="images-per-second"] strong').textContent(), { timeout: 120_000, interval: 250 }).toMatch(/\d/)
    log('steps arriving')
    // heatmaps of the fixed validation crop arrive as training goes
    const heatmaps = monitor.locator('[data-test="heatmap-preview"]')
    await heatmaps.waitFor({ timeout: 120_000 })
    expect(Number(await heatmaps.getAttribute('data-updates'))).toBeGreaterThanOrEqual(1)
    log('heatmaps arrived')
    await shot('train-running')

    fineTune = await waitForRun(runId, 'completed')
    await expect.poll(() => monitor.getAttribute('data-status')).toBe('completed')
    expect(fineTune.step).toBe(8)
    log('fine-tune completed')
    await page.waitForTimeout(300)
    await shot('train')
  })

  it('evaluates both runs from the Evaluate view', async () => {
    await page.locator('[data-test="run-monitor"] [data-test="evaluate-run"]').click()
    await page.waitForSelector('[data-view="evaluate"]')
    for (const run of [fineTune, baseRun]) {
      await page.locator(`[data-test="set-picker"] [data-run-id="${run.id}"] [data-test="evaluate-checkpoint"]`).click()
      await expect.poll(() => page.locator('[data-test="evaluated-name"]').textContent(), { timeout: 180_000, interval: 500 }).toBe(run.name)
      await page.locator('[data-test="pckh-table"]').waitFor()
      await expect.poll(() => Number(routeParam('set'))).toSatisfy((id: number) => id > 0 && !setIds.includes(id))
      setIds.push(Number(routeParam('set')))
      log(`evaluated ${run.name}`)
    }
    const table = page.locator('[data-test="pckh-table"]')
    for (const header of ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'Mean', 'Weighted mean']) {
      expect(await table.locator('thead').textContent()).toContain(header)
    }
    const mean = await table.locator('[data-row="at05"] [data-col="mean"]').textContent()
    expect(mean).toMatch(/^\d+\.\d\d$/)
    await expect.poll(() => page.locator('[data-test="error-ranking"] tbody tr').count()).toBeGreaterThan(0)
    expect(setIds.every((id) => id > 0)).toBe(true)
    await shot('evaluate')

    // the worst case opens in the editor at its worst joint, with this set's predictions
    const open = page.locator('[data-test="error-ranking"] [data-test="open-in-editor"]').first()
    await open.waitFor()
    const href = (await open.getAttribute('href'))!
    expect(href).toMatch(/#\/annotate\?image=\d+&person=\d+&joint=\d+&set=\d+/)
    await open.click()
    await page.waitForSelector('[data-view="annotate"]')
    expect(routeParam('person')).toBe(new URLSearchParams(href.split('?')[1]).get('person'))
    await page.goBack()
    await page.waitForSelector('[data-view="evaluate"] [data-test="pckh-table"]')
  })

  it('exports the evaluation as CSV in the evaluation format', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test="export-csv"]')])
    const text = readFileSync((await download.path())!, 'utf8')
    const [header, ...rows] = text.trim().split(/\r?\n/)
    expect(header.startsWith('Model,Head,Shoulder,Elbow,Wrist,Hip,Knee,Ankle,Mean,')).toBe(true)
    expect(rows).toHaveLength(1)
    const cells = rows[0].split(',')
    expect(cells[0]).toBe(baseRun.name)
    for (const value of cells.slice(1, 9)) expect(value).toMatch(/^\d+\.\d\d$/)
    await expect.poll(() => page.locator('[data-test="export-message"]').textContent()).toContain('Downloaded')
  })

  it('compares the two runs side by side and steps through where they disagree', async () => {
    await page.click('nav [data-area="compare"]')
    await page.waitForSelector('[data-view="compare"]')
    for (const id of [setIds[1], setIds[0]]) await page.locator(`[data-test="set-picker"] [data-set-id="${id}"] input`).check()
    const table = page.locator('[data-test="comparison-table"]')
    await table.waitFor({ timeout: 60_000 })
    expect(await table.locator('tr.set').count()).toBe(2)
    expect(await table.locator('[data-test="delta-row"]').count()).toBe(1)
    expect(await page.locator('[data-test="paired-difference"]').count()).toBe(1)
    await expect.poll(() => page.locator('[data-test="disagreements"] li').count(), { timeout: 60_000 }).toBeGreaterThan(1)
    const pair = page.locator('[data-test="prediction-pair"]')
    await pair.waitFor({ timeout: 60_000 })
    expect(await pair.locator('[data-has-prediction="true"]').count()).toBe(2)
    const first = await pair.getAttribute('data-person-id')
    await page.locator('[data-test="next-person"]').click()
    await expect.poll(() => pair.getAttribute('data-person-id'), { timeout: 60_000 }).not.toBe(first)
    await page.waitForTimeout(300)
    log('compared')
    await shot('compare')

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test="export-comparison-csv"]')])
    const rows = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/)
    expect(rows[0].startsWith('Model,Head,Shoulder,Elbow,Wrist,Hip,Knee,Ankle,Mean,')).toBe(true)
    expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual([baseRun.name, fineTune.name])
    expect(errors).toEqual([])
  })
})
