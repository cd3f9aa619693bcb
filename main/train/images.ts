// Decoded images for the data pipeline: RGB bytes from sharp (libvips), kept in a small least-recently-used
// cache because neighbouring batches often share images (two people in one picture, the same validation
// images every epoch).
import sharp from 'sharp'

export interface DecodedImage {
  width: number
  height: number
  /** RGB, row-major, 3 bytes per pixel. */
  data: Uint8Array
}

export async function decodeImage(path: string): Promise<DecodedImage> {
  try {
    // the stored pixel grid, EXIF orientation ignored: that is what annotation coordinates refer to
    const { data, info } = await sharp(path, { failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true })
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`)
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }
  } catch (error) {
    throw new Error(`${path}: cannot decode image (${(error as Error).message})`)
  }
}

export class ImageCache {
  private readonly entries = new Map<string, Promise<DecodedImage>>()
  private readonly sizes = new Map<string, number>()
  private bytes = 0

  constructor(private readonly maxBytes: number) {}

  get(path: string): Promise<DecodedImage> {
    const hit = this.entries.get(path)
    if (hit) {
      // a Map iterates in insertion order: re-inserting marks the entry most recently used
      this.entries.delete(path)
      this.entries.set(path, hit)
      return hit
    }
    const pending = decodeImage(path)
    this.entries.set(path, pending)
    pending.then(
      (image) => {
        if (this.entries.get(path) !== pending) return
        this.sizes.set(path, image.data.byteLength)
        this.bytes += image.data.byteLength
        this.evict()
      },
      () => this.entries.delete(path)
    )
    return pending
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) return
      const size = this.sizes.get(key)
      if (size === undefined) continue // still decoding
      this.entries.delete(key)
      this.sizes.delete(key)
      this.bytes -= size
    }
  }
}
