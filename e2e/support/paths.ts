import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const repoRoot = resolve(import.meta.dirname, '../..')
export const screenshotsDir = join(repoRoot, 'e2e', 'artifacts', 'screenshots')

export function screenshotPath(name: string): string {
  mkdirSync(screenshotsDir, { recursive: true })
  return join(screenshotsDir, `${name}.png`)
}
