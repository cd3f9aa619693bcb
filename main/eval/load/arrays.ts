// Numeric arrays as the file readers return them, and how a prediction array's layout is recognised.
// MAT v5 stores arrays column-major with MATLAB's dims; HDF5 (h5wasm) row-major with C dims. The same
// numpy N x 16 x 2 array therefore arrives as dims [N, 16, 2] from either, while a MATLAB N x 16 x 2
// saved as v7.3 reads through HDF5 as [2, 16, N].
import { badInput } from '../../errors'
import { JOINT_COUNT } from '../joints'
import type { PredictionSet } from '../types'

export interface NumericArray {
  dims: readonly number[]
  data: Float64Array
  order: 'column' | 'row'
}

/** Reads element `index` (0-based subscripts over `dims`). */
export function element(array: NumericArray, index: readonly number[]): number {
  const { dims } = array
  let linear = 0
  if (array.order === 'column') for (let k = dims.length - 1; k >= 0; k--) linear = linear * dims[k] + index[k]
  else for (let k = 0; k < dims.length; k++) linear = linear * dims[k] + index[k]
  return array.data[linear]
}

/** Drops trailing singleton dims beyond the third (MATLAB never keeps them, HDF5 can). */
function shape(dims: readonly number[]): number[] {
  const d = [...dims]
  while (d.length > 3 && d[d.length - 1] === 1) d.pop()
  return d
}

type Layout = 'people-joints-coords' | 'coords-joints-people' | 'joints-coords-people'

/** Which axis holds people, joints and coordinates, and the description used in messages. */
const LAYOUTS: { layout: Layout; people: number; joints: number; coords: number; text: string }[] = [
  { layout: 'people-joints-coords', people: 0, joints: 1, coords: 2, text: 'N x 16 x 2' },
  { layout: 'coords-joints-people', people: 2, joints: 1, coords: 0, text: '2 x 16 x N' },
  { layout: 'joints-coords-people', people: 2, joints: 0, coords: 1, text: '16 x 2 x N' }
]

export const ACCEPTED_LAYOUTS = 'N x 16 x 2, 2 x 16 x N or 16 x 2 x N (a third coordinate, 3 instead of 2, is read as the confidence)'

/**
 * Turns a 3-D array of predictions into a PredictionSet. The layout is recognised from the shape; when
 * it fits more than one (N = 2, 3 or 16), the one whose person count equals `expectedCount` wins, then
 * the order N x 16 x 2, 2 x 16 x N, 16 x 2 x N.
 */
export function predictionsFromArray(array: NumericArray, source: string, expectedCount?: number): PredictionSet {
  const dims = shape(array.dims)
  const fits =
    dims.length === 3
      ? LAYOUTS.filter((l) => dims[l.joints] === JOINT_COUNT && (dims[l.coords] === 2 || dims[l.coords] === 3) && dims[l.people] > 0)
      : []
  if (!fits.length) {
    const expected = expectedCount === undefined ? '' : ` with N = ${expectedCount} people`
    throw badInput(`${source}: predictions are ${dims.join(' x ') || 'empty'}; expected ${ACCEPTED_LAYOUTS}${expected}`, 'predictions')
  }
  // A fit with the right number of people wins; then one with plain x, y (its count is reported as
  // missing or extra people later); a fit that needs the confidence reading and the wrong count is
  // more likely a wrong shape (3 x 16 x 4 is no 4-person array with confidences).
  const chosen =
    fits.find((l) => dims[l.people] === expectedCount) ??
    fits.find((l) => dims[l.coords] === 2) ??
    (expectedCount === undefined ? fits[0] : undefined)
  if (!chosen) throw badInput(`${source}: predictions are ${dims.join(' x ')}; expected ${ACCEPTED_LAYOUTS} with N = ${expectedCount} people`, 'predictions')
  const count = dims[chosen.people]
  const withConfidence = dims[chosen.coords] === 3
  const coords = new Float64Array(count * JOINT_COUNT * 2)
  const confidence = withConfidence ? new Float64Array(count * JOINT_COUNT) : undefined
  const index = [0, 0, 0]
  for (let n = 0; n < count; n++) {
    index[chosen.people] = n
    for (let j = 0; j < JOINT_COUNT; j++) {
      index[chosen.joints] = j
      for (let c = 0; c < (withConfidence ? 3 : 2); c++) {
        index[chosen.coords] = c
        const value = element(array, index)
        if (c < 2) coords[(n * JOINT_COUNT + j) * 2 + c] = value
        else confidence![n * JOINT_COUNT + j] = value
      }
    }
  }
  return { source, count, coords, ...(confidence ? { confidence } : {}) }
}
