// pckh, compare and export-csv end to end through the CLI host: printed tables, CSV files, and that a
// bad input leaves no file behind.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, type CliIO } from '../run'

const fixture = (name: string) => resolve('main/eval/fixtures', name)
const mpii = (name: string) => resolve('../shared/data/mpii', name)

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wb-eval-cli-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false }
}

async function cli(...args: string[]) {
  const io = capture()
  const code = await runCli(['--data', join(dir, 'data'), ...args], io)
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') }
}

describe('pckh', () => {
  it('prints the published table of the 2-stack hourglass and writes both CSVs', async () => {
    const summary = join(dir, 'summary.csv')
    const curves = join(dir, 'curves.csv')
    const { code, out } = await cli('pckh', mpii('bearpaw-hg_s2_b1.mat'), '--gt', mpii('detections_our_format.mat'), '--csv', summary, '--curves', curves, '--worst', '3')
    expect(code).toBe(0)
    expect(out).toMatch(/bearpaw-hg_s2_b1\s+95\.80\s+94\.57\s+88\.12\s+83\.31\s+86\.24\s+80\.88\s+77\.44\s+86\.76\s+87\.30\s+23\.91\s+57\.38/)
    expect(out).toContain('worst 3 of 2958 people')
    const lines = readFileSync(summary, 'utf8').trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0].startsWith('Model,Head,Shoulder,Elbow,Wrist,Hip,Knee,Ankle,Mean,WeightedMean,WeightedPCKh@0.1,AUC,')).toBe(true)
    expect(lines[1].startsWith('bearpaw-hg_s2_b1,95.80,94.57,88.12,83.31,86.24,80.88,77.44,86.76,87.30,23.91,57.38,')).toBe(true)
    expect(readFileSync(curves, 'utf8').trimEnd().split('\n')).toHaveLength(52)
  })

  it('documents the prediction layouts in its help', async () => {
    const { code, out } = await cli('pckh', '--help')
    expect(code).toBe(0)
    expect(out).toContain('x0,y0,...,x15,y15')
    expect(out).toContain('{"preds": that}')
  })

  it.each([
    ['bad-shape.mat', 'predictions are 3 x 16 x 4'],
    ['bad-nan.mat', 'y is NaN'],
    ['bad-missing-people.mat', '1 people are missing']
  ])('reports %s and writes no CSV', async (file, message) => {
    const { code, err } = await cli('pckh', fixture(file), '--gt', fixture('small-gt.mat'), '--csv', join(dir, 'out.csv'))
    expect(code).toBe(1)
    expect(err).toContain(file)
    expect(err).toContain(message)
    expect(readdirSync(dir)).toEqual(['data'])
  })

  it('reports a ground truth without head boxes and writes no CSV', async () => {
    const { code, err } = await cli('pckh', fixture('small-preds.mat'), '--gt', fixture('small-gt-no-headboxes.mat'), '--csv', join(dir, 'out.csv'))
    expect(code).toBe(1)
    expect(err).toContain('small-gt-no-headboxes.mat: the ground truth has no head boxes')
    expect(existsSync(join(dir, 'out.csv'))).toBe(false)
  })
})

describe('compare and export-csv', () => {
  it('compares two files with a paired interval', async () => {
    const { code, out } = await cli('compare', '--gt', fixture('small-gt.mat'), fixture('small-preds.mat'), fixture('small-preds-v73.mat'), '--name', 'A', '--name', 'B')
    expect(code).toBe(0)
    expect(out).toContain('B - A:')
    expect(out).toContain('paired over 2 people: mean difference 0.00 points of per-person PCKh@0.5, 95% bootstrap interval [0.00, 0.00]')
  })

  it('exports one row per file, and nothing at all when one of them is bad', async () => {
    const out = join(dir, 'all.csv')
    const ok = await cli('export-csv', '--gt', fixture('small-gt.mat'), fixture('small-preds.mat'), fixture('small-preds.h5'), '--out', out, '--name', 'mat')
    expect(ok.code).toBe(0)
    const rows = readFileSync(out, 'utf8').trimEnd().split('\n')
    expect(rows.map((r) => r.split(',')[0])).toEqual(['Model', 'mat', 'small-preds'])
    rmSync(out)
    const bad = await cli('export-csv', '--gt', fixture('small-gt.mat'), fixture('small-preds.mat'), fixture('bad-nan.mat'), '--out', out, '--curves', join(dir, 'c.csv'))
    expect(bad.code).toBe(1)
    expect(bad.err).toContain('bad-nan.mat')
    expect(readdirSync(dir)).toEqual(['data'])
  })
})
