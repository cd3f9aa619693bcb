// The user's settings, one JSON file in the data folder. Written atomically (temp file + rename) so a
// crash mid-write never leaves a half file behind; an unreadable file is reported, not silently replaced.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { BackendNameSchema } from '../../contract'
import { badInput } from '../errors'

export const SettingsSchema = z.object({
  /** Project folders, most recently opened first. */
  recentProjects: z.array(z.string()).default([]),
  /** Training backend: 'auto' walks the ladder tensorflow → webgpu → wasm → cpu. */
  backend: z.union([z.literal('auto'), BackendNameSchema]).default('auto')
})
export type Settings = z.infer<typeof SettingsSchema>

const MAX_RECENT = 12

export class SettingsStore {
  private readonly file: string
  private value: Settings

  constructor(dataDir: string) {
    this.file = join(dataDir, 'settings.json')
    this.value = this.read()
  }

  get(): Settings {
    return structuredClone(this.value)
  }

  update(change: Partial<Settings>): Settings {
    this.value = SettingsSchema.parse({ ...this.value, ...change })
    this.write()
    return this.get()
  }

  rememberProject(dir: string): void {
    const recent = [dir, ...this.value.recentProjects.filter((p) => p !== dir)].slice(0, MAX_RECENT)
    this.update({ recentProjects: recent })
  }

  forgetProject(dir: string): void {
    this.update({ recentProjects: this.value.recentProjects.filter((p) => p !== dir) })
  }

  private read(): Settings {
    if (!existsSync(this.file)) return SettingsSchema.parse({})
    let raw: unknown
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'))
    } catch (error) {
      throw badInput(`${this.file} is not valid JSON (${(error as Error).message}); fix or delete it`)
    }
    const parsed = SettingsSchema.safeParse(raw)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw badInput(`${this.file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
    }
    return parsed.data
  }

  private write(): void {
    const tmp = `${this.file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(this.value, null, 2) + '\n')
    renameSync(tmp, this.file)
  }
}
