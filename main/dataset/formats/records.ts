// What every annotation parser produces: images and people already in the database's conventions
// (conventions.ts), plus the items it refused and why. The importer (../import.ts) writes these.
import type { Activity, PersonAnnotation, Split } from '../model'

export type AnnotationFormat = 'mpii-release' | 'mpii-detections' | 'pose-h5' | 'mmpose-json' | 'bearpaw-json'
export const ANNOTATION_FORMATS: readonly AnnotationFormat[] = ['mpii-release', 'mpii-detections', 'pose-h5', 'mmpose-json', 'bearpaw-json']

export interface ParsedImage {
  name: string
  split: Split
  /**
   * Whether the file says which split the image belongs to (val.h5, detections.mat, bearpaw's
   * isValidation) rather than only train-or-test (the release's img_train). An authoritative split
   * replaces the split of an image already in the project; a weak one only fills an unknown split.
   */
  splitIsAuthoritative: boolean
  width?: number
  height?: number
  /** 1-based index in the official annolist. */
  mpiiIndex?: number
  activity?: Activity
}

export interface ParsedPerson {
  image: string
  /** 1-based annorect index in its image, when the format says it. */
  mpiiPerson: number | null
  annotation: PersonAnnotation
  /** Where it came from in the file, for messages ("annolist(5).annorect(2)", "entry 17", "row 3"). */
  source: string
}

export interface Refusal {
  /** The item refused, in the file's own terms ("annolist(5).annorect(2).annopoints.point(3)"). */
  item: string
  reason: string
}

export interface ParsedAnnotations {
  format: AnnotationFormat
  file: string
  images: ParsedImage[]
  people: ParsedPerson[]
  refused: Refusal[]
}

/** Adds an image once (the first mention wins, later ones may fill in what it lacks). */
export class ImageCollector {
  private readonly byName = new Map<string, ParsedImage>()

  add(image: ParsedImage): void {
    const known = this.byName.get(image.name)
    if (!known) {
      this.byName.set(image.name, { ...image })
      return
    }
    known.width ??= image.width
    known.height ??= image.height
    known.mpiiIndex ??= image.mpiiIndex
    known.activity ??= image.activity
    if (image.splitIsAuthoritative && !known.splitIsAuthoritative) {
      known.split = image.split
      known.splitIsAuthoritative = true
    }
  }

  list(): ParsedImage[] {
    return [...this.byName.values()]
  }
}

/** The split a file's name implies ("val.h5", "mpii_train.json", "valid.json"), or null. */
export function splitFromFileName(file: string): 'train' | 'val' | 'test' | null {
  const base = file.split(/[\\/]/).pop()!.toLowerCase()
  if (/trainval/.test(base)) return null
  if (/(^|[^a-z])(val|valid|validation)([^a-z]|$)/.test(base)) return 'val'
  if (/(^|[^a-z])test([^a-z]|$)/.test(base)) return 'test'
  if (/(^|[^a-z])train([^a-z]|$)/.test(base)) return 'train'
  return null
}
