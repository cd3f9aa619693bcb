// The people of a split ordered from the worst prediction to the best, so the editor can start with the
// case most likely to be a model failure or a labelling mistake (a flipped limb, a misplaced point).
import type { NormalisedErrors } from './pckh'
import { personScores, type PersonScore, type PersonScoreOptions } from './person-scores'
import type { EvalGroundTruth } from './types'

/**
 * 'worstJoint' (default): largest normalised error of any annotated joint first;
 * 'meanError': largest mean normalised error first; 'pckh': lowest share of joints within the threshold first.
 */
export type RankingOrder = 'worstJoint' | 'meanError' | 'pckh'

export interface RankedPerson extends PersonScore {
  /** 0-based position in the ordering. */
  rank: number
  personId?: number
  imageName?: string
  imageId?: number
}

export interface RankingPage {
  order: RankingOrder
  /** People in the ordering (those with at least one annotated joint considered). */
  total: number
  /** People left out because none of the considered joints is annotated. */
  unannotated: number
  offset: number
  items: RankedPerson[]
}

export interface RankingOptions extends PersonScoreOptions {
  order?: RankingOrder
  offset?: number
  /** Default 50. */
  limit?: number
}

export function rankPeople(gt: EvalGroundTruth, errors: NormalisedErrors, options: RankingOptions = {}): RankingPage {
  const { order = 'worstJoint', offset = 0, limit = 50 } = options
  const all = personScores(errors, options)
  const ranked = all.filter((s) => s.annotated > 0)
  const key = sortKey(order)
  // Ties keep ground-truth order, so a page is the same every time it is asked for.
  ranked.sort((a, b) => key(b) - key(a) || a.index - b.index)
  const items = ranked.slice(offset, offset + limit).map((score, i) => ({
    ...score,
    rank: offset + i,
    ...(gt.personIds ? { personId: gt.personIds[score.index] } : {}),
    ...(gt.imageNames ? { imageName: gt.imageNames[score.index] } : {}),
    ...(gt.imageIds ? { imageId: gt.imageIds[score.index] } : {})
  }))
  return { order, total: ranked.length, unannotated: all.length - ranked.length, offset, items }
}

/** Larger key = worse = earlier. */
function sortKey(order: RankingOrder): (s: PersonScore) => number {
  switch (order) {
    case 'worstJoint':
      return (s) => s.worstError!
    case 'meanError':
      return (s) => s.meanError!
    case 'pckh':
      return (s) => -s.pckh!
  }
}
