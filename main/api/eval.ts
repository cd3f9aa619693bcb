// Evaluation requests: score, compare, rank and export prediction sets (main/eval does the work).
import type { EvaluationSource, Requests } from '../../contract'
import { compareSets } from '../eval/compare'
import { curvesCsv, summaryCsv } from '../eval/csv'
import { pckhReport } from '../eval/pckh'
import { rankPeople } from '../eval/ranking'
import { alignSources, distinctNames, GroundTruthCache, scoreFileSource, type ScoredSource } from '../eval/sources'
import type { ApiContext, HandlersFor } from './context'

type EvalRequests = Pick<Requests, 'getEvaluation' | 'compareEvaluations' | 'rankEvaluationErrors' | 'exportEvaluationCsv'>

async function scoreSources(sources: EvaluationSource[], _ctx: ApiContext): Promise<ScoredSource[]> {
  const cache = new GroundTruthCache()
  const scored: ScoredSource[] = []
  for (const source of sources) scored.push(await scoreFileSource(source, cache))
  return scored
}

export const evalHandlers: HandlersFor<EvalRequests> = {
  async getEvaluation({ source, rule }, ctx) {
    const [scored] = await scoreSources([source], ctx)
    return {
      model: scored.model,
      identity: scored.identity,
      predictions: scored.predictions.source,
      groundTruth: scored.groundTruth.source,
      report: pckhReport(scored.errors, { rule })
    }
  },

  async compareEvaluations({ sources, ...options }, ctx) {
    const scored = await scoreSources(sources, ctx)
    const { groundTruth, names } = alignSources(scored)
    return compareSets(
      groundTruth,
      scored.map((s, i) => ({ name: names[i], errors: s.errors })),
      options
    )
  },

  async rankEvaluationErrors({ source, order, joints, rule, offset, limit }, ctx) {
    const [scored] = await scoreSources([source], ctx)
    return rankPeople(scored.groundTruth, scored.errors, { order, joints, rule, offset, limit })
  },

  // An export may mix ground truths (one row each); only the names must be distinct.
  async exportEvaluationCsv({ sources, rule }, ctx) {
    const scored = await scoreSources(sources, ctx)
    const names = distinctNames(scored.map((s) => s.model))
    const rows = scored.map((s, i) => ({ model: names[i], report: pckhReport(s.errors, { rule }), identity: s.identity }))
    const stem = scored.length === 1 ? fileStem(names[0]) : 'comparison'
    return {
      summary: { fileName: `${stem}-pckh.csv`, csv: summaryCsv(rows) },
      curves: { fileName: `${stem}-pckh-curves.csv`, csv: curvesCsv(rows) }
    }
  }
}

/** A file-name-safe version of a model name. */
function fileStem(name: string): string {
  const stem = name
    .replace(/\.(mat|h5|hdf5|json|csv)$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return stem || 'evaluation'
}
