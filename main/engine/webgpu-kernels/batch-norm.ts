// The project's batch-norm kernels (custom-kernels.ts BN_*) as WGSL programs. A channels-last tensor is a
// [rows, C] matrix; per-channel sums over rows run in two passes: work-groups of 64 channels x 4 row lanes
// each reduce one slice of rows into a partial ([slices, 2, C]), then one work-group per channel merges the
// slices. Moments merge as (count, mean, M2) triples (Welford within a thread, Chan et al. across threads),
// which stays accurate for channels whose mean is large next to their spread.
// Statistics travel as one [2, C] tensor (mean; variance). Dispatches per layer: training forward 5 (partial,
// final, apply, 2 running), backward 4 (partial, 2 sums, dx); eval forward 1. The tfjs-op form takes ~20
// forward and ~30 backward.
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { BatchNormAttrs, BatchNormRunningAttrs } from '../custom-kernels'
import { flatProgram, type FlatProgram, type UniformData, type WebgpuBackendLike } from './programs'

const GROUP = 256
/** Work-groups wanted per partial pass (256 threads each). */
const TARGET_GROUPS = 1024
/** Fewest rows per slice (16 per row lane). */
const MIN_SLICE_ROWS = 64

interface Layout {
  rows: number
  channels: number
  slices: number
  rowsPerSlice: number
}

function layoutOf(x: TensorInfo): Layout {
  const channels = x.shape[x.shape.length - 1]
  const rows = x.shape.reduce((a, d) => a * d, 1) / channels
  const blocks = Math.ceil(channels / 64)
  const wanted = Math.max(1, Math.min(Math.ceil(TARGET_GROUPS / blocks), Math.ceil(rows / MIN_SLICE_ROWS)))
  const rowsPerSlice = Math.ceil(rows / wanted)
  return { rows, channels, slices: Math.ceil(rows / rowsPerSlice), rowsPerSlice }
}

const LAYOUT_UNIFORMS = 'rows : i32, channels : i32, slices : i32, rowsPerSlice : i32, eps : f32,'

function layoutUniforms(l: Layout, eps = 0): UniformData {
  return [
    { type: 'int32', data: [l.rows] },
    { type: 'int32', data: [l.channels] },
    { type: 'int32', data: [l.slices] },
    { type: 'int32', data: [l.rowsPerSlice] },
    { type: 'float32', data: [eps] }
  ]
}

/** A program whose invocations are laid out by hand (work-group = GROUP invocations along x). */
function groupedProgram(outputShape: number[], groups: number, shaderKey: string, variableNames: string[], code: string): FlatProgram {
  return {
    outputShape,
    shaderKey,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [groups, 1, 1],
    variableNames,
    workgroupSize: [GROUP, 1, 1],
    size: false,
    uniforms: LAYOUT_UNIFORMS,
    getUserCode: () => code
  }
}

/** Shared declarations and the (count, mean, M2) merge. */
const MOMENT_SHARED = `
  var<workgroup> sCount : array<f32, ${GROUP}>;
  var<workgroup> sMean : array<f32, ${GROUP}>;
  var<workgroup> sM2 : array<f32, ${GROUP}>;

  fn mergeInto(local : i32, nB : f32, meanB : f32, m2B : f32) {
    let nA = sCount[local];
    if (nB > 0.0) {
      let nAB = nA + nB;
      let delta = meanB - sMean[local];
      sMean[local] = sMean[local] + delta * (nB / nAB);
      sM2[local] = sM2[local] + m2B + delta * delta * (nA * nB / nAB);
      sCount[local] = nAB;
    }
  }`

/** [slices, 2, C] partial (mean, M2) of each slice; rows beyond a slice's end are not read. */
const MOMENTS_PARTIAL = `
  ${MOMENT_SHARED}
  fn main(index : i32) {
    let local = i32(localIndex);
    let group = index / ${GROUP};
    let channels = uniforms.channels;
    let blocks = (channels + 63) / 64;
    let block = group % blocks;
    let slice = group / blocks;
    let c = block * 64 + local % 64;
    let rowStart = slice * uniforms.rowsPerSlice;
    let rowEnd = min(rowStart + uniforms.rowsPerSlice, uniforms.rows);
    var n = 0.0;
    var mean = 0.0;
    var m2 = 0.0;
    if (c < channels && slice < uniforms.slices) {
      for (var r = rowStart + local / 64; r < rowEnd; r = r + 4) {
        let v = X[r * channels + c];
        n = n + 1.0;
        let d = v - mean;
        mean = mean + d / n;
        m2 = m2 + d * (v - mean);
      }
    }
    sCount[local] = n;
    sMean[local] = mean;
    sM2[local] = m2;
    workgroupBarrier();
    if (local < 64 && c < channels && slice < uniforms.slices) {
      for (var k = 1; k < 4; k = k + 1) {
        let j = local + 64 * k;
        mergeInto(local, sCount[j], sMean[j], sM2[j]);
      }
      setOutputAtIndex((slice * 2) * channels + c, sMean[local]);
      setOutputAtIndex((slice * 2 + 1) * channels + c, sM2[local]);
    }
  }`

/** [2, C]: the mean and the biased variance from the partials P. */
const MOMENTS_FINAL = `
  ${MOMENT_SHARED}
  fn main(index : i32) {
    let local = i32(localIndex);
    let c = index / ${GROUP};
    let channels = uniforms.channels;
    sCount[local] = 0.0;
    sMean[local] = 0.0;
    sM2[local] = 0.0;
    if (c < channels) {
      for (var s = local; s < uniforms.slices; s = s + ${GROUP}) {
        let nB = f32(min(uniforms.rowsPerSlice, uniforms.rows - s * uniforms.rowsPerSlice));
        mergeInto(local, nB, P[(s * 2) * channels + c], P[(s * 2 + 1) * channels + c]);
      }
    }
    workgroupBarrier();
    for (var stride = ${GROUP / 2}; stride > 0; stride = stride / 2) {
      if (local < stride) {
        mergeInto(local, sCount[local + stride], sMean[local + stride], sM2[local + stride]);
      }
      workgroupBarrier();
    }
    if (local == 0 && c < channels) {
      setOutputAtIndex(c, sMean[0]);
      setOutputAtIndex(channels + c, sM2[0] / sCount[0]);
    }
  }`

/** WGSL accessors of the statistics: one [2, C] tensor S, or MEAN and VARIANCE. */
function statsAccessors(packed: boolean): string {
  return packed
    ? `fn meanAt(c : i32) -> f32 { return S[c]; }
       fn varianceAt(c : i32) -> f32 { return S[uniforms.channels + c]; }`
    : `fn meanAt(c : i32) -> f32 { return MEAN[c]; }
       fn varianceAt(c : i32) -> f32 { return VARIANCE[c]; }`
}

/** Per-channel constants of the normalisation, and the ReLU mask as the forward computes it. */
const CHANNEL_SNIPPET = `
    let mean = meanAt(c);
    let invStd = inverseSqrt(varianceAt(c) + uniforms.eps);
    let scale = WEIGHT[c] * invStd;`

function maskSnippet(relu: boolean, g: string, x: string): string {
  return relu ? `if (!((${x} - mean) * scale + BIAS[c] > 0.0)) { ${g} = 0.0; }` : ''
}

/** [slices, 2, C] partial sums of g and g·x̂ (g = dy, masked). */
function gradPartial(relu: boolean): string {
  return `
  ${statsAccessors(true)}
  var<workgroup> sG : array<f32, ${GROUP}>;
  var<workgroup> sGx : array<f32, ${GROUP}>;
  fn main(index : i32) {
    let local = i32(localIndex);
    let group = index / ${GROUP};
    let channels = uniforms.channels;
    let blocks = (channels + 63) / 64;
    let block = group % blocks;
    let slice = group / blocks;
    let c = block * 64 + local % 64;
    let rowStart = slice * uniforms.rowsPerSlice;
    let rowEnd = min(rowStart + uniforms.rowsPerSlice, uniforms.rows);
    var sumG = 0.0;
    var sumGx = 0.0;
    if (c < channels && slice < uniforms.slices) {
      ${CHANNEL_SNIPPET}
      for (var r = rowStart + local / 64; r < rowEnd; r = r + 4) {
        let at = r * channels + c;
        let xv = X[at];
        var g = DY[at];
        ${maskSnippet(relu, 'g', 'xv')}
        sumG = sumG + g;
        sumGx = sumGx + g * ((xv - mean) * invStd);
      }
    }
    sG[local] = sumG;
    sGx[local] = sumGx;
    workgroupBarrier();
    if (local < 64 && c < channels && slice < uniforms.slices) {
      let g = sG[local] + sG[local + 64] + sG[local + 128] + sG[local + 192];
      let gx = sGx[local] + sGx[local + 64] + sGx[local + 128] + sGx[local + 192];
      setOutputAtIndex((slice * 2) * channels + c, g);
      setOutputAtIndex((slice * 2 + 1) * channels + c, gx);
    }
  }`
}

/** [C]: the sum over slices of component k of the partials P. */
function sumFinal(component: 0 | 1): string {
  return `
  var<workgroup> sSum : array<f32, ${GROUP}>;
  fn main(index : i32) {
    let local = i32(localIndex);
    let c = index / ${GROUP};
    let channels = uniforms.channels;
    var sum = 0.0;
    if (c < channels) {
      for (var s = local; s < uniforms.slices; s = s + ${GROUP}) {
        sum = sum + P[(s * 2 + ${component}) * channels + c];
      }
    }
    sSum[local] = sum;
    workgroupBarrier();
    for (var stride = ${GROUP / 2}; stride > 0; stride = stride / 2) {
      if (local < stride) {
        sSum[local] = sSum[local] + sSum[local + stride];
      }
      workgroupBarrier();
    }
    if (local == 0 && c < channels) {
      setOutputAtIndex(c, sSum[0]);
    }
  }`
}

/** stats [2, C]: mean and biased variance of x viewed as [rows, C]. */
export function runBatchNormStats(backend: WebgpuBackendLike, x: TensorInfo): TensorInfo {
  const l = layoutOf(x)
  const uniforms = layoutUniforms(l)
  const blocks = Math.ceil(l.channels / 64)
  const partial = backend.runWebGPUProgram(
    groupedProgram([l.slices, 2, l.channels], blocks * l.slices, 'pyra_bn_moments_partial', ['X'], MOMENTS_PARTIAL), [x], 'float32', uniforms
  )
  const stats = backend.runWebGPUProgram(groupedProgram([2, l.channels], l.channels, 'pyra_bn_moments_final', ['P'], MOMENTS_FINAL), [partial], 'float32', uniforms)
  backend.disposeData(partial.dataId)
  return stats
}

/** The statistics inputs of a kernel call: one stats tensor, or mean and variance. */
export interface StatsInputs {
  stats?: TensorInfo
  mean?: TensorInfo
  variance?: TensorInfo
}

function statsTensors(s: StatsInputs): { names: string[]; tensors: TensorInfo[]; packed: boolean } {
  if (s.stats) return { names: ['S'], tensors: [s.stats], packed: true }
  if (!s.mean || !s.variance) throw new Error('batch norm: give stats, or mean and variance')
  return { names: ['MEAN', 'VARIANCE'], tensors: [s.mean, s.variance], packed: false }
}

export function runBatchNormApply(backend: WebgpuBackendLike, x: TensorInfo, statsIn: StatsInputs, weight: TensorInfo, bias: TensorInfo, a: BatchNormAttrs): TensorInfo {
  const l = layoutOf(x)
  const { names, tensors, packed } = statsTensors(statsIn)
  const program = flatProgram(x.shape, `pyra_bn_apply_${a.relu}_${packed}`, ['X', ...names, 'WEIGHT', 'BIAS'], LAYOUT_UNIFORMS, `
          let c = index % uniforms.channels;
          ${CHANNEL_SNIPPET}
          let y = (X[index] - mean) * scale + BIAS[c];
          setOutputAtIndex(index, ${a.relu ? 'select(0.0, y, y > 0.0)' : 'y'});`)
  const code = program.getUserCode()
  program.getUserCode = () => statsAccessors(packed) + code
  return backend.runWebGPUProgram(program, [x, ...tensors, weight, bias], 'float32', layoutUniforms(l, a.eps))
}

/** [dx, dweight, dbias] (custom-kernels.ts BN_GRAD). */
export function runBatchNormGrad(
  backend: WebgpuBackendLike, x: TensorInfo, dy: TensorInfo, stats: TensorInfo, weight: TensorInfo, bias: TensorInfo, a: BatchNormAttrs
): [TensorInfo, TensorInfo, TensorInfo] {
  const l = layoutOf(x)
  const uniforms = layoutUniforms(l, a.eps)
  const blocks = Math.ceil(l.channels / 64)
  const partial = backend.runWebGPUProgram(
    groupedProgram([l.slices, 2, l.channels], blocks * l.slices, `pyra_bn_grad_partial_${a.relu}`, ['X', 'DY', 'S', 'WEIGHT', 'BIAS'], gradPartial(a.relu)),
    [x, dy, stats, weight, bias], 'float32', uniforms
  )
  const dbias = backend.runWebGPUProgram(groupedProgram([l.channels], l.channels, 'pyra_bn_sum_0', ['P'], sumFinal(0)), [partial], 'float32', uniforms)
  const dweight = backend.runWebGPUProgram(groupedProgram([l.channels], l.channels, 'pyra_bn_sum_1', ['P'], sumFinal(1)), [partial], 'float32', uniforms)
  backend.disposeData(partial.dataId)
  // dx = scale·(g - dbias/M - x̂·dweight/M)
  const dxProgram = flatProgram(x.shape, `pyra_bn_grad_dx_${a.relu}`, ['X', 'DY', 'S', 'WEIGHT', 'BIAS', 'DBIAS', 'DWEIGHT'], LAYOUT_UNIFORMS, `
          let c = index % uniforms.channels;
          ${CHANNEL_SNIPPET}
          let xv = X[index];
          var g = DY[index];
          ${maskSnippet(a.relu, 'g', 'xv')}
          let perRow = 1.0 / f32(uniforms.rows);
          let normalised = (xv - mean) * invStd;
          setOutputAtIndex(index, scale * (g - DBIAS[c] * perRow - normalised * (DWEIGHT[c] * perRow)));`)
  const code = dxProgram.getUserCode()
  dxProgram.getUserCode = () => statsAccessors(true) + code
  const dx = backend.runWebGPUProgram(dxProgram, [x, dy, stats, weight, bias, dbias, dweight], 'float32', uniforms)
  return [dx, dweight, dbias]
}

/** [runningMean', runningVar'] (custom-kernels.ts BN_RUNNING). */
export function runBatchNormRunning(
  backend: WebgpuBackendLike, runningMean: TensorInfo, runningVar: TensorInfo, stats: TensorInfo, a: BatchNormRunningAttrs
): [TensorInfo, TensorInfo] {
  const channels = runningMean.shape[0]
  const uniforms: UniformData = [
    { type: 'float32', data: [1 - a.momentum] },
    { type: 'float32', data: [a.momentum] },
    { type: 'float32', data: [a.count / Math.max(a.count - 1, 1)] }
  ]
  const program = (key: string, body: string): FlatProgram => flatProgram([channels], key, ['RUNNING', 'S'], 'keep : f32, take : f32, unbias : f32,', body)
  const nextMean = backend.runWebGPUProgram(
    program('pyra_bn_running_mean', 'setOutputAtIndex(index, RUNNING[index] * uniforms.keep + S[index] * uniforms.take);'),
    [runningMean, stats], 'float32', uniforms
  )
  const nextVar = backend.runWebGPUProgram(
    program('pyra_bn_running_var', 'setOutputAtIndex(index, RUNNING[index] * uniforms.keep + (S[uniforms.size + index] * uniforms.unbias) * uniforms.take);'),
    [runningVar, stats], 'float32', uniforms
  )
  return [nextMean, nextVar]
}
