// Exporting the current annotations (or those at a label mark) so edited labels can leave the workbench:
//
//   exportAnnotations(db, { format, file, split?, asOf? }, progress?) → ExportSummary
//
//   'mmpose-json'  HRNet/MMPose list: image, center, scale (raw MPII), joints 16 x [x, y] (1-based),
//                  joints_vis (1 annotated, 0 missing = [-1, -1]), plus the workbench's is_visible list
//                  (occlusion) and head_box [x1, y1, x2, y2] where known (both ignored by HRNet and MMPose)
//   'pose-h5'      pose-hg-train layout: centre/scale adjusted, part (0, 0) for missing joints, visible,
//                  normalize (0.6 x head diagonal; 0 where the head box is unknown), index/person 0-based
//                  (-1 where unknown). Joint coordinates are written as stored (not integer-truncated).
// People without a centre or scale cannot be described by either format and are skipped (counted).
// The file is written next to its target and renamed into place, so a failed export leaves no half file.
import { randomUUID } from 'node:crypto'
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { badInput } from '../errors'
import type { ProgressOptions } from '../progress'
import { headSize, jointToMmpose, jointToPoseH5, toPoseH5CenterScale } from './conventions'
import type { Db } from './db'
import { POSE_H5_JOINTS, writePoseH5 } from './formats/h5'
import { JOINT_COUNT, type Split } from './model'
import { annotatedPeople, type AnnotatedPerson } from './queries'

export type ExportFormat = 'mmpose-json' | 'pose-h5'

export interface ExportOptions {
  format: ExportFormat
  file: string
  split?: Split
  /** Export the labels as they were at this label mark. */
  asOf?: number
}

export interface ExportSummary {
  file: string
  format: ExportFormat
  people: number
  images: number
  /** People left out because they have no centre or scale. */
  skipped: number
}

export async function exportAnnotations(db: Db, options: ExportOptions, { onProgress }: ProgressOptions = {}): Promise<ExportSummary> {
  onProgress?.({ stage: 'reading annotations', done: 0, total: 0 })
  const all = annotatedPeople(db, { split: options.split, asOf: options.asOf })
  const people = all.filter((p) => p.annotation.center && p.annotation.scale)
  onProgress?.({ stage: `writing ${basename(options.file)}`, done: 0, total: people.length })
  const temp = join(dirname(options.file), `.${basename(options.file)}.${randomUUID()}.tmp`)
  try {
    if (options.format === 'mmpose-json') writeFileSync(temp, mmposeJson(people))
    else await writePoseH5(temp, poseH5(people))
    renameSync(temp, options.file)
  } catch (error) {
    rmSync(temp, { force: true })
    if (error instanceof Error && 'code' in error) throw badInput(`${options.file}: cannot write: ${error.message}`, 'file')
    throw error
  }
  onProgress?.({ stage: 'done', done: people.length, total: people.length })
  return {
    file: options.file,
    format: options.format,
    people: people.length,
    images: new Set(people.map((p) => p.imageId)).size,
    skipped: all.length - people.length
  }
}

function mmposeJson(people: AnnotatedPerson[]): string {
  const entries = people.map((p) => {
    const joints = p.annotation.joints.map(jointToMmpose)
    const box = p.annotation.headBox
    return {
      image: p.imageName,
      center: [p.annotation.center!.x, p.annotation.center!.y],
      scale: p.annotation.scale!,
      joints: joints.map((j) => j.xy),
      joints_vis: joints.map((j) => j.vis),
      is_visible: joints.map((j) => j.isVisible),
      ...(box ? { head_box: [box.x1, box.y1, box.x2, box.y2] } : {})
    }
  })
  return JSON.stringify(entries)
}

function poseH5(people: AnnotatedPerson[]) {
  const count = people.length
  const center = new Float64Array(count * 2)
  const scale = new Float64Array(count)
  const part = new Float64Array(count * POSE_H5_JOINTS * 2)
  const visible = new Float64Array(count * POSE_H5_JOINTS)
  const normalize = new Float64Array(count)
  const index = new Float64Array(count)
  const person = new Float64Array(count)
  people.forEach((p, n) => {
    const adjusted = toPoseH5CenterScale(p.annotation.center!, p.annotation.scale!)
    center[2 * n] = adjusted.center.x
    center[2 * n + 1] = adjusted.center.y
    scale[n] = adjusted.scale
    for (let j = 0; j < JOINT_COUNT; j++) {
      const h5 = jointToPoseH5(p.annotation.joints[j])
      part[(n * POSE_H5_JOINTS + j) * 2] = h5.x
      part[(n * POSE_H5_JOINTS + j) * 2 + 1] = h5.y
      visible[n * POSE_H5_JOINTS + j] = h5.visible
    }
    normalize[n] = p.annotation.headBox ? headSize(p.annotation.headBox) : 0
    index[n] = p.mpiiIndex === null ? -1 : p.mpiiIndex - 1
    person[n] = p.mpiiPerson === null ? -1 : p.mpiiPerson - 1
  })
  return { count, imgname: people.map((p) => p.imageName), center, scale, part, visible, normalize, index, person }
}
