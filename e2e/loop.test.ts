// The workbench's whole loop in Chromium through the web host, on a (small) demo project: a first run
// trained (through the contract, to save time), a joint corrected in the editor, a fine-tune of that run
// started from the Train form and watched (steps, images/s, heatmaps), both runs evaluated from the
// Evaluate view, the worst case opened in the editor, the CSV exported and read back, and the two runs
// compared side by side with their predictions stepped through. Runs are tiny (one epoch of a few
// steps) so the test stays within a few minutes on 2 cores.
import { readFileSync, rmSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Params, RequestName } from '../contract'
import { launchChromium, watchErrors } from './support/browser'
import { screenshotPath } from './support/paths'
import { pageApi } from './support/page-api'
import { routeParam, smallDemoDataDir, viewScreenshot, waitForRunStatus } from './support/small-demo'
import { serveWorkbench, type ServedWorkbench } from './support/web-host'

const TINY = { epochs: 1, stepsPerEpoch: 3, batchSize: 4, valLimit: 16 }
const HEAD_TOP = 9

let served: ServedWorkbench
let dataDir: string
let browser: Browser
let page: Page
let errors: string[]
const started = Date.now()
const log = (what: string) => console.log(`[loop ${((Date.now() - started) / 1000).toFixed(1)} s] ${what}`)

beforeAll(async () => {
  dataDir = await smallDemoDataDir()
  served = await serveWorkbench({ dataDir })
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })
  errors = watchErrors(page)
  await page.goto(served.url)
  await page.waitForSelector('[data-area="train"]')
  log('web host up on a small demo project')
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await served?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

const api = <N extends RequestName>(method: N, params: Params<N>) => pageApi(page, method, params)
const shot = (name: string) => viewScreenshot(page, screenshotPath(name))

interface RunSummary {
  id: string
  name: string
  status: string
  editsSince: number
  step: number
}

/** A joint handle's place on screen in the editor's Konva stage. */
function handleOnScreen(personId: number, joint: number): Promise<{ x: number; y: number; scale: number }> {
  return page.evaluate(
    ([p, j]) => {
      const konva = (window as unknown as { Konva: { stages: import('konva').default.Stage[] } }).Konva
      const stage = konva.stages.find((s) => s.findOne(`.joint-${p}-${j}`))!
      const at = stage.findOne(`.joint-${p}-${j}`)!.getAbsolutePosition()
      const box = stage.container().getBoundingClientRect()
      return { x: box.left + at.x, y: box.top + at.y, scale: stage.scaleX() }
    },
    [personId, joint] as const
  )
}

describe('the retrain loop in Chromium', () => {
  let baseRun: RunSummary
  let fineTune: RunSummary
  const setIds: number[] = []

  it('trains a first tiny run through the contract', async () => {
    baseRun = await api('startRun', { preset: 'demo', name: 'PRM-B base', backend: 'auto', overrides: TINY })
    baseRun = await waitForRunStatus(page, baseRun.id, 'completed')
    log(`base run completed at step ${baseRun.step}`)
    expect(baseRun.step).toBe(TINY.stepsPerEpoch)
  })

  it('corrects a joint in the editor, and the Train view shows the run is one edit behind', async () => {
    const list = await api('listImages', { filter: { split: 'train' }, limit: 20, withPeople: true })
    const image = list.images.find((i) => (i.people ?? []).some((p) => p.joints[HEAD_TOP].state === 'visible'))!
    const person = (image.people ?? []).find((p) => p.joints[HEAD_TOP].state === 'visible')!
    await page.goto(`${served.url}#/annotate?image=${image.id}&person=${person.id}&joint=${HEAD_TOP}`)
    await page.waitForSelector(`[data-view="annotate"][data-image="${image.id}"]`)
    await page.waitForFunction(
      ([p, j]) => !!(window as unknown as { Konva?: { stages: { findOne(s: string): unknown }[] } }).Konva?.stages.some((s) => s.findOne(`.joint-${p}-${j}`)),
      [person.id, HEAD_TOP] as const
    )
    const start = await handleOnScreen(person.id, HEAD_TOP)
    await page.mouse.move(start.x, start.y)
    await page.mouse.down()
    for (let i = 1; i <= 10; i++) await page.mouse.move(start.x + 2 * i, start.y + 1.5 * i)
    await page.mouse.up()
    await page.waitForSelector('[data-view="annotate"][data-saving="0"]')
    const after = (await api('getImage', { imageId: image.id })).people.find((p) => p.id === person.id)!
    expect(after.joints[HEAD_TOP].x).toBeCloseTo(person.joints[HEAD_TOP].x! + 20 / start.scale, 1)
    log('joint corrected in the editor')

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
    // a fine-tune keeps its source's network: the network fields lock, the size stays shown
    await expect.poll(() => form.locator('select[name="variant"]').isDisabled()).toBe(true)
    await expect.poll(() => form.locator('[data-test="model-size"]').textContent()).toMatch(/parameters/)
    await form.locator('input[name="epochs"]').fill('1')
    await form.locator('input[name="stepsPerEpoch"]').fill('8')
    await form.locator('input[name="batchSize"]').fill(String(TINY.batchSize))
    await form.locator('input[name="valLimit"]').fill(String(TINY.valLimit))
    await form.locator('[data-test="start-run"]').click()

    const monitor = page.locator('[data-test="run-monitor"]')
    await expect.poll(() => monitor.locator('.title').textContent(), { timeout: 10_000 }).toContain('PRM-B fine-tuned')
    const runId = (await monitor.getAttribute('data-run-id'))!
    expect(runId).not.toBe(baseRun.id)
    expect(await monitor.textContent()).toContain('fine-tuned from PRM-B base')
    log('fine-tune started')

    // steps arrive: throughput and ETA are shown, the loss chart fills
    await expect.poll(() => monitor.locator('[data-test="images-per-second"] strong').textContent(), { timeout: 120_000, interval: 250 }).toMatch(/\d/)
    log('steps arriving')
    // the status bar shows the run from every view
    expect(await page.locator('[data-test="training-status"]').textContent()).toContain('PRM-B fine-tuned')
    // heatmaps of the fixed validation crop arrive as training goes
    const heatmaps = monitor.locator('[data-test="heatmap-preview"]')
    await heatmaps.waitFor({ timeout: 120_000 })
    expect(Number(await heatmaps.getAttribute('data-updates'))).toBeGreaterThanOrEqual(1)
    log('heatmaps arrived')
    await shot('train-running')

    fineTune = await waitForRunStatus(page, runId, 'completed')
    await expect.poll(() => monitor.getAttribute('data-status')).toBe('completed')
    expect(fineTune.step).toBe(8)
    // the validation PCKh of its epoch and its checkpoint are listed
    await expect.poll(() => monitor.locator('[data-test="checkpoints"] tbody tr').count()).toBeGreaterThan(0)
    log('fine-tune completed')
    await shot('train')
  })

  it('evaluates both runs from the Evaluate view and opens the worst case in the editor', async () => {
    await page.locator('[data-test="run-monitor"] [data-test="evaluate-run"]').click()
    await page.waitForSelector('[data-view="evaluate"]')
    for (const run of [fineTune, baseRun]) {
      await page.locator(`[data-test="set-picker"] [data-run-id="${run.id}"] [data-test="evaluate-checkpoint"]`).click()
      await expect.poll(() => page.locator('[data-test="evaluated-name"]').textContent(), { timeout: 180_000, interval: 500 }).toBe(run.name)
      await page.locator('[data-test="pckh-table"]').waitFor()
      await expect.poll(() => Number(routeParam(page, 'set'))).toSatisfy((id: number) => id > 0 && !setIds.includes(id))
      setIds.push(Number(routeParam(page, 'set')))
      log(`evaluated ${run.name}`)
    }
    const table = page.locator('[data-test="pckh-table"]')
    const header = await table.locator('thead').textContent()
    for (const column of ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'Mean', 'Weighted mean']) expect(header).toContain(column)
    for (const col of ['mean', 'weightedMean']) expect(await table.locator(`[data-row="at05"] [data-col="${col}"]`).textContent()).toMatch(/^\d+\.\d\d$/)
    await expect.poll(() => page.locator('[data-test="error-ranking"] tbody tr').count()).toBeGreaterThan(0)
    await expect.poll(() => page.locator('[data-test="evaluation-history"] tbody tr').count()).toBe(1)
    await shot('evaluate')

    // the worst case opens in the editor at its worst joint, with this set's predictions
    const open = page.locator('[data-test="error-ranking"] [data-test="open-in-editor"]').first()
    await open.waitFor()
    const href = (await open.getAttribute('href'))!
    expect(href).toMatch(/#\/annotate\?image=\d+&person=\d+&joint=\d+&set=\d+$/)
    await open.click()
    await page.waitForSelector(`[data-view="annotate"][data-image="${new URLSearchParams(href.split('?')[1]).get('image')}"]`)
    expect(routeParam(page, 'person')).toBe(new URLSearchParams(href.split('?')[1]).get('person'))
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
    // base first: it is the baseline every difference is taken from
    for (const id of [setIds[1], setIds[0]]) await page.locator(`[data-test="set-picker"] [data-set-id="${id}"] input`).check()
    expect(routeParam(page, 'sets')).toBe(`${setIds[1]},${setIds[0]}`)
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
    expect(first).toBe(await page.locator('[data-test="disagreements"] li.current').getAttribute('data-person-id'))
    await page.locator('[data-test="next-person"]').click()
    await expect.poll(() => pair.getAttribute('data-person-id'), { timeout: 60_000 }).not.toBe(first)
    log('compared')
    await shot('compare')

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test="export-comparison-csv"]')])
    const rows = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/)
    expect(rows[0].startsWith('Model,Head,Shoulder,Elbow,Wrist,Hip,Knee,Ankle,Mean,')).toBe(true)
    expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual([baseRun.name, fineTune.name])
    expect(errors).toEqual([])
  })
})
