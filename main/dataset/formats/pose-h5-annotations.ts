// pose-hg-train h5 rows → parsed annotations: centre/scale un-adjusted and joints mapped through
// conventions.ts. The h5 layout has no head box (only its PCKh size, `normalize`), so people imported
// from it have none until edited or merged from another format.
import { fromPoseH5CenterScale, jointFromPoseH5 } from '../conventions'
import { JOINT_COUNT, emptyJoints, type Split } from '../model'
import { POSE_H5_JOINTS, readPoseH5, type PoseH5 } from './h5'
import { ImageCollector, splitFromFileName, type ParsedAnnotations, type ParsedPerson } from './records'

export async function readPoseH5Annotations(file: string, split?: Split): Promise<ParsedAnnotations> {
  return parsePoseH5(await readPoseH5(file), file, split)
}

export function parsePoseH5(h5: PoseH5, file: string, split?: Split): ParsedAnnotations {
  const images = new ImageCollector()
  const people: ParsedPerson[] = []
  const fileSplit = split ?? splitFromFileName(file)
  for (let n = 0; n < h5.count; n++) {
    const name = h5.imgname[n]
    const index = h5.index?.[n]
    const person = h5.person?.[n]
    images.add({
      name,
      split: fileSplit ?? 'unknown',
      splitIsAuthoritative: fileSplit !== null,
      mpiiIndex: index !== undefined && index >= 0 ? index + 1 : undefined
    })
    const joints = emptyJoints()
    if (h5.part) {
      for (let j = 0; j < JOINT_COUNT; j++) {
        const at = (n * POSE_H5_JOINTS + j) * 2
        joints[j] = jointFromPoseH5(h5.part[at], h5.part[at + 1], h5.visible?.[n * POSE_H5_JOINTS + j])
      }
    }
    const scale = h5.scale[n]
    const center = { x: h5.center[2 * n], y: h5.center[2 * n + 1] }
    // Without a valid scale the centre cannot be un-adjusted; it is kept as given.
    const raw = scale > 0 ? fromPoseH5CenterScale(center, scale) : { center, scale: null }
    people.push({
      image: name,
      mpiiPerson: person !== undefined && person >= 0 ? person + 1 : null,
      annotation: { center: raw.center, scale: raw.scale, headBox: null, joints },
      source: `row ${n}`
    })
  }
  return { format: 'pose-h5', file, images: images.list(), people, refused: [] }
}
