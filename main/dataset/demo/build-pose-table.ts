// Builds resources/mpii-val-poses.bin from MPII's standard validation split in the pose-hg-train h5
// layout (val.h5). Run once by a developer; the app never reads ../shared at run time:
//   npx tsx main/dataset/demo/build-pose-table.ts [../shared/data/mpii/val.h5] [resources/mpii-val-poses.bin]
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import h5wasm from 'h5wasm/node'
import { badInput } from '../../errors'
import { PoseTable, type NormalisedPose } from './pose-table'
import { JOINT_COUNT } from './skeleton'

/** Reads every person of a pose-hg-train h5 file as a pose normalised to its centre and scale. */
export async function readNormalisedPoses(h5Path: string): Promise<NormalisedPose[]> {
  await h5wasm.ready
  const file = new h5wasm.File(h5Path, 'r')
  try {
    const read = (name: string): Float64Array => {
      const dataset = file.get(name)
      if (!(dataset instanceof h5wasm.Dataset)) throw badInput(`${h5Path}: no dataset '${name}'`, name)
      return Float64Array.from(dataset.value as ArrayLike<number>)
    }
    const center = read('center')
    const scale = read('scale')
    const part = read('part')
    const visible = read('visible')
    const count = scale.length
    if (center.length !== 2 * count || part.length !== 2 * JOINT_COUNT * count || visible.length !== JOINT_COUNT * count) {
      throw badInput(`${h5Path}: center/part/visible sizes do not match ${count} people`, 'part')
    }
    const poses: NormalisedPose[] = []
    for (let i = 0; i < count; i++) {
      const joints: NormalisedPose['joints'] = []
      const vis: boolean[] = []
      for (let j = 0; j < JOINT_COUNT; j++) {
        const x = part[(i * JOINT_COUNT + j) * 2]
        const y = part[(i * JOINT_COUNT + j) * 2 + 1]
        // pose-hg-train marks an unannotated joint as (0, 0) (reference §4.2)
        const annotated = !(x === 0 && y === 0)
        joints.push(annotated ? { x: (x - center[2 * i]) / scale[i], y: (y - center[2 * i + 1]) / scale[i] } : null)
        vis.push(annotated && visible[i * JOINT_COUNT + j] > 0)
      }
      poses.push({ joints, visible: vis })
    }
    return poses
  } finally {
    file.close()
  }
}

export async function buildPoseTable(h5Path: string): Promise<Buffer> {
  return PoseTable.encode(await readNormalisedPoses(h5Path))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const source = resolve(process.argv[2] ?? '../shared/data/mpii/val.h5')
  const target = resolve(process.argv[3] ?? 'resources/mpii-val-poses.bin')
  const table = await buildPoseTable(source)
  writeFileSync(target, table)
  console.log(`wrote ${target}: ${PoseTable.decode(table).count} poses, ${table.length} bytes`)
}
