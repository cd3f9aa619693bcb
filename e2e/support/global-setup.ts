import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { repoRoot } from './paths'

declare module 'vitest' {
  export interface ProvidedContext {
    demoTemplate: string
  }
}

export default function setup(project: TestProject) {
  const template = mkdtempSync(join(tmpdir(), 'wb-e2e-demo-'))
  const started = Date.now()
  execFileSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'e2e/support/make-demo-template.ts'), template], {
    cwd: repoRoot,
    stdio: 'inherit'
  })
  console.log(`demo project template ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  project.provide('demoTemplate', template)
  return () => rmSync(template, { recursive: true, force: true })
}
