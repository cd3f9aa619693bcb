import { parseCommandArgs, numberOption } from '../args'
import { CliError, type CliCommand } from '../command'
import { formatPerJoint, formatRanking, formatSummary, SUMMARY_LEGEND } from '../../eval/report-text'
import { writeFilesAtomically } from '../../eval/write-files'
import type { ThresholdRule } from '../../../contract'

export const PREDICTION_FORMATS_HELP = `
predictions files (one person per entry, in the ground truth's order and 1-based MATLAB pixels):
  .mat / .h5   an array 'preds' of N x 16 x 2, 2 x 16 x N or 16 x 2 x N (x 3 with a confidence);
               MAT v5 and v7.3 (HDF5) both work; Tompson's 'pos_pred_src' is read when there is no 'preds'
  .json        [[[x, y], ... 16 joints], ... N people] or {"preds": that}; joints may be [x, y, confidence]
  .csv         a header, then one row per person: x0,y0,...,x15,y15 (MPII joint ids 0 r-ankle ... 15 l-wrist),
               optionally c0...c15 (confidence) and person (0-based ground-truth index; rows in any order)
ground truth: a .mat (v5 or v7.3) with pos_gt_src (16x2xN), headboxes_src (2x2xN), jnt_missing (16xN),
  as in MPII's detections_our_format.mat

csv output: the summary has one row per model with the columns
  Model,Head,Shoulder,Elbow,Wrist,Hip,Knee,Ankle,Mean,WeightedMean,WeightedPCKh@0.1,AUC,Variant,Stacks,Epochs,Split,LabelRevision,People,Rule
  (Mean unweighted as published; the curves file has one row per model and threshold 0.00-0.50:
  Model,Threshold,Head,Shoulder,Elbow,Wrist,Hip,Knee,Ankle,Mean,WeightedMean). Two decimals.`

export function ruleOption(value: string | undefined): ThresholdRule {
  if (value === undefined || value === 'le' || value === 'lt') return value ?? 'le'
  throw new CliError(`--rule must be 'le' (error <= threshold) or 'lt' (error < threshold), got ${JSON.stringify(value)}`, 2)
}

const USAGE = `pckh PREDICTIONS --gt GROUND_TRUTH [--model NAME] [--offset PX] [--rule le|lt] [--joints] [--worst N]
            [--csv SUMMARY.csv] [--curves CURVES.csv] [--json]

  --gt FILE        ground truth in the evaluation layout (required)
  --model NAME     name in the table and CSV (default: the file name)
  --offset PX      added to every predicted coordinate (1 for 0-based predictions, as HRNet/MMPose)
  --rule le|lt     a joint is correct when error <= threshold (le, default: MPII toolkit) or < (lt: Tompson)
  --joints         also print the per-joint table
  --worst N        also print the N people with the worst joint error
  --csv FILE       write the summary CSV; --curves FILE the curve CSV (nothing is written on an error)
  --json           print the whole evaluation as JSON
${PREDICTION_FORMATS_HELP}`

export const pckhCommand: CliCommand = {
  name: 'pckh',
  summary: 'Score a predictions file against an MPII ground truth: the PCKh table, curve and AUC; optionally CSV.',
  usage: USAGE,
  needsProject: false,
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        gt: { type: 'string' },
        model: { type: 'string' },
        offset: { type: 'string' },
        rule: { type: 'string' },
        joints: { type: 'boolean' },
        worst: { type: 'string' },
        csv: { type: 'string' },
        curves: { type: 'string' },
        json: { type: 'boolean' }
      },
      USAGE
    )
    if (positionals.length !== 1) throw new CliError(`pckh takes one predictions file\nusage: ${USAGE.split('\n')[0]}`, 2)
    if (!values.gt) throw new CliError('pckh needs --gt GROUND_TRUTH', 2)
    const source = {
      kind: 'file' as const,
      predictions: positionals[0],
      groundTruth: values.gt,
      model: values.model,
      offset: numberOption(values.offset, 'offset', 0)
    }
    const rule = ruleOption(values.rule)
    const worst = numberOption(values.worst, 'worst')
    const evaluation = await ctx.call('getEvaluation', { source, rule })
    const ranking = worst ? await ctx.call('rankEvaluationErrors', { source, rule, limit: worst }) : undefined
    if (values.csv || values.curves) {
      const csv = await ctx.call('exportEvaluationCsv', { sources: [source], rule })
      writeFilesAtomically([
        ...(values.csv ? [{ path: values.csv, text: csv.summary.csv }] : []),
        ...(values.curves ? [{ path: values.curves, text: csv.curves.csv }] : [])
      ])
    }
    if (values.json) {
      ctx.out(JSON.stringify(ranking ? { ...evaluation, ranking } : evaluation, null, 2))
      return
    }
    const { report } = evaluation
    ctx.out(`${evaluation.predictions} against ${evaluation.groundTruth}: ${report.people} people, error ${report.rule === 'le' ? '<=' : '<'} threshold`)
    for (const line of formatSummary([evaluation])) ctx.out(line)
    ctx.out(SUMMARY_LEGEND)
    if (values.joints) {
      ctx.out('')
      for (const line of formatPerJoint(report)) ctx.out(line)
    }
    if (ranking) {
      ctx.out('')
      ctx.out(`worst ${ranking.items.length} of ${ranking.total} people (largest normalised error of any scored joint):`)
      for (const line of formatRanking(ranking)) ctx.out(line)
    }
    if (values.csv) ctx.out(`wrote ${values.csv}`)
    if (values.curves) ctx.out(`wrote ${values.curves}`)
  }
}
