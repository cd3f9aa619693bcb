// Projects in Chromium through the web host: create one, import MPII annotations and their images folder
// into it through the host's path picker, read the summary (and what a second import of the same file
// refuses), browse what came in, and reopen a recent project.
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Params, RequestName } from '../contract'
import { pageApi } from './support/page-api'
import { launchChromium, watchErrors } from './support/browser'
import { screenshotPath } from './support/paths'
import { serveWorkbench, type ServedWorkbench } from './support/web-host'

let served: ServedWorkbench
let browser: Browser
let page: Page
let errors: string[]
let demoDir: string

const api = <N extends RequestName>(method: N, params: Params<N>) => pageApi(page, method, params)

/** Walks the path picker to `dir` and picks `entry` in it (a file), or the folder itself. */
async function pick(dir: string, entry?: string): Promise<void> {
  await page.waitForSelector('[data-test="path-picker"]')
  await page.fill('[data-test="path-input"]', dir)
  await page.press('[data-test="path-input"]', 'Enter')
  await page.waitForSelector(`[data-test="path-picker"][data-path="${dir}"] [data-entry]`)
  if (entry) await page.click(`[data-test="path-picker"] [data-entry="${entry}"]`)
  await page.click('[data-test="path-choose"]')
  await page.waitForSelector('[data-test="path-picker"]', { state: 'detached' })
}

beforeAll(async () => {
  served = await serveWorkbench({ demo: true })
  demoDir = join(served.dataDir, 'projects', 'demo')
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } })
  errors = watchErrors(page)
  await page.goto(`${served.url}#/projects`)
  await page.waitForSelector('[data-view="projects"]')
})

afterAll(async () => {
  await browser?.close()
  await served?.stop()
})

describe('projects and import', () => {
  it('creates a project and lands in its (empty) Dataset view with the import open', async () => {
    await page.fill('[data-test="new-project-name"]', 'Imported val')
    await page.click('[data-view="projects"] button:has-text("Create")')
    await page.waitForSelector('[data-view="dataset"] [data-test="import-panel"]')
    await expect.poll(() => page.textContent('[data-test="nav-project"]')).toContain('Imported val')
  })

  it('imports MPII annotations and their images folder picked on the host, and shows the summary', async () => {
    await page.click('[data-test="browse-file"]')
    await pick(join(demoDir, 'annotations'), 'mpii_val.json')
    expect(await page.inputValue('[data-test="import-file"]')).toBe(join(demoDir, 'annotations', 'mpii_val.json'))
    await page.click('[data-test="import-panel"] button:has-text("Browse…") >> nth=1')
    await pick(join(demoDir, 'images'))
    expect(await page.inputValue('[data-test="import-images"]')).toBe(join(demoDir, 'images'))

    await page.click('[data-test="import-run"]')
    await page.waitForSelector('[data-test="import-summary"]')
    const stats = await api('datasetStats', {})
    expect(stats.people.total).toBeGreaterThan(100)
    const summary = await page.textContent('[data-test="import-summary"]')
    expect(summary).toContain(`Imported ${stats.people.total.toLocaleString('en-US')} people`)
    expect(summary).toContain('Nothing was refused')
    expect(summary).toContain(`${stats.images.total.toLocaleString('en-US')} found`)
    await page.screenshot({ path: screenshotPath('projects-import') })
    // the grid shows what came in
    await expect.poll(() => page.textContent('[data-test="dataset-total"]')).toContain(`${stats.images.total.toLocaleString('en-US')} images`)
  })

  it('refuses the same people a second time and says so', async () => {
    const before = await api('datasetStats', {})
    await page.click('[data-test="import-run"]')
    await page.waitForSelector('[data-test="import-refused"]')
    expect(await page.textContent('[data-test="import-summary"]')).toContain('Imported 0 people')
    expect(await page.locator('[data-test="import-refused"] li').count()).toBeGreaterThan(0)
    expect((await api('datasetStats', {})).people.total).toBe(before.people.total)
  })

  it('reports a file it cannot read without changing the project', async () => {
    await page.fill('[data-test="import-file"]', join(demoDir, 'project.json'))
    await page.click('[data-test="import-run"]')
    await page.waitForSelector('[data-test="import-error"]')
    expect(await page.textContent('[data-test="import-error"]')).toContain('project.json')
  })

  it('reopens the demo project from the recent list', async () => {
    await page.click('nav [data-area="projects"]')
    await page.waitForSelector('[data-test="recent-projects"]')
    const demo = page.locator('[data-test="recent-projects"] li', { hasText: demoDir })
    await demo.locator('button').click()
    await expect.poll(() => page.textContent('[data-test="nav-project"]')).toContain('Demo project')
    expect(errors).toEqual([])
  })
})
