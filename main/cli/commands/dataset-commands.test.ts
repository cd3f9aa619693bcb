import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, type CliIO } from '../run'

const RELEASE = join(process.cwd(), 'main/dataset/fixtures/mpii-release-mini.mat')
let dir: string
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'wb-cli-dataset-'))))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = []
  const stderr: string[] = []
  const io: CliIO = { out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false }
  const code = await runCli(['--data', dir, ...args], io)
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') }
}

describe('dataset commands', () => {
  it('imports into a new project and reports what was added and refused', async () => {
    const { code, stdout, stderr } = await cli('import', RELEASE, '--create', 'CLI')
    expect(code).toBe(0)
    expect(stderr).toContain('project CLI')
    expect(stdout).toContain('added     5 images, 6 people, 23 annotated joints')
    expect(stdout).toContain('RELEASE.annolist(1).annorect(2).annopoints.point(5): joint id 16 is not 0..15')
  })

  it('shows statistics, exports and prints a history', async () => {
    expect((await cli('stats')).stdout).toContain('people   6 (train 4, test 2); 0 edited, 0 deleted')
    const file = join(dir, 'out.json')
    expect((await cli('export', file)).stdout).toBe(`wrote 5 people in 3 images to ${file} (mmpose-json)\n  skipped 1 people without a centre or scale`)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveLength(5)
    expect((await cli('history', '1')).stdout).toMatch(/^#1 .* import\/import {2}\(import of mpii-release-mini\.mat\)\n {4}as imported$/)
    expect((await cli('undo')).stdout).toBe('nothing to undo')
  })

  it('fails with a usage error or the importer message', async () => {
    expect(await cli('import', RELEASE, '--split', 'holdout')).toMatchObject({ code: 2, stderr: expect.stringContaining('--split must be one of train, val, test, unknown') })
    expect(await cli('export', join(dir, 'out.txt'))).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot tell the format') })
    const broken = await cli('import', join(process.cwd(), 'main/dataset/fixtures/mpii-release-wrong-type.mat'))
    expect(broken.code).toBe(1)
    expect(broken.stderr).toMatch(/error: .*RELEASE\.annolist\(2\)\.annorect\(1\)\.objpos: expected a struct, found a 1x6 char array/)
  })
})
