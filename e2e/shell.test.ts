// The shell in a real browser: the web host serves the app, the page reaches main through the
// contract, the status bar shows what main reports, and the areas can be navigated.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, watchErrors } from './support/browser'
import { screenshotPath } from './support/paths'
import { serveWorkbench, type ServedWorkbench } from './support/web-host'

let served: ServedWorkbench
let browser: Browser
let page: Page
let errors: string[]

beforeAll(async () => {
  served = await serveWorkbench()
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } })
  errors = watchErrors(page)
  await page.goto(served.url)
})

afterAll(async () => {
  await browser?.close()
  await served?.stop()
})

describe('the workbench shell in Chromium', () => {
  it('reads the status from main through the contract', async () => {
    const status = await page.evaluate(async () => window.api.status({}))
    expect(status.ok).toBe(true)
    if (!status.ok) return
    expect(status.result.host).toBe('web')
    expect(status.result.dataDir).toBe(served.dataDir)

    await expect.poll(() => page.textContent('[data-test="status-host"]')).toBe('Web host')
    const cpu = page.locator('[data-backend="cpu"]')
    expect(await cpu.getAttribute('data-available')).toBe('true')
    expect(await page.locator('[data-backend]').count()).toBe(status.result.backends.length)
  })

  it('gets a structured error for a bad request and keeps working', async () => {
    const reply = await page.evaluate(async () => window.api.createProject({ name: '' }))
    expect(reply.ok).toBe(false)
    if (!reply.ok) expect(reply.error.field).toBe('name')
    const again = await page.evaluate(async () => window.api.status({}))
    expect(again.ok).toBe(true)
  })

  it('navigates between the areas', async () => {
    const areaIds = await page.locator('nav [data-area]').evaluateAll((links) => links.map((l) => l.getAttribute('data-area')))
    expect(areaIds.length).toBeGreaterThan(0)
    for (const id of areaIds) {
      await page.click(`nav [data-area="${id}"]`)
      await page.waitForURL(new RegExp(`#/${id}`))
      await page.waitForSelector(`[data-view="${id}"]`)
    }
    await page.screenshot({ path: screenshotPath('shell') })
    expect(errors).toEqual([])
  })

  it('refuses a page opened without the token', async () => {
    const other = await browser.newPage()
    const response = await other.goto(served.origin + '/')
    expect(response?.status()).toBe(401)
    expect(await other.textContent('body')).toContain('access token')
    await other.close()
  })
})
