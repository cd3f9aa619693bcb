// Decoded images by URL, shared by every canvas: the editor prefetches the next images so that opening
// one draws at once (decode() finishes the JPEG decode off the main thread before the image is needed).
// Module scope on purpose: one cache for the whole renderer, not one per component.
import { shallowRef, watch, type Ref } from 'vue'

const CAPACITY = 16
const entries = new Map<string, Promise<HTMLImageElement>>()

export function loadImage(url: string): Promise<HTMLImageElement> {
  const hit = entries.get(url)
  if (hit) {
    entries.delete(url)
    entries.set(url, hit)
    return hit
  }
  const pending = new Promise<HTMLImageElement>((resolve, reject) => {
    const image = new Image()
    image.decoding = 'async'
    image.onload = () => {
      image
        .decode()
        .catch(() => undefined)
        .then(() => resolve(image))
    }
    image.onerror = () => reject(new Error(`could not load ${url}`))
    image.src = url
  })
  entries.set(url, pending)
  pending.catch(() => entries.delete(url))
  while (entries.size > CAPACITY) entries.delete(entries.keys().next().value!)
  return pending
}

export function prefetchImage(url: string): void {
  void loadImage(url).catch(() => undefined)
}

/** The image at `url` once loaded (the previous one stays until the next is ready, so nothing flickers). */
export function useLoadedImage(url: Ref<string | null>) {
  const image = shallowRef<HTMLImageElement | null>(null)
  const failed = shallowRef<string | null>(null)
  let token = 0
  watch(
    url,
    async (next) => {
      const mine = ++token
      failed.value = null
      if (!next) {
        image.value = null
        return
      }
      try {
        const loaded = await loadImage(next)
        if (mine === token) image.value = loaded
      } catch (e) {
        if (mine === token) {
          image.value = null
          failed.value = (e as Error).message
        }
      }
    },
    { immediate: true }
  )
  return { image, failed }
}
