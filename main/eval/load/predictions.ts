// Reads a predictions file of any supported kind, chosen by its extension:
//   .mat  MAT v5 (or v7.3, which is HDF5) with a variable `preds` (Tompson's `pos_pred_src` also works)
//   .h5   HDF5 with a dataset `preds` (pytorch-pose / official PyraNet `pred_*.h5`)
//   .json, .csv  the layouts in predictions-text.ts
// Array files may hold N x 16 x 2, 2 x 16 x N or 16 x 2 x N (x 3 with confidence); see arrays.ts.
import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { badInput } from '../../errors'
import type { PredictionSet } from '../types'
import { predictionsFromArray } from './arrays'
import { readArrayFile } from './array-files'
import { predictionsFromCsv, predictionsFromJson } from './predictions-text'

export const PREDICTION_EXTENSIONS = ['.mat', '.h5', '.hdf5', '.json', '.csv']
const ARRAY_NAMES = ['preds', 'pos_pred_src']

export interface LoadPredictionsOptions {
  /** The ground truth's person count: settles the layout when the shape alone cannot (N = 2, 3, 16). */
  expectedCount?: number
  /** Added to every coordinate, e.g. 1 for 0-based predictions (as HRNet and MMPose do before scoring). */
  offset?: number
}

export async function loadPredictions(file: string, options: LoadPredictionsOptions = {}): Promise<PredictionSet> {
  const set = await readPredictions(file, options.expectedCount)
  if (options.offset) for (let i = 0; i < set.coords.length; i++) set.coords[i] += options.offset
  return set
}

async function readPredictions(file: string, expectedCount: number | undefined): Promise<PredictionSet> {
  const extension = extname(file).toLowerCase()
  switch (extension) {
    case '.json':
      return predictionsFromJson(readText(file), file, expectedCount)
    case '.csv':
      return predictionsFromCsv(readText(file), file)
    case '.mat':
    case '.h5':
    case '.hdf5': {
      const arrays = await readArrayFile(file, ARRAY_NAMES, { anyOf: true })
      const name = ARRAY_NAMES.find((n) => arrays.has(n))!
      return predictionsFromArray(arrays.get(name)!, `${file} (${name})`, expectedCount)
    }
    default:
      throw badInput(`${file}: unknown predictions format '${extension}'; use one of ${PREDICTION_EXTENSIONS.join(', ')}`, 'predictions')
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw badInput(`${file}: cannot read: ${(error as Error).message}`, 'predictions')
  }
}
