// eval, compare and export-csv on the open project's prediction sets, through the CLI host: a checkpoint
// evaluated on the cpu engine (in the project's inference worker; this process only makes the checkpoint, on
// tfjs's cpu backend), a predictions file imported, both compared and exported.
import '@tensorflow/tfjs-backend-cpu'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { editPerson } from '../../dataset/edits'
import { attachImagesFolder } from '../../dataset/images-folder'
import { datasetOf } from '../../dataset/project-dataset'
import { seedSmallProject } from '../../eval/fixtures/seed-project'
import { saveCheckpoint } from '../../model/checkpoint'
import { createPyraNet } from '../../model/pyranet'
import { resolveTrainConfig } from '../../train/config'
import { insertRun, recordCheckpoint } from '../../train/runs-store'
import { Workbench } from '../../workbench'
import { runCli, type CliIO } from '../run'

const fixture = (name: string) => resolve('main/eval/fixtures', name)
let dir: string

beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wb-eval-cli-project-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

async function cli(...args: string[]) {
  const stdout: string[] = []
  const stderr: string[] = []
  const io: CliIO = { out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false }
  const code = await runCli(['--data', join(dir, 'data'), ...args], io)
  return { code, out: stdout.join('\n'), err: stderr.join('\n') }
}

/** A project holding the small case as split val, its images, and a tiny checkpoint; the cpu engine. */
async function prepare(): Promise<string> {
  const workbench = new Workbench({ host: 'cli', dataDir: join(dir, 'data') })
  workbench.workspace.settings.update({ backend: 'cpu' })
  const reply = await workbench.call('createProject', { name: 'eval cli' })
  if (!reply.ok) throw new Error(reply.error.message)
  const db = datasetOf(workbench.workspace.requireProject()).db
  const ids = await seedSmallProject(db)
  for (const id of ids.slice(0, 2)) editPerson(db, id, { op: 'setCenterScale', center: { x: 170, y: 240 }, scale: 1 }, { author: 'test' })
  mkdirSync(join(dir, 'images'))
  const grey = Buffer.alloc(300 * 300 * 3, 128)
  for (const name of ['val-0.jpg', 'val-1.jpg', 'val-2.jpg']) await sharp(grey, { raw: { width: 300, height: 300, channels: 3 } }).png().toFile(join(dir, 'images', name))
  attachImagesFolder(db, join(dir, 'images'))
  const net = createPyraNet({ nStack: 1, nFeats: 16, inputRes: 64, stemWidth: 8 }, { seed: 2 })
  await saveCheckpoint(join(dir, 'ckpt'), net, { meta: { epoch: 1 } })
  net.dispose()
  // A run that left that checkpoint as its epoch-1 checkpoint.
  const config = resolveTrainConfig('demo', { model: { nStack: 1, nFeats: 16, inputRes: 64, stemWidth: 8 } })
  const runId = insertRun(db, { name: 'micro', config, backendRequested: 'cpu', labelMark: 0, trainPeople: 1, valPeople: 3, fromRun: null, fromCheckpoint: null, ownerPid: process.pid })
  recordCheckpoint(db, workbench.workspace.requireProject().dir, runId, { step: 5, epoch: 1, path: join(dir, 'ckpt'), reason: 'final', pckh: null })
  await workbench.dispose()
  return join(dir, 'ckpt')
}

describe('eval in a project', () => {
  it('evaluates a checkpoint and an imported file, then lists, compares and exports them', async () => {
    const checkpoint = await prepare()
    const evaluated = await cli('eval', '--checkpoint', checkpoint, '--name', 'tiny')
    expect(evaluated.err).toMatch(/predicting 2\/2/)
    expect(evaluated.code).toBe(0)
    expect(evaluated.out).toContain('against split val of the project: 3 people')
    expect(evaluated.out).toContain('variant B, 1 stacks, 1 epochs')

    const imported = await cli('eval', '--import', fixture('small-preds.mat'), '--name', 'reference')
    expect(imported.code).toBe(0)
    expect(imported.err).toContain('stored as prediction set 2')
    expect(imported.out).toMatch(/reference\s+100\.00\s+100\.00\s+50\.00\s+50\.00\s+50\.00\s+50\.00\s+25\.00\s+57\.14/)

    const list = await cli('eval', '--list')
    expect(list.out.split('\n')).toHaveLength(2)
    expect(list.out).toContain('tiny  [checkpoint, val, 2 people]')
    expect(list.out).toContain('reference  [imported, val, 3 people]  Mean 57.14')

    const compared = await cli('compare', 'set:2', 'set:1', '--gt', fixture('small-gt.mat'), fixture('small-preds.mat'))
    expect(compared.code).toBe(0)
    expect(compared.out).toContain('tiny - reference:')
    expect(compared.out).toContain('small-preds - reference:')

    const out = join(dir, 'runs.csv')
    const exported = await cli('export-csv', 'set:1', 'set:2', '--out', out)
    expect(exported.code).toBe(0)
    const rows = readFileSync(out, 'utf8').trimEnd().split('\n').map((r) => r.split(','))
    expect(rows.map((r) => [r[0], ...r.slice(12, 17)])).toEqual([
      ['Model', 'Variant', 'Stacks', 'Epochs', 'Split', 'LabelRevision'],
      ['tiny', 'B', '1', '1', 'val', rows[1][16]],
      ['reference', '', '', '', 'val', rows[1][16]]
    ])
    expect(Number(rows[1][16])).toBeGreaterThan(0)

    const byRun = await cli('eval', '--run', 'run-1', '--checkpoint', 'latest', '--no-flip')
    expect(byRun.code).toBe(0)
    expect(byRun.out).toContain('micro · epoch 1')
    const runs = await cli('compare', 'run:run-1', 'set:1', '--json')
    expect(JSON.parse(runs.out).pairs[0]).toMatchObject({ baseline: 'micro · epoch 1', other: 'tiny' })

    const missing = await cli('export-csv', 'run:run-10', '--out', out)
    expect(missing.code).toBe(1)
    expect(missing.err).toContain('run run-10 has no predictions on split val')
  })
})
