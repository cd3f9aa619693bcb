// Evaluation requests: score, compare, rank and export prediction files and the open project's
// prediction sets, and run a checkpoint over a split (main/eval does the work).
import { basename, resolve } from 'node:path'
import type { EvaluationSource, PredictionSource, Requests, RunIdentity } from '../../contract'
import { datasetOf } from '../dataset/project-dataset'
import { notFound } from '../errors'
import { evaluateCheckpoint } from '../eval/checkpoint-evaluation'
import { compareSets } from '../eval/compare'
import { curvesCsv, summaryCsv } from '../eval/csv'
import { pckhReport } from '../eval/pckh'
import { importPredictionFile, latestSetOfRun, ProjectGroundTruthCache, scoreStoredSet, type ScoredStoredSet } from '../eval/project-sets'
import { rankPeople } from '../eval/ranking'
import { alignSources, distinctNames, GroundTruthCache, scoreFileSource, type ScoredSource } from '../eval/sources'
import { deletePredictionSet, evaluationHistory, listPredictionSets, recordEvaluation } from '../eval/store'
import { chooseCheckpoint, parseCheckpointChoice } from '../train/checkpoints'
import { runDetail } from '../train/runs-store'
import type { ApiContext, HandlersFor } from './context'
import { inferenceOf } from './predictions'

type EvalRequests = Pick<
  Requests,
  | 'getEvaluation'
  | 'compareEvaluations'
  | 'rankEvaluationErrors'
  | 'exportEvaluationCsv'
  | 'listPredictionSets'
  | 'importPredictions'
  | 'deletePredictionSet'
  | 'evaluationHistory'
  | 'evaluateRun'
>

function projectDb(ctx: ApiContext) {
  return datasetOf(ctx.workspace.requireProject()).db
}

/** Scores every source, reading each ground truth (file or split) once. */
async function scoreSources(sources: EvaluationSource[], ctx: ApiContext): Promise<(ScoredSource | ScoredStoredSet)[]> {
  const files = new GroundTruthCache()
  let project: ProjectGroundTruthCache | undefined
  const scored: (ScoredSource | ScoredStoredSet)[] = []
  for (const source of sources) {
    if (source.kind === 'file') {
      scored.push(await scoreFileSource(source, files))
      continue
    }
    const db = projectDb(ctx)
    project ??= new ProjectGroundTruthCache(db)
    const setId = source.kind === 'predictionSet' ? source.id : latestSetOfRun(db, source.runId, source.split).id
    scored.push(scoreStoredSet(db, setId, { asOf: source.asOf, cache: project }))
  }
  return scored
}

export const evalHandlers: HandlersFor<EvalRequests> = {
  async getEvaluation({ source, rule, record }, ctx) {
    const [scored] = await scoreSources([source], ctx)
    const report = pckhReport(scored.errors, { rule })
    if (record && 'setId' in scored) recordEvaluation(projectDb(ctx), scored.setId, scored.groundTruth.labelMark, report)
    return {
      model: scored.model,
      identity: scored.identity,
      predictions: scored.predictions.source,
      groundTruth: scored.groundTruth.source,
      report
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
  },

  listPredictionSets: ({ runId, split }, ctx) => listPredictionSets(projectDb(ctx), { runId, split }),

  importPredictions: ({ path, split, name, offset }, ctx) => importPredictionFile(projectDb(ctx), { file: path, split, name, offset }),

  deletePredictionSet({ id }, ctx) {
    deletePredictionSet(projectDb(ctx), id)
    return { deleted: true }
  },

  evaluationHistory: ({ id }, ctx) => evaluationHistory(projectDb(ctx), id),

  // The network runs in the project's inference worker, so this process keeps answering requests meanwhile.
  async evaluateRun({ source, split, name, flip, rounding, batchSize, rule }, ctx) {
    const db = projectDb(ctx)
    const checkpoint = resolveCheckpoint(source, ctx)
    const label = name ?? checkpoint.label
    const inference = inferenceOf(ctx)
    return ctx.tasks.run('evaluate', `Evaluating ${label} on ${split}`, async (progress) => {
      const { set, report, scored } = await evaluateCheckpoint(db, inference, {
        checkpoint: checkpoint.dir,
        runId: checkpoint.runId,
        identity: checkpoint.identity,
        split,
        name: label,
        flip,
        rounding,
        batchSize,
        rule,
        ...progress
      })
      return {
        set,
        evaluation: { model: set.name, identity: scored.identity, predictions: scored.predictions.source, groundTruth: scored.groundTruth.source, report }
      }
    })
  }
}

/** The checkpoint folder a source names, the run it belongs to, and what the run says about it. */
function resolveCheckpoint(source: PredictionSource, ctx: ApiContext): { dir: string; runId: string | null; label: string; identity?: RunIdentity } {
  if (source.kind === 'checkpoint') return { dir: resolve(source.path), runId: null, label: basename(source.path) }
  const project = ctx.workspace.requireProject()
  const run = runDetail(datasetOf(project).db, project.dir, source.runId)
  const record = chooseCheckpoint(run.checkpoints, parseCheckpointChoice(source.checkpoint))
  if (!record) throw notFound(`run ${run.name} has no ${source.checkpoint} checkpoint yet`, 'source.checkpoint')
  return { dir: record.path, runId: run.id, label: `${run.name} · epoch ${record.epoch}`, identity: { epochs: record.epoch } }
}

/** A file-name-safe version of a model name. */
function fileStem(name: string): string {
  const stem = name
    .replace(/\.(mat|h5|hdf5|json|csv)$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return stem || 'evaluation'
}
