// Size and cost of a PyraNet from its config alone (no tensors): parameters, and multiply-accumulates of
// every convolution per image, module by module. Counting conventions are those of
// shared/docs/pyranet-reference.md §1.2 (conv MACs only; pooling, upsampling, BN and additions left out),
// under which the authors' 2-stack model is 7.29 M parameters / 7.32 GMAC and the 8-stack one 28.13 M /
// 22.8 GMAC. The tests check these formulas against the variables createPyraNet actually makes.
import { pooledSize, pyramidRatios, pyramidWidth, usesPrm, type PyraNetConfig } from './config'
import { HOURGLASS_DEPTH } from './hourglass'

export interface LayerRow {
  /** PyTorch module path (`stem.res1`, `hg.0.low2.up1.0`, `heads.1`). */
  name: string
  /** 'PRM-B', 'Residual', 'Conv7x7/2+BN', 'Head' … */
  type: string
  inChannels: number
  outChannels: number
  /** Side of the feature map the module works on. */
  res: number
  params: number
  macs: number
}

export interface ModelDescription {
  rows: LayerRow[]
  params: number
  /** Conv multiply-accumulates per image. */
  macs: number
  /**
   * 2 x macs. Pose papers' "GFLOPs" are mostly multiply-adds, i.e. `macs` (HRNet's Table 4 gives 21.3 G for
   * the 8-stack PyraNet, against 22.8 G conv MACs here).
   */
  flops: number
  prmCount: number
  residualCount: number
  heatmapRes: number
}

class Tally {
  params = 0
  macs = 0

  conv(cin: number, cout: number, k: number, res: number): void {
    this.params += cin * cout * k * k + cout
    this.macs += cin * cout * k * k * res * res
  }

  bn(channels: number): void {
    this.params += 2 * channels
  }
}

interface ModuleSpec {
  cin: number
  cout: number
  res: number
  preact: boolean
  useConv: boolean
}

function tallyModule(config: PyraNetConfig, spec: ModuleSpec): { type: string; tally: Tally } {
  const { cin, cout, res, preact, useConv } = spec
  const half = cout / 2
  const t = new Tally()
  if (preact) t.bn(cin)
  t.conv(cin, half, 1, res)
  t.bn(half)
  t.conv(half, half, 3, res)
  const prm = config.variant !== 'residual' && usesPrm(config, res)
  if (prm) {
    const d = pyramidWidth(cout, config.baseWidth)
    const ratios = pyramidRatios(config.cardinality)
    for (const ratio of ratios) {
      if (config.variant === 'A') {
        if (preact) t.bn(cin)
        t.conv(cin, d, 1, res)
        t.bn(d)
      }
      t.conv(d, d, 3, pooledSize(res, ratio))
    }
    if (config.variant !== 'A') {
      if (preact) t.bn(cin)
      t.conv(cin, d, 1, res)
      t.bn(d)
    }
    const merged = config.variant === 'C' ? d * config.cardinality : d
    t.bn(merged)
    t.conv(merged, half, 1, res)
  }
  t.bn(half)
  t.conv(half, cout, 1, res)
  if (cin !== cout || useConv) {
    t.bn(cin)
    t.conv(cin, cout, 1, res)
  }
  return { type: prm ? `PRM-${config.variant}` : 'Residual', tally: t }
}

export function describeModel(config: PyraNetConfig): ModelDescription {
  const rows: LayerRow[] = []
  const addModule = (name: string, spec: Omit<ModuleSpec, 'preact' | 'useConv'> & Partial<ModuleSpec>) => {
    const full: ModuleSpec = { preact: true, useConv: false, ...spec }
    const { type, tally } = tallyModule(config, full)
    rows.push({ name, type, inChannels: full.cin, outChannels: full.cout, res: full.res, params: tally.params, macs: tally.macs })
  }
  const chain = (name: string, res: number, useConv = false) => {
    for (let i = 0; i < config.nModules; i++) addModule(`${name}.${i}`, { cin: config.nFeats, cout: config.nFeats, res, useConv })
  }
  const hourglass = (name: string, depth: number, res: number) => {
    chain(`${name}.up1`, res)
    chain(`${name}.low1`, res / 2)
    if (depth > 1) hourglass(`${name}.low2`, depth - 1, res / 2)
    else chain(`${name}.low2`, res / 2)
    chain(`${name}.low3`, res / 2, true)
  }

  const { inputRes, stemWidth: w, nFeats: f, nJoints } = config
  const stemConv = new Tally()
  stemConv.conv(3, w, 7, inputRes / 2)
  stemConv.bn(w)
  rows.push({ name: 'stem.conv', type: 'Conv7x7/2+BN', inChannels: 3, outChannels: w, res: inputRes / 2, ...counts(stemConv) })
  addModule('stem.res1', { cin: w, cout: 2 * w, res: inputRes / 2, preact: false })
  addModule('stem.res2', { cin: 2 * w, cout: 2 * w, res: inputRes / 4 })
  addModule('stem.res3', { cin: 2 * w, cout: f, res: inputRes / 4 })
  const heatmapRes = inputRes / 4
  for (let s = 0; s < config.nStack; s++) {
    hourglass(`hg.${s}`, HOURGLASS_DEPTH, heatmapRes)
    const head = new Tally()
    head.bn(f)
    head.conv(f, f, 1, heatmapRes)
    head.bn(f)
    head.conv(f, nJoints, 1, heatmapRes)
    if (s < config.nStack - 1) {
      head.conv(f, f, 1, heatmapRes)
      head.conv(nJoints, f, 1, heatmapRes)
    }
    rows.push({ name: `heads.${s}`, type: 'Head', inChannels: f, outChannels: nJoints, res: heatmapRes, ...counts(head) })
  }
  const params = rows.reduce((sum, r) => sum + r.params, 0)
  const macs = rows.reduce((sum, r) => sum + r.macs, 0)
  return {
    rows,
    params,
    macs,
    flops: 2 * macs,
    prmCount: rows.filter((r) => r.type.startsWith('PRM')).length,
    residualCount: rows.filter((r) => r.type === 'Residual').length,
    heatmapRes
  }
}

function counts(t: Tally): { params: number; macs: number } {
  return { params: t.params, macs: t.macs }
}

/** Forward FLOPs (2 x conv MACs) per image; a training step costs about three times this. */
export function flopsPerImage(config: PyraNetConfig): number {
  return describeModel(config).flops
}
