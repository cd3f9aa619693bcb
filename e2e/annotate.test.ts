// The annotation editor in Chromium through the web host, on a copy of the demo project: drag a joint and
// find it moved after a reload, undo and redo it, mark a joint occluded, swap left and right, accept a
// predicted joint from a micro training run, and read every change back from the history panel.
// Every check reads main's answer (getImage, personHistory) besides what the page shows.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Params, Person, RequestName, Revision } from '../contract'
import { pageApi } from './support/page-api'
import { launchChromium, watchErrors } from './support/browser'
import { screenshotPath } from './support/paths'
import { serveWorkbench, type ServedWorkbench } from './support/web-host'

let served: ServedWorkbench
let browser: Browser
let page: Page
let errors: string[]
let imageId: number
let personId: number
/** The joint every test works on: the right knee. */
const KNEE = 1

const api = <N extends RequestName>(method: N, params: Params<N>) => pageApi(page, method, params)

async function person(): Promise<Person> {
  const image = await api('getImage', { imageId })
  return image.people.find((p) => p.id === personId)!
}

async function history(): Promise<Revision[]> {
  return (await api('personHistory', { personId })).revisions
}

/** A joint handle's place on screen, and the stage's scale (screen px per image px). */
async function handle(joint: number): Promise<{ x: number; y: number; scale: number }> {
  return page.evaluate(
    ([p, j]) => {
      const konva = (window as unknown as { Konva: { stages: import('konva').default.Stage[] } }).Konva
      const stage = konva.stages.find((s) => s.findOne(`.joint-${p}-${j}`))!
      const node = stage.findOne(`.joint-${p}-${j}`)!
      const at = node.getAbsolutePosition()
      const box = stage.container().getBoundingClientRect()
      return { x: box.left + at.x, y: box.top + at.y, scale: stage.scaleX() }
    },
    [personId, joint] as const
  )
}

async function settled(): Promise<void> {
  await page.waitForSelector('[data-view="annotate"][data-saving="0"]')
}

async function openEditor(): Promise<void> {
  await page.goto(`${served.url}#/annotate?image=${imageId}&person=${personId}&joint=${KNEE}`)
  await page.waitForSelector(`[data-view="annotate"][data-image="${imageId}"]`)
  await page.waitForFunction(
    ([p, j]) => !!(window as unknown as { Konva?: { stages: { findOne(s: string): unknown }[] } }).Konva?.stages.some((s) => s.findOne(`.joint-${p}-${j}`)),
    [personId, KNEE] as const
  )
}

beforeAll(async () => {
  served = await serveWorkbench({ demo: true })
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } })
  errors = watchErrors(page)
  await page.goto(served.url)
  // a two-person image, so the canvas shows more than one skeleton
  const page1 = await api('listImages', { limit: 200 })
  imageId = page1.images.find((i) => i.personCount === 2)!.id
  const image = await api('getImage', { imageId })
  personId = image.people.find((p) => p.joints[KNEE].state === 'visible')!.id
  await openEditor()
})

afterAll(async () => {
  await browser?.close()
  await served?.stop()
})

describe('the annotation editor', () => {
  let before: Person
  let moved: Person

  it('drags a joint, commits it at once, and shows it there after a reload', async () => {
    before = await person()
    const start = await handle(KNEE)
    await page.mouse.move(start.x, start.y)
    await page.mouse.down()
    for (let i = 1; i <= 12; i++) await page.mouse.move(start.x + 4 * i, start.y + 3 * i)
    await page.mouse.up()
    await settled()
    moved = await person()
    const expected = { x: before.joints[KNEE].x! + 48 / start.scale, y: before.joints[KNEE].y! + 36 / start.scale }
    expect(moved.joints[KNEE].x).toBeCloseTo(expected.x, 1)
    expect(moved.joints[KNEE].y).toBeCloseTo(expected.y, 1)
    expect(moved.edits).toBe(before.edits + 1)
    expect(await page.textContent('[data-test="annotate-status"]')).toContain('Moved right knee')
    await page.screenshot({ path: screenshotPath('annotate-editor') })

    await page.reload()
    await openEditor()
    const row = page.locator(`[data-test="joint-panel"] [data-joint="${KNEE}"] .at`)
    expect(await row.textContent()).toContain(`${moved.joints[KNEE].x!.toFixed(1)}, ${moved.joints[KNEE].y!.toFixed(1)}`)
    const again = await handle(KNEE)
    // the handle is drawn where main says the joint is (canvas x = MPII x - 0.5)
    const view = await page.evaluate(() => {
      const stage = (window as unknown as { Konva: { stages: import('konva').default.Stage[] } }).Konva.stages[0]
      const box = stage.container().getBoundingClientRect()
      return { left: box.left, top: box.top, x: stage.x(), y: stage.y(), scale: stage.scaleX() }
    })
    expect(again.x).toBeCloseTo(view.left + view.x + (moved.joints[KNEE].x! - 0.5) * view.scale, 1)
    expect(again.y).toBeCloseTo(view.top + view.y + (moved.joints[KNEE].y! - 0.5) * view.scale, 1)
    // the person now carries the edited marker
    expect(await page.getAttribute(`[data-test="people-panel"] [data-person="${personId}"]`, 'data-edited')).toBe('true')
  })

  it('undoes and redoes the drag with the keyboard, after the reload', async () => {
    await page.keyboard.press('Control+z')
    await settled()
    expect((await person()).joints[KNEE]).toEqual(before.joints[KNEE])
    await page.keyboard.press('Control+Shift+z')
    await settled()
    expect((await person()).joints[KNEE]).toEqual(moved.joints[KNEE])
    await page.keyboard.press('Control+z')
    await settled()
    await page.keyboard.press('Control+y')
    await settled()
    expect((await person()).joints[KNEE]).toEqual(moved.joints[KNEE])
  })

  it('marks the selected joint occluded with O, and visible again', async () => {
    await page.click(`[data-test="joint-panel"] [data-joint="${KNEE}"]`)
    await page.keyboard.press('o')
    await settled()
    expect((await person()).joints[KNEE].state).toBe('occluded')
    await page.waitForSelector(`[data-test="joint-panel"] [data-joint="${KNEE}"][data-state="occluded"]`)
    await page.click('[data-test="toggle-occluded"]')
    await settled()
    expect((await person()).joints[KNEE].state).toBe('visible')
  })

  it('swaps left and right of the person', async () => {
    const was = await person()
    await page.click(`[data-test="people-panel"] [data-person="${personId}"]`)
    await page.click('[data-test="swap-left-right"]')
    await settled()
    const now = await person()
    for (const [a, b] of [[0, 5], [1, 4], [2, 3], [10, 15], [11, 14], [12, 13]]) {
      expect(now.joints[a]).toEqual(was.joints[b])
      expect(now.joints[b]).toEqual(was.joints[a])
    }
    // and back, with the key
    await page.keyboard.press('s')
    await settled()
    expect((await person()).joints).toEqual(was.joints)
  })

  it('accepts the predicted position of a joint from a micro training run', async () => {
    const run = await api('startRun', {
      name: 'e2e micro run',
      backend: 'wasm',
      overrides: { model: { nStack: 1, nFeats: 16, stemWidth: 8, inputRes: 64 }, batchSize: 4, epochs: 1, stepsPerEpoch: 1, valLimit: 4, prefetch: 1 }
    })
    await expect
      .poll(async () => (await api('getRun', { runId: run.id })).status, { timeout: 120_000, interval: 500 })
      .toBe('completed')

    // focusing the list reads the runs again
    await page.focus('[data-test="prediction-run"]')
    await page.waitForSelector(`[data-test="prediction-run"] option[value="${run.id}"]`, { state: 'attached' })
    await page.selectOption('[data-test="prediction-run"]', run.id)
    await page.waitForSelector(`[data-test="joint-panel"] [data-joint="${KNEE}"] [data-confidence]`)
    const predicted = await api('predictImage', {
      imageId,
      source: { kind: 'run', runId: run.id }
    })
    const mine = predicted.people.find((p) => p.personId === personId)!.joints[KNEE]
    await page.click(`[data-test="joint-panel"] [data-joint="${KNEE}"]`)
    await page.screenshot({ path: screenshotPath('annotate-predictions') })
    await page.click('[data-test="accept-joint"]')
    await settled()
    const now = await person()
    expect(now.joints[KNEE].x).toBeCloseTo(mine.x, 6)
    expect(now.joints[KNEE].y).toBeCloseTo(mine.y, 6)
    const latest = (await history())[0]
    expect(latest.reason).toBe('accept-prediction')
    expect(latest.note).toContain('e2e micro run')
  })

  it('lists each change in the history panel, and restores an earlier revision from it', async () => {
    const revisions = await history()
    const operations = revisions.map((r) => r.operation)
    expect(operations).toEqual([
      'acceptPrediction',
      'swapLeftRight',
      'swapLeftRight',
      'setJointState',
      'setJointState',
      'redo',
      'undo',
      'redo',
      'undo',
      'moveJoint',
      'import'
    ])
    const panel = page.locator('[data-test="history-panel"] li[data-revision]')
    await expect.poll(() => panel.count()).toBe(revisions.length)
    expect(await panel.evaluateAll((items) => items.map((li) => li.getAttribute('data-operation')))).toEqual(operations)
    expect(await page.textContent('[data-test="history-panel"]')).toContain('Accepted the prediction for right knee')

    // restore the person as it was right after the drag
    const drag = revisions.find((r) => r.operation === 'moveJoint')!
    await page.click(`[data-test="history-panel"] li[data-revision="${drag.id}"] .restore`)
    await settled()
    expect((await person()).joints[KNEE]).toEqual(moved.joints[KNEE])
    expect((await history())[0].reason).toBe('restore')
    await page.screenshot({ path: screenshotPath('annotate-history') })
  })

  it('zooms at the pointer with the wheel: the joint under it stays put', async () => {
    await page.keyboard.press('0')
    const at = await handle(KNEE)
    await page.mouse.move(at.x, at.y)
    await page.mouse.wheel(0, -300)
    await expect.poll(async () => (await handle(KNEE)).scale).toBeGreaterThan(at.scale * 1.5)
    const after = await handle(KNEE)
    expect(after.x).toBeCloseTo(at.x, 0)
    expect(after.y).toBeCloseTo(at.y, 0)
    await page.keyboard.press('0')
  })

  it('edits the head box by dragging its corner (a handle just outside it, clear of the joints)', async () => {
    const was = (await person()).headBox!
    // zoomed to the person, the box's corner stands clear of the joints around the head
    await page.keyboard.press('z')
    await page.waitForTimeout(100)
    const corner = await page.evaluate(() => {
      const stage = (window as unknown as { Konva: { stages: import('konva').default.Stage[] } }).Konva.stages[0]
      const node = stage.findOne('.head-box-br')!
      const at = node.getAbsolutePosition()
      const box = stage.container().getBoundingClientRect()
      return { x: box.left + at.x, y: box.top + at.y, scale: stage.scaleX(), hit: stage.getIntersection(at)?.name() }
    })
    expect(corner.hit).toBe('head-box-br')
    await page.mouse.move(corner.x, corner.y)
    await page.mouse.down()
    for (let i = 1; i <= 5; i++) await page.mouse.move(corner.x + 4 * i, corner.y + 2 * i)
    await page.mouse.up()
    await settled()
    const now = (await person()).headBox!
    expect(now.x1).toBeCloseTo(was.x1, 6)
    expect(now.x2).toBeCloseTo(was.x2 + 20 / corner.scale, 1)
    expect(now.y2).toBeCloseTo(was.y2 + 10 / corner.scale, 1)
    expect((await history())[0].operation).toBe('setHeadBox')
    await page.keyboard.press('0')
  })

  it('adds a person and places its joints where the user clicks, one after another', async () => {
    const before = await api('getImage', { imageId })
    await page.keyboard.press('Shift+N')
    await settled()
    const after = await api('getImage', { imageId })
    expect(after.people.length).toBe(before.people.length + 1)
    const added = after.people.find((p) => !before.people.some((q) => q.id === p.id))!
    expect(added.joints.every((j) => j.state === 'missing')).toBe(true)
    await page.waitForSelector('.hint')
    expect(await page.textContent('.hint')).toContain('head top')

    const view = await page.evaluate(() => {
      const stage = (window as unknown as { Konva: { stages: import('konva').default.Stage[] } }).Konva.stages[0]
      const box = stage.container().getBoundingClientRect()
      return { left: box.left, top: box.top, x: stage.x(), y: stage.y(), scale: stage.scaleX() }
    })
    // two clicks inside the image: the head top, then (the selection moved on) the upper neck
    const points = [
      { x: 30.5, y: 20.5 },
      { x: 32.5, y: 40.5 }
    ]
    for (const p of points) {
      await page.mouse.click(view.left + view.x + (p.x - 0.5) * view.scale, view.top + view.y + (p.y - 0.5) * view.scale)
      await settled()
    }
    const placed = (await api('getImage', { imageId })).people.find((p) => p.id === added.id)!
    // the mouse lands on whole screen pixels: within one of them
    const onePixel = 1 / view.scale + 1e-9
    expect(Math.abs(placed.joints[9].x! - points[0].x)).toBeLessThanOrEqual(onePixel)
    expect(Math.abs(placed.joints[9].y! - points[0].y)).toBeLessThanOrEqual(onePixel)
    expect(Math.abs(placed.joints[8].x! - points[1].x)).toBeLessThanOrEqual(onePixel)
    expect(Math.abs(placed.joints[8].y! - points[1].y)).toBeLessThanOrEqual(onePixel)
    expect(placed.joints[9].state).toBe('visible')
    await page.screenshot({ path: screenshotPath('annotate-new-person') })

    // delete the head top and restore it
    await page.click(`[data-test="joint-panel"] [data-joint="9"]`)
    await page.keyboard.press('Delete')
    await settled()
    expect((await api('getImage', { imageId })).people.find((p) => p.id === added.id)!.joints[9].state).toBe('missing')
    await page.keyboard.press('r')
    await settled()
    expect((await api('getImage', { imageId })).people.find((p) => p.id === added.id)!.joints[9]).toEqual(placed.joints[9])

    // delete the person; undo brings it back
    await page.keyboard.press('Shift+Delete')
    await settled()
    expect((await api('getImage', { imageId })).people.some((p) => p.id === added.id)).toBe(false)
    await page.keyboard.press('Control+z')
    await settled()
    expect((await api('getImage', { imageId })).people.some((p) => p.id === added.id)).toBe(true)
    await page.waitForSelector(`[data-test="people-panel"] [data-person="${added.id}"]`)
  })

  it('lists every shortcut in the help overlay', async () => {
    await page.keyboard.press('?')
    await page.waitForSelector('[data-test="help-overlay"]')
    const text = await page.textContent('[data-test="help-overlay"]')
    for (const label of ['Next joint', 'Next person', 'Next image', 'Mark the selected joint occluded', 'Swap left and right', 'Undo', 'Accept the predicted position', 'Fit the image', 'Zoom to the selected person']) {
      expect(text).toContain(label)
    }
    await page.screenshot({ path: screenshotPath('annotate-help') })
    await page.keyboard.press('Escape')
    await page.waitForSelector('[data-test="help-overlay"]', { state: 'detached' })
    expect(errors).toEqual([])
  })
})
