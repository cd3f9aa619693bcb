// The user's workspace: the data folder, its settings, and the one project that is open. A project is a
// folder holding `project.json` (its name), `project.sqlite` (the dataset index, main/dataset) and the
// folders its features fill (images, cache, runs). New projects go under `<dataDir>/projects/`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { z } from 'zod'
import type { ProjectSummary } from '../../contract'
import { badInput, notFound } from '../errors'
import { SettingsStore } from './settings'

const ProjectFileSchema = z.object({
  name: z.string().min(1),
  createdAt: z.string(),
  demo: z.boolean().default(false)
})
type ProjectFile = z.infer<typeof ProjectFileSchema>

export const PROJECT_FILE = 'project.json'

/** A resource an open project owns (its database, a trainer…), closed when the project closes. */
export interface Closable {
  close(): void | Promise<void>
}

export class OpenProject {
  private readonly resources = new Map<string, Closable>()

  constructor(
    readonly dir: string,
    readonly meta: ProjectFile
  ) {}

  get summary(): ProjectSummary {
    return { id: projectId(this.dir), name: this.meta.name, path: this.dir, demo: this.meta.demo }
  }

  /** The project's resource under `key`, created on first use; closed with the project. */
  resource<T extends Closable>(key: string, create: () => T): T {
    let value = this.resources.get(key)
    if (!value) {
      value = create()
      this.resources.set(key, value)
    }
    return value as T
  }

  async close(): Promise<void> {
    const all = [...this.resources.values()].reverse()
    this.resources.clear()
    for (const resource of all) await resource.close()
  }
}

/** A stable, URL-safe id for a project folder (used in media URLs). */
export function projectId(dir: string): string {
  let hash = 0x811c9dc5
  for (const char of resolve(dir)) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0
  return hash.toString(16).padStart(8, '0')
}

export function readProjectFile(dir: string): ProjectFile {
  const file = join(dir, PROJECT_FILE)
  if (!existsSync(file)) throw notFound(`${dir} is not a workbench project (no ${PROJECT_FILE})`, 'path')
  const parsed = ProjectFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success) throw badInput(`${file}: ${parsed.error.issues[0].message}`, 'path')
  return parsed.data
}

export class Workspace {
  readonly settings: SettingsStore
  private open: OpenProject | null = null
  private readonly listeners = new Set<() => void>()

  constructor(readonly dataDir: string) {
    mkdirSync(dataDir, { recursive: true })
    this.settings = new SettingsStore(dataDir)
  }

  get projectsDir(): string {
    return join(this.dataDir, 'projects')
  }

  get current(): OpenProject | null {
    return this.open
  }

  /** The open project, or a not_found error naming what the caller wanted to do. */
  requireProject(): OpenProject {
    if (!this.open) throw notFound('no project is open')
    return this.open
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Creates the folder and its project.json; the dataset index is created when first opened. */
  createProject(name: string, options: { dir?: string; demo?: boolean } = {}): string {
    const trimmed = name.trim()
    if (!trimmed) throw badInput('a project needs a name', 'name')
    const dir = resolve(options.dir ?? join(this.projectsDir, slug(trimmed)))
    if (existsSync(join(dir, PROJECT_FILE))) throw badInput(`a project already exists in ${dir}`, 'name')
    mkdirSync(dir, { recursive: true })
    const meta: ProjectFile = { name: trimmed, createdAt: new Date().toISOString(), demo: options.demo ?? false }
    writeFileSync(join(dir, PROJECT_FILE), JSON.stringify(meta, null, 2) + '\n')
    return dir
  }

  async openProject(dir: string): Promise<OpenProject> {
    const path = resolve(dir)
    const meta = readProjectFile(path)
    if (this.open?.dir === path) return this.open
    await this.closeProject({ notify: false })
    this.open = new OpenProject(path, meta)
    this.settings.rememberProject(path)
    this.notify()
    return this.open
  }

  async closeProject({ notify = true } = {}): Promise<void> {
    const closing = this.open
    this.open = null
    await closing?.close()
    if (notify && closing) this.notify()
  }

  /** Recent projects that still exist, most recent first. */
  recentProjects(): ProjectSummary[] {
    const found: ProjectSummary[] = []
    for (const dir of this.settings.get().recentProjects) {
      try {
        const meta = readProjectFile(dir)
        found.push({ id: projectId(dir), name: meta.name, path: dir, demo: meta.demo })
      } catch {
        // moved or deleted since: it simply drops out of the list
      }
    }
    return found
  }

  async dispose(): Promise<void> {
    await this.closeProject({ notify: false })
  }

  private notify(): void {
    for (const listener of this.listeners) listener()
  }
}

function slug(name: string): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
  return base || basename(name) || 'project'
}
