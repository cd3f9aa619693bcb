import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eventNames, requestNames, requests, subscriptionName } from '../../contract'
import { Workbench } from '../workbench'
import { handlers } from './index'

let dir: string
let workbench: Workbench

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-dispatch-'))
  workbench = new Workbench({ host: 'cli', dataDir: dir })
})
afterEach(async () => {
  await workbench.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('the contract', () => {
  it('has a handler for every request and nothing else', () => {
    expect(Object.keys(handlers).sort()).toEqual([...requestNames].sort())
  })

  it('gives every request and event a distinct api function name', () => {
    const names = [...requestNames, ...eventNames.map(subscriptionName)]
    expect(new Set(names).size).toBe(names.length)
    for (const name of requestNames) expect(requests[name].summary.length).toBeGreaterThan(10)
  })
})

describe('dispatch', () => {
  it('answers a valid request with its result', async () => {
    const reply = await workbench.handle('status', {})
    expect(reply.ok).toBe(true)
    if (reply.ok) expect(reply.result).toMatchObject({ host: 'cli', dataDir: dir, project: null })
  })

  it('names an unknown method', async () => {
    const reply = await workbench.handle('formatDisk', {})
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'unknown_method', field: 'method' }) })
  })

  it('names the field of an invalid request', async () => {
    const reply = await workbench.handle('createProject', { name: '   ' })
    expect(reply.ok).toBe(false)
    if (!reply.ok) {
      expect(reply.error.code).toBe('invalid_request')
      expect(reply.error.field).toBe('name')
      expect(reply.error.message).toMatch(/name/)
    }
  })

  it('turns domain errors into envelopes with their code', async () => {
    const reply = await workbench.handle('openProject', { path: join(dir, 'nowhere') })
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'not_found' }) })
  })

  it('creates, lists and reopens projects, and pushes the new status', async () => {
    const seen: string[] = []
    workbench.events.subscribe((name, payload) => {
      if (name === 'statusChanged') seen.push((payload as { project: { name: string } | null }).project?.name ?? '-')
    })
    const created = await workbench.call('createProject', { name: 'Pose study' })
    expect(created.ok).toBe(true)
    await new Promise((r) => setTimeout(r, 10))
    expect(seen).toContain('Pose study')
    const list = await workbench.call('listProjects', {})
    expect(list.ok && list.result.recent.map((p) => p.name)).toEqual(['Pose study'])
    const again = await workbench.call('createProject', { name: 'Pose study' })
    expect(again.ok).toBe(false)
  })

  it('refuses native dialogs where the host has none', async () => {
    const reply = await workbench.handle('chooseFile', { kind: 'folder' })
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'unavailable' }) })
  })
})
