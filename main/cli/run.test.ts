import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { commands } from './commands/index'
import { runCli, type CliIO } from './run'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wb-cli-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), interactive: false }
}

describe('cli', () => {
  it('lists every command in --help', async () => {
    const io = capture()
    expect(await runCli(['--help'], io)).toBe(0)
    for (const command of commands) expect(io.stdout.join('\n')).toContain(command.name)
  })

  it('rejects an unknown command with exit code 2', async () => {
    const io = capture()
    expect(await runCli(['--data', dir, 'frobnicate'], io)).toBe(2)
    expect(io.stderr.join('\n')).toContain("unknown command 'frobnicate'")
  })

  it('prints the status of a data folder through the api', async () => {
    const io = capture()
    expect(await runCli(['--data', dir, 'status', '--json'], io)).toBe(0)
    const status = JSON.parse(io.stdout.join('\n'))
    expect(status.host).toBe('cli')
    expect(status.dataDir).toBe(dir)
    expect(status.backends.find((b: { name: string }) => b.name === 'cpu').available).toBe(true)
  })
})
