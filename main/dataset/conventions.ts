// Where the MPII formats disagree, and the one place each disagreement is resolved.
//
// The database (and the contract) keep what the official release holds:
//   - joint coordinates in MPII's 1-based pixel convention, as floats (the centre of the top-left pixel
//     is (1, 1)); all formats the workbench reads are 1-based in the file (pyranet-reference §4), so no
//     importer or exporter shifts them. Consumers that want 0-based pixel indices (HRNet, MMPose and
//     Newell-style crop code subtract 1) call `toZeroBased`; a canvas where the image spans [0, W] x [0, H]
//     uses `mpiiToImagePlane` (the contract carries the same helper for the renderer);
//   - centre and scale RAW (objpos; scale = person height / 200 px). pose-hg-train's h5 files store them
//     adjusted (y + 15 * scale, scale * 1.25): `fromPoseH5CenterScale` on import and `toPoseH5CenterScale`
//     on export are the only conversions;
//   - a joint's state: 'visible', 'occluded' (annotated with is_visible = 0), 'missing' (not annotated).
//     The formats encode it differently; the mapping functions below are the only translations.
import type { Joint, JointState, Point } from './model'

/** pose-hg-train's centre/scale adjustment (anewell/pose-hg-train src/misc/convert_annot.py). */
const H5_SCALE_FACTOR = 1.25
const H5_CENTER_SHIFT = 15

export function fromPoseH5CenterScale(center: Point, scale: number): { center: Point; scale: number } {
  const raw = scale / H5_SCALE_FACTOR
  return { center: { x: center.x, y: center.y - H5_CENTER_SHIFT * raw }, scale: raw }
}

export function toPoseH5CenterScale(center: Point, scale: number): { center: Point; scale: number } {
  return { center: { x: center.x, y: center.y + H5_CENTER_SHIFT * scale }, scale: scale * H5_SCALE_FACTOR }
}

/** MPII 1-based → 0-based pixel index coordinates (what HRNet and MMPose train on). */
export function toZeroBased(value: number): number {
  return value - 1
}

/** MPII 1-based → continuous image-plane coordinates where pixel k (0-based) spans [k, k + 1). */
export function mpiiToImagePlane(value: number): number {
  return value - 0.5
}

export function imagePlaneToMpii(value: number): number {
  return value + 0.5
}

/** MPII `is_visible`: empty or missing means visible; 0 or '0' means occluded (pyranet-reference §4.4). */
export function stateFromIsVisible(isVisible: number | string | undefined): JointState {
  if (isVisible === undefined) return 'visible'
  if (typeof isVisible === 'string') return isVisible.trim() === '0' ? 'occluded' : 'visible'
  return isVisible === 0 ? 'occluded' : 'visible'
}

/**
 * pose-hg h5: (0, 0) = not annotated, (-1, -1) in test files; visible 0 = occluded. A single negative
 * coordinate is a real joint outside the image (MPII has a few), so only both <= 0 means missing.
 */
export function jointFromPoseH5(x: number, y: number, visible: number | undefined): Joint {
  if (x <= 0 && y <= 0) return { x: null, y: null, state: 'missing' }
  return { x, y, state: visible === 0 ? 'occluded' : 'visible' }
}

export function jointToPoseH5(joint: Joint): { x: number; y: number; visible: number } {
  if (joint.state === 'missing' || joint.x === null || joint.y === null) return { x: 0, y: 0, visible: 0 }
  return { x: joint.x, y: joint.y, visible: joint.state === 'visible' ? 1 : 0 }
}

/**
 * HRNet/MMPose JSON: joints_vis 1 = annotated (visible or occluded), 0 = missing ([-1, -1]). The format
 * cannot say "occluded" nor hold the head box, so the workbench adds two optional keys that it writes on
 * export and reads when present: `is_visible` (MPII's meaning, 16 x 0/1) and `head_box` ([x1, y1, x2,
 * y2], 1-based). HRNet and MMPose ignore unknown keys.
 */
export function jointFromMmpose(x: number, y: number, vis: number | undefined, isVisible: number | undefined): Joint {
  if (vis === 0 || (vis === undefined && x <= 0 && y <= 0)) return { x: null, y: null, state: 'missing' }
  return { x, y, state: isVisible === 0 ? 'occluded' : 'visible' }
}

export function jointToMmpose(joint: Joint): { xy: [number, number]; vis: number; isVisible: number } {
  if (joint.state === 'missing' || joint.x === null || joint.y === null) return { xy: [-1, -1], vis: 0, isVisible: 0 }
  return { xy: [joint.x, joint.y], vis: 1, isVisible: joint.state === 'visible' ? 1 : 0 }
}

/** bearpaw mpii_annotations.json joint_self: (0, 0, 0) padding = missing; vis 0 = occluded. */
export function jointFromBearpaw(x: number, y: number, vis: number): Joint {
  if (x === 0 && y === 0) return { x: null, y: null, state: 'missing' }
  return { x, y, state: vis === 0 ? 'occluded' : 'visible' }
}

/** PCKh head size: 0.6 x the head box diagonal (anibali/eval-mpii-pose util_get_head_size.m). */
export function headSize(box: { x1: number; y1: number; x2: number; y2: number }): number {
  return 0.6 * Math.hypot(box.x2 - box.x1, box.y2 - box.y1)
}
