// `train` and `runs` as a user runs them: real CLI processes on a real project; Ctrl-C (SIGINT) stops a
// run cleanly and `train --resume` finishes it.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestProject, MICRO_RUN, type TestProject } from '../../train/test-project'

const TIMEOUT = 180_000
let root: string
let fixture: TestProject

interface CliRun {
  code: Promise<number | null>
  output: () => string
  kill: (signal: NodeJS.Signals) => void
  waitFor: (pattern: RegExp) => Promise<void>
}

function cli(...args: string[]): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli.ts', '--data', fixture.dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const watchers: { pattern: RegExp; resolve: () => void }[] = []
  const onData = (chunk: Buffer) => {
    output += chunk.toString()
    for (const w of watchers.filter((w) => w.pattern.test(output))) {
      watchers.splice(watchers.indexOf(w), 1)
      w.resolve()
    }
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  return {
    code: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    output: () => output,
    kill: (signal) => child.kill(signal),
    waitFor: (pattern) => new Promise((resolve) => (pattern.test(output) ? resolve() : watchers.push({ pattern, resolve })))
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'train-cli-'))
  fixture = await createTestProject(root, { people: 32 })
}, TIMEOUT)

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true })
})

describe('the train and runs commands', () => {
  it(
    'train, stop with Ctrl-C, resume, and list and show the run',
    async () => {
      const config = join(root, 'micro.json')
      writeFileSync(config, JSON.stringify({ preset: 'demo', ...MICRO_RUN, epochs: 4, stepsPerEpoch: 4 }))
      const first = cli('train', '--config', config, '--backend', 'wasm', '--name', 'cli run')
      await first.waitFor(/step \d+\/16/)
      first.kill('SIGINT')
      expect(await first.code, first.output()).toBe(130)
      expect(first.output()).toMatch(/run-1 \(cli run\): \d+ training and \d+ validation people at label mark \d+/)
      expect(first.output()).toMatch(/run-1: training on wasm \(WebAssembly/)
      const stoppedAt = Number(/stopped at step (\d+); continue with: train --resume run-1/.exec(first.output())?.[1])
      expect(stoppedAt).toBeGreaterThanOrEqual(1)

      const second = cli('train', '--resume', 'run-1')
      expect(await second.code, second.output()).toBe(0)
      expect(second.output()).toContain(`run-1 resumes at step ${stoppedAt} of 16`)
      expect(second.output()).toMatch(/epoch 4\/4: train loss .* PCKh@0\.5 \d+\.\d\d/)
      expect(second.output()).toMatch(/run-1 completed: 16 steps/)

      const list = cli('runs')
      expect(await list.code).toBe(0)
      expect(list.output()).toMatch(/run-1\s+completed\s+cli run\s+PRM-B s1 f16 64px\s+wasm\s+16\/16\s+4\/4/)

      const show = cli('runs', 'show', 'run-1')
      expect(await show.code).toBe(0)
      expect(show.output()).toMatch(/engine\s+wasm \(WebAssembly/)
      expect(show.output()).toMatch(/^\s+4\s+16\s/m)

      const bad = cli('train', '--resume', 'run-1', '--epochs', '3')
      expect(await bad.code).toBe(2)
      expect(bad.output()).toContain('--resume takes no other options')
    },
    TIMEOUT
  )
})
