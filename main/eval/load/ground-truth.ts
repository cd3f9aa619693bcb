// Reads a ground truth in the evaluation layout of Tompson's `detections_our_format.mat` (the file every
// MPII PCKh script scores against, pyranet-reference.md §5.2):
//   pos_gt_src     16 x 2 x N   joint x, y (1-based MATLAB pixels)
//   headboxes_src   2 x 2 x N   [x1 y1; x2 y2] per person
//   jnt_missing    16 x N       1 = unannotated
// as a MAT v5 file, or a MAT v7.3 / HDF5 file holding the same arrays.
import { badInput } from '../../errors'
import { JOINT_COUNT } from '../joints'
import type { EvalGroundTruth } from '../types'
import { element, type NumericArray } from './arrays'
import { readArrayFile } from './array-files'

const JOINTS = 'pos_gt_src'
const HEAD_BOXES = 'headboxes_src'
const MISSING = 'jnt_missing'

export async function loadGroundTruth(file: string): Promise<EvalGroundTruth> {
  const arrays = await readArrayFile(file, [JOINTS, HEAD_BOXES, MISSING], { anyOf: true })
  if (!arrays.has(HEAD_BOXES)) {
    throw badInput(`${file}: the ground truth has no head boxes (${HEAD_BOXES}); PCKh is normalised by the head size`, 'groundTruth')
  }
  for (const name of [JOINTS, MISSING]) {
    if (!arrays.has(name)) throw badInput(`${file}: the ground truth has no ${name}`, 'groundTruth')
  }
  const joints = matlabView(arrays.get(JOINTS)!, [JOINT_COUNT, 2])
  const boxes = matlabView(arrays.get(HEAD_BOXES)!, [2, 2])
  const missing = matlabView(arrays.get(MISSING)!, [JOINT_COUNT])
  const count = joints.dims[2] ?? 1
  expectDims(file, JOINTS, joints.dims, [JOINT_COUNT, 2, count])
  expectDims(file, HEAD_BOXES, boxes.dims, [2, 2, count])
  expectDims(file, MISSING, missing.dims, [JOINT_COUNT, count])

  const gt: EvalGroundTruth = {
    source: file,
    count,
    joints: new Float64Array(count * JOINT_COUNT * 2),
    missing: new Uint8Array(count * JOINT_COUNT),
    headBoxes: new Float64Array(count * 4)
  }
  for (let n = 0; n < count; n++) {
    for (let j = 0; j < JOINT_COUNT; j++) {
      const i = n * JOINT_COUNT + j
      gt.joints[i * 2] = element(joints, [j, 0, n])
      gt.joints[i * 2 + 1] = element(joints, [j, 1, n])
      const flag = element(missing, [j, n])
      if (flag !== 0 && flag !== 1) throw badInput(`${file}: ${MISSING} of person ${n}, joint ${j} is ${flag}, not 0 or 1`, 'groundTruth')
      gt.missing[i] = flag
    }
    // headboxes_src(:, :, n) = [x1 y1; x2 y2]: rows are the corners, columns x and y.
    gt.headBoxes[n * 4] = element(boxes, [0, 0, n])
    gt.headBoxes[n * 4 + 1] = element(boxes, [0, 1, n])
    gt.headBoxes[n * 4 + 2] = element(boxes, [1, 0, n])
    gt.headBoxes[n * 4 + 3] = element(boxes, [1, 1, n])
  }
  return gt
}

/**
 * The array indexed with MATLAB's dims, whichever reader produced it. An HDF5 array whose dims already
 * start as MATLAB's do (written from numpy) is used as it is; otherwise it is MAT v7.3, stored with the
 * dims reversed, and reading it column-major over the reversed dims restores MATLAB's view.
 */
function matlabView(array: NumericArray, leading: number[]): NumericArray {
  if (array.order === 'column' || leading.every((d, k) => array.dims[k] === d)) return array
  return { dims: [...array.dims].reverse(), data: array.data, order: 'column' }
}

function expectDims(file: string, name: string, actual: readonly number[], expected: number[]): void {
  const trimmed = [...actual]
  while (trimmed.length > expected.length && trimmed[trimmed.length - 1] === 1) trimmed.pop()
  while (trimmed.length < expected.length) trimmed.push(1)
  if (trimmed.some((d, k) => d !== expected[k])) {
    throw badInput(`${file}: ${name} is ${actual.join(' x ')}, expected ${expected.join(' x ')}`, 'groundTruth')
  }
}
