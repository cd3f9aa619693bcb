// Networks loaded from checkpoints, kept while the editor asks for predictions image after image (loading a
// checkpoint takes far longer than predicting two people). A checkpoint rewritten on disk (a run saved over
// its 'latest') is loaded again; the least recently used network is disposed beyond `capacity`.
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { CHECKPOINT_FILES, loadCheckpoint } from '../model/checkpoint'
import type { PyraNet } from '../model/pyranet'
import { MPII_MEAN } from '../train/config'
import { ImageCache } from '../train/images'

export interface LoadedNetwork {
  dir: string
  net: PyraNet
  /** The input mean the run trained with (its checkpoint's meta), else the MPII mean. */
  mean: [number, number, number]
}

export class NetworkCache {
  private readonly entries = new Map<string, { stamp: string; network: Promise<LoadedNetwork> }>()
  /** Decoded images shared by every network's predictions. */
  readonly images = new ImageCache(128 * 2 ** 20)

  constructor(private readonly capacity = 2) {}

  get(dir: string): Promise<LoadedNetwork> {
    const stamp = stampOf(dir)
    const hit = this.entries.get(dir)
    if (hit && hit.stamp === stamp) {
      this.entries.delete(dir)
      this.entries.set(dir, hit)
      return hit.network
    }
    if (hit) this.drop(dir)
    const network = load(dir)
    this.entries.set(dir, { stamp, network })
    network.catch(() => this.entries.delete(dir))
    while (this.entries.size > this.capacity) this.drop(this.entries.keys().next().value!)
    return network
  }

  private drop(dir: string): void {
    const entry = this.entries.get(dir)
    this.entries.delete(dir)
    entry?.network.then((n) => n.net.dispose(), () => undefined)
  }

  close(): void {
    for (const dir of [...this.entries.keys()]) this.drop(dir)
  }
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
  const { net, info } = await loadCheckpoint(dir)
  const mean = info.meta?.inputMean
  const valid = Array.isArray(mean) && mean.length === 3 && mean.every((v) => typeof v === 'number' && Number.isFinite(v))
  return { dir, net, mean: valid ? (mean as [number, number, number]) : MPII_MEAN }
}
