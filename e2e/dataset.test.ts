// The Dataset view in Chromium through the web host, on a copy of the demo project: counts that agree
// with main's, a grid that keeps only the visible cells in the page, filters and search, keyboard
// browsing into Annotate, and an error ranking that opens the editor at the worst joint.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatasetStats, Params, Person, RequestName } from '../contract'
import { pageApi } from './support/page-api'
import { launchChromium, watchErrors } from './support/browser'
import { screenshotPath } from './support/paths'
import { serveWorkbench, type ServedWorkbench } from './support/web-host'

let served: ServedWorkbench
let browser: Browser
let page: Page
let errors: string[]
let stats: DatasetStats

const api = <N extends RequestName>(method: N, params: Params<N>) => pageApi(page, method, params)

const total = () => page.textContent('[data-test="dataset-total"]')

beforeAll(async () => {
  served = await serveWorkbench({ demo: true })
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } })
  errors = watchErrors(page)
  await page.goto(`${served.url}#/dataset`)
  await page.waitForSelector('[data-view="dataset"] [data-test="image-grid"] [data-image]')
  stats = await api('datasetStats', {})
})

afterAll(async () => {
  await browser?.close()
  await served?.stop()
})

describe('the Dataset view', () => {
  it('shows the counts main reports and only the cells on screen', async () => {
    expect(stats.images.total).toBeGreaterThan(1000)
    await expect.poll(total).toContain(`${stats.images.total.toLocaleString('en-US')} images`)
    expect(await page.textContent('[data-test="dataset-counts"]')).toContain(`${stats.people.total.toLocaleString('en-US')} people`)
    const cells = await page.locator('[data-test="image-grid"] .cell').count()
    expect(cells).toBeGreaterThan(10)
    expect(cells).toBeLessThan(150)
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-test="image-grid"] img')].slice(0, 6).every((img) => img.complete && img.naturalWidth > 0))
    await page.screenshot({ path: screenshotPath('dataset-grid') })
  })

  it('filters by split, by edits and by name', async () => {
    await page.selectOption('[data-test="filter-split"]', 'val')
    await expect.poll(async () => (await total())!.trim()).toBe(`${stats.images.bySplit.val.toLocaleString('en-US')} of ${stats.images.total.toLocaleString('en-US')} images`)
    await page.selectOption('[data-test="filter-split"]', 'all')
    await expect.poll(async () => (await total())!.trim()).toBe(`${stats.images.total.toLocaleString('en-US')} images`)

    await page.selectOption('[data-test="filter-edited"]', 'yes')
    await expect.poll(async () => (await total())!.trim()).toBe(`0 of ${stats.images.total.toLocaleString('en-US')} images`)
    // an edit elsewhere (here through the contract) shows up in the filtered list
    const first = (await api('listImages', { limit: 1, withPeople: true })).images[0]
    const person = first.people![0]
    const joint = person.joints.findIndex((j) => j.state === 'visible')
    await api('editPerson', { personId: person.id, operation: { op: 'setJointState', joint, state: 'occluded' } })
    await page.selectOption('[data-test="filter-edited"]', 'any')
    await page.selectOption('[data-test="filter-edited"]', 'yes')
    await expect.poll(async () => (await total())!.trim()).toBe(`1 of ${stats.images.total.toLocaleString('en-US')} images`)
    expect(await page.getAttribute('[data-test="image-grid"] .cell[data-index="0"]', 'data-image')).toBe(String(first.id))
    await page.selectOption('[data-test="filter-edited"]', 'any')
    await expect.poll(async () => (await total())!.trim()).toBe(`${stats.images.total.toLocaleString('en-US')} images`)

    await page.fill('[data-test="dataset-search"]', '0000012')
    const matching = (await api('listImages', { filter: { search: '0000012' }, limit: 0 })).total
    expect(matching).toBeGreaterThan(0)
    await expect.poll(async () => (await total())!.trim()).toBe(`${matching} of ${stats.images.total.toLocaleString('en-US')} images`)
    const names = page.locator('[data-test="image-grid"] .cell .name')
    await expect.poll(() => names.count()).toBe(Math.min(matching, await page.locator('[data-test="image-grid"] .cell').count()))
    expect((await names.allTextContents()).every((name) => name.includes('0000012'))).toBe(true)
    await page.fill('[data-test="dataset-search"]', '')
    await expect.poll(async () => (await total())!.trim()).toBe(`${stats.images.total.toLocaleString('en-US')} images`)
  })

  it('moves the selection with the arrows and opens it in Annotate with Enter', async () => {
    await page.click('[data-test="image-grid"] .cell[data-index="0"]')
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowDown')
    const columns = await page.evaluate(() => getComputedStyle(document.querySelector('[data-test="image-grid"] .window')!).gridTemplateColumns.split(' ').length)
    const selected = page.locator('[data-test="image-grid"] .cell.selected')
    expect(await selected.getAttribute('data-index')).toBe(String(2 + columns))
    const imageId = await selected.getAttribute('data-image')
    await page.keyboard.press('Enter')
    await page.waitForSelector(`[data-view="annotate"][data-image="${imageId}"]`)
    // F walks on in the Dataset view's order
    const next = (await api('listImages', { offset: 3 + columns, limit: 1 })).images[0]
    await page.keyboard.press('f')
    await page.waitForSelector(`[data-view="annotate"][data-image="${next.id}"]`)
    await page.goBack()
  })

  it('ranks people by a prediction set’s worst error and opens the worst joint', async () => {
    // a predictions file that is the labels themselves, except one person's left wrist 80 px off
    const val = (await api('listImages', { filter: { split: 'val' }, limit: 1000, withPeople: true })).images
    const people: Person[] = val.flatMap((image) => image.people!).sort((a, b) => a.id - b.id)
    const culprit = people.find((p) => p.joints[15].state === 'visible' && p.headBox)!
    const preds = people.map((p) => p.joints.map((j, k) => (j.x === null || j.y === null ? [1, 1] : [j.x + (p === culprit && k === 15 ? 80 : 0), j.y])))
    const file = join(served.dataDir, 'shifted-predictions.json')
    writeFileSync(file, JSON.stringify(preds))
    const set = await api('importPredictions', { path: file, split: 'val', name: 'e2e shifted' })

    await page.waitForSelector('[data-view="dataset"]')
    // focusing the list reads the project's prediction sets again
    await page.focus('[data-test="filter-rank"]')
    await page.waitForSelector(`[data-test="filter-rank"] option[value="${set.id}"]`, { state: 'attached' })
    await page.selectOption('[data-test="filter-rank"]', String(set.id))
    await expect.poll(total).toContain('people, worst first')
    const top = page.locator('[data-test="image-grid"] .cell[data-index="0"]')
    await expect.poll(() => top.getAttribute('data-image')).toBe(String(culprit.imageId))
    expect(await top.textContent()).toContain('left wrist')
    // ranked cells show the person's crop (made on first request)
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-test="image-grid"] img')].slice(0, 6).every((img) => img.complete && img.naturalWidth > 0), undefined, { timeout: 30_000 })
    await page.screenshot({ path: screenshotPath('dataset-ranking') })

    await top.click()
    await page.keyboard.press('Enter')
    await page.waitForSelector(`[data-view="annotate"][data-image="${culprit.imageId}"]`)
    expect(page.url()).toContain(`person=${culprit.id}`)
    expect(page.url()).toContain('joint=15')
    await page.waitForSelector('[data-test="joint-panel"] tr.selected[data-joint="15"]')
    expect(errors).toEqual([])
  })
})
