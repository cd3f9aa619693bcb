// Networks loaded from checkpoints, kept in the inference worker while the editor asks for predictions image
// after image and evaluations run (loading a checkpoint takes far longer than predicting two people). A
// checkpoint rewritten on disk (a run saved over its 'latest') is loaded again; beyond `capacity` the least
// recently used network is dropped. A dropped network is disposed once the last request using it is done,
// so an evaluation never loses its weights to the editor's predictions of other runs.
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { CHECKPOINT_FILES, loadCheckpoint, type CheckpointInfo } from '../model/checkpoint'
import type { PyraNet } from '../model/pyranet'
import { MPII_MEAN } from '../train/config'
import { ImageCache } from '../train/images'

export interface LoadedNetwork {
  dir: string
  net: PyraNet
  info: CheckpointInfo
  /** The input mean the run trained with (its checkpoint's meta), else the MPII mean. */
  mean: [number, number, number]
}

interface Entry {
  stamp: string
  network: Promise<LoadedNetwork>
  users: number
  dropped: boolean
}

export class NetworkCache {
  private readonly entries = new Map<string, Entry>()
  /** Decoded images shared by every network's predictions. */
  readonly images = new ImageCache(128 * 2 ** 20)

  constructor(private readonly capacity = 2) {}

  /** Runs `work` with the network of checkpoint folder `dir`, loading it unless it is loaded and current. */
  async use<T>(dir: string, work: (network: LoadedNetwork) => Promise<T>): Promise<T> {
    const entry = this.acquire(dir)
    try {
      return await work(await entry.network)
    } finally {
      entry.users--
      if (entry.dropped && entry.users === 0) dispose(entry)
    }
  }

  private acquire(dir: string): Entry {
    const stamp = stampOf(dir)
    let entry = this.entries.get(dir)
    if (entry && entry.stamp !== stamp) {
      this.drop(dir)
      entry = undefined
    }
    if (!entry) {
      const network = load(dir)
      const created: Entry = { stamp, network, users: 0, dropped: false }
      network.catch(() => {
        if (this.entries.get(dir) === created) this.entries.delete(dir)
      })
      entry = created
    }
    // most recently used last
    this.entries.delete(dir)
    this.entries.set(dir, entry)
    entry.users++
    while (this.entries.size > this.capacity) this.drop(this.entries.keys().next().value!)
    return entry
  }

  private drop(dir: string): void {
    const entry = this.entries.get(dir)
    if (!entry) return
    this.entries.delete(dir)
    entry.dropped = true
    if (entry.users === 0) dispose(entry)
  }

  close(): void {
    for (const dir of [...this.entries.keys()]) this.drop(dir)
  }
}

function dispose(entry: Entry): void {
  entry.network.then((n) => n.net.dispose(), () => undefined)
}

function stampOf(dir: string): string {
  try {
    const info = statSync(join(dir, CHECKPOINT_FILES.model))
    return `${info.size}-${info.mtimeMs}`
  } catch {
    return 'absent'
  }
}

async function load(dir: string): Promise<LoadedNetwork> {
  const { net, info, optimizer } = await loadCheckpoint(dir)
  optimizer?.dispose()
  const mean = info.meta?.inputMean
  const valid = Array.isArray(mean) && mean.length === 3 && mean.every((v) => typeof v === 'number' && Number.isFinite(v))
  return { dir, net, info, mean: valid ? (mean as [number, number, number]) : MPII_MEAN }
}
