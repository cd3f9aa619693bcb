import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, type CliIO } from '../run'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wb-cli-demo-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false }
}

describe('demo command', () => {
  it('writes a demo set in MPII formats through the api', async () => {
    const io = capture()
    const out = join(dir, 'set')
    expect(await runCli(['--data', join(dir, 'data'), 'demo', '--out', out, '--people', '6', '--seed', '2', '--val-fraction', '0.5'], io)).toBe(0)
    expect(io.stdout.join('\n')).toMatch(/wrote \d+ images to .*set/)
    expect(io.stdout.join('\n')).toMatch(/val: +\d+ images, 3 people/)
    for (const file of ['annotations/mpii_train.json', 'annotations/mpii_val.json', 'annotations/train.h5', 'annotations/valid.h5', 'images/000000001.jpg']) {
      expect(existsSync(join(out, file)), file).toBe(true)
    }
    expect(JSON.parse(readFileSync(join(out, 'demo-set.json'), 'utf8')).seed).toBe(2)
  })

  it('explains bad arguments', async () => {
    const io = capture()
    expect(await runCli(['--data', dir, 'demo', '--people', '6'], io)).toBe(2)
    expect(io.stderr.join('\n')).toContain('--out is required')
    const bad = capture()
    expect(await runCli(['--data', dir, 'demo', '--out', join(dir, 'x'), '--val-fraction', 'lots'], bad)).toBe(2)
    expect(bad.stderr.join('\n')).toContain('--val-fraction must be a number')
  })
})
