// `model` through the CLI host and the api layer (describeModel): the paper's figures, the table, errors.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, type CliIO } from '../run'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wb-model-cli-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

async function cli(...args: string[]) {
  const stdout: string[] = []
  const stderr: string[] = []
  const io: CliIO = { out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false }
  const code = await runCli(['--data', join(dir, 'data'), 'model', ...args], io)
  return { code, out: stdout.join('\n'), err: stderr.join('\n') }
}

describe('model', () => {
  it('prints size, multiply-adds and one row per module of the 2-stack PRM-B model', async () => {
    const { code, out } = await cli('--variant', 'B', '--stacks', '2')
    expect(code).toBe(0)
    expect(out).toContain('parameters  7,286,464 (7.29 M)')
    expect(out).toContain('conv MACs   7.321 G per image')
    expect(out).toContain('modules     17 PRM, 12 Residual')
    expect(out).toMatch(/hg\.0\.up1\.0\s+PRM-B\s+256→256\s+64\s+254,396\s+968\.0 M/)
    expect(out).toMatch(/hg\.1\.low2\.low2\.low2\.low2\.0\s+Residual\s+256→256\s+4\s+214,528/)
    expect(out.split('\n').filter((l) => /^(stem|hg|heads)\./.test(l))).toHaveLength(1 + 3 + 2 * 13 + 2)
  })

  it('takes every option, and presets; --json gives the api result', async () => {
    const eight = await cli('--preset', 'paper8', '--no-table')
    expect(eight.out).toContain('parameters  28,131,832 (28.13 M)')
    expect(eight.out).not.toContain('hg.0.up1.0')
    const { code, out } = await cli('--variant', 'residual', '--stacks', '1', '--features', '128', '--res', '128', '--modules', '2', '--joints', '14', '--stem-width', '32', '--json')
    expect(code).toBe(0)
    const d = JSON.parse(out)
    expect(d.config).toMatchObject({ variant: 'residual', nStack: 1, nFeats: 128, inputRes: 128, nModules: 2, nJoints: 14, stemWidth: 32 })
    expect(d.prmCount).toBe(0)
    expect(d.heatmapRes).toBe(32)
    expect(d.rows.reduce((s: number, r: { params: number }) => s + r.params, 0)).toBe(d.params)
  })

  it('refuses a bad configuration with one line naming the problem', async () => {
    const res = await cli('--res', '100')
    expect(res.code).toBe(1)
    expect(res.err).toBe('error: inputRes must be a multiple of 64 (the stem divides by 4, the hourglass halves 4 times), got 100')
    const stacks = await cli('--stacks', 'two')
    expect(stacks.code).toBe(2)
    expect(stacks.err).toContain('--stacks must be a number')
  })
})
