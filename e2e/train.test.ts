// The Train view's controls in Chromium through the web host, on a small demo project: a run from scratch
// with a chosen PRM variant (its size shown as options change), paused between steps and resumed, stopped
// with a checkpoint, and resumed from it to the end; a bad option blocks the start with a clear line.
import { rmSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, watchErrors } from './support/browser'
import { screenshotPath } from './support/paths'
import { smallDemoDataDir, viewScreenshot, waitForRunStatus } from './support/small-demo'
import { serveWorkbench, type ServedWorkbench } from './support/web-host'

// Several short epochs: a pause or stop must land before the run's end wherever it is asked for
const STEPS_PER_EPOCH = 4
const EPOCHS = 3

let served: ServedWorkbench
let dataDir: string
let browser: Browser
let page: Page
let errors: string[]

beforeAll(async () => {
  dataDir = await smallDemoDataDir()
  served = await serveWorkbench({ dataDir })
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  errors = watchErrors(page)
  await page.goto(`${served.url}#/train`)
  await page.waitForSelector('[data-view="train"] [data-test="train-form"]')
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await served?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

describe('the Train view', () => {
  const form = () => page.locator('[data-test="train-form"]')
  const monitor = () => page.locator('[data-test="run-monitor"]')
  const status = () => monitor().getAttribute('data-status')
  const step = async () => Number(await monitor().locator('[data-test="run-progress"]').getAttribute('data-step'))

  it('shows the model size as the network changes and refuses a bad option', async () => {
    const size = form().locator('[data-test="model-size"]')
    await expect.poll(() => size.textContent()).toMatch(/parameters/)
    const demoSize = await size.textContent()
    await form().locator('select[name="variant"]').selectOption('A')
    await form().locator('input[name="nStack"]').fill('2')
    await expect.poll(() => size.textContent()).not.toBe(demoSize)
    expect(await size.textContent()).toMatch(/PRMs/)

    await form().locator('input[name="epochs"]').fill('0')
    await expect.poll(() => form().locator('.problems').textContent()).toContain('Epochs must be a positive whole number')
    expect(await form().locator('[data-test="start-run"]').isDisabled()).toBe(true)
  })

  it('trains a PRM-A run from scratch, pauses and resumes it between steps', async () => {
    await form().locator('input[name="name"]').fill('PRM-A scratch')
    await form().locator('input[name="nStack"]').fill('1')
    await form().locator('input[name="epochs"]').fill(String(EPOCHS))
    await form().locator('input[name="stepsPerEpoch"]').fill(String(STEPS_PER_EPOCH))
    await form().locator('input[name="batchSize"]').fill('4')
    await form().locator('input[name="valLimit"]').fill('8')
    await form().locator('[data-test="start-run"]').click()
    await expect.poll(() => monitor().locator('.title').textContent(), { timeout: 10_000 }).toContain('PRM-A scratch')
    expect(await monitor().textContent()).toContain('PRM-A · 1 stack')

    await expect.poll(step, { timeout: 120_000, interval: 200 }).toBeGreaterThanOrEqual(1)
    await monitor().locator('[data-test="pause-run"]').click()
    await expect.poll(status, { timeout: 30_000 }).toBe('paused')
    const pausedAt = await step()
    expect(pausedAt).toBeLessThan(STEPS_PER_EPOCH * EPOCHS)
    // nothing moves while paused
    await page.waitForTimeout(2500)
    expect(await step()).toBe(pausedAt)
    await viewScreenshot(page, screenshotPath('train-paused'))

    await monitor().locator('[data-test="resume-run"]').click()
    await expect.poll(status, { timeout: 30_000 }).toBe('running')
    await expect.poll(step, { timeout: 60_000, interval: 200 }).toBeGreaterThan(pausedAt)
  })

  it('stops the run with a checkpoint and resumes it from there to the end', async () => {
    const runId = (await monitor().getAttribute('data-run-id'))!
    await monitor().locator('[data-test="stop-run"]').click()
    await expect.poll(status, { timeout: 60_000 }).toBe('stopped')
    const stoppedAt = await step()
    expect(stoppedAt).toBeLessThan(STEPS_PER_EPOCH * EPOCHS)
    await expect.poll(() => monitor().locator('[data-test="checkpoints"] tbody tr').count()).toBeGreaterThan(0)

    await monitor().locator('[data-test="resume-run"]').click()
    const run = await waitForRunStatus(page, runId, 'completed')
    expect(run.step).toBe(STEPS_PER_EPOCH * EPOCHS)
    await expect.poll(status).toBe('completed')
    // both epochs' validation PCKh are in the run's record
    expect(await monitor().textContent()).toContain(`epoch ${EPOCHS} / ${EPOCHS}`)
    expect(errors).toEqual([])
  })
})
