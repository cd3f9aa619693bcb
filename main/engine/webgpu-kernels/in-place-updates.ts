// In-place updates (in-place.ts) for webgpu: RMSprop with one dispatch per two parameters (the tfjs-program
// form takes two dispatches per parameter and allocates two new buffers), and the batch-norm running
// statistics with one dispatch per layer (two in program form). The arithmetic is RMSPROP_UPDATE's and
// BN_RUNNING's, expression for expression.
import type { BatchNormRunningAttrs, InPlaceUpdates, RmspropAttrs, RmspropItem } from '../custom-kernels'
import { bufferOf, cachedPipeline, cachedUniform, encodeDispatch, ownedBufferOf, webgpuInternals } from './in-place'
import type { Tensor, Variable } from '@tensorflow/tfjs-core'

const GROUP = 256

const STEP = (p: string, v: string, g: string, i: string) => `
    let g_${p} = ${g}[${i}] + ${p}[${i}] * u.decay;
    let v_${p} = ${v}[${i}] * u.alpha + (g_${p} * g_${p}) * u.rest;
    ${v}[${i}] = v_${p};
    ${p}[${i}] = ${p}[${i}] - (g_${p} / (sqrt(v_${p}) + u.eps)) * u.lr;`

const RMSPROP_UNIFORMS = 'struct U { n1 : u32, n2 : u32, lr : f32, alpha : f32, rest : f32, eps : f32, decay : f32, pad : f32 };'

const PAIR_SHADER = `
  ${RMSPROP_UNIFORMS}
  @group(0) @binding(0) var<storage, read_write> p1 : array<f32>;
  @group(0) @binding(1) var<storage, read_write> v1 : array<f32>;
  @group(0) @binding(2) var<storage, read> g1 : array<f32>;
  @group(0) @binding(3) var<storage, read_write> p2 : array<f32>;
  @group(0) @binding(4) var<storage, read_write> v2 : array<f32>;
  @group(0) @binding(5) var<storage, read> g2 : array<f32>;
  @group(0) @binding(6) var<uniform> u : U;
  @compute @workgroup_size(${GROUP})
  fn main(@builtin(global_invocation_id) id : vec3<u32>) {
    let i = id.x;
    if (i < u.n1) {${STEP('p1', 'v1', 'g1', 'i')}
    } else if (i < u.n1 + u.n2) {
      let j = i - u.n1;${STEP('p2', 'v2', 'g2', 'j')}
    }
  }`

const SINGLE_SHADER = `
  ${RMSPROP_UNIFORMS}
  @group(0) @binding(0) var<storage, read_write> p1 : array<f32>;
  @group(0) @binding(1) var<storage, read_write> v1 : array<f32>;
  @group(0) @binding(2) var<storage, read> g1 : array<f32>;
  @group(0) @binding(6) var<uniform> u : U;
  @compute @workgroup_size(${GROUP})
  fn main(@builtin(global_invocation_id) id : vec3<u32>) {
    let i = id.x;
    if (i < u.n1) {${STEP('p1', 'v1', 'g1', 'i')}
    }
  }`

const RUNNING_SHADER = `
  struct U { channels : u32, keep : f32, take : f32, unbias : f32 };
  @group(0) @binding(0) var<storage, read_write> runningMean : array<f32>;
  @group(0) @binding(1) var<storage, read_write> runningVar : array<f32>;
  @group(0) @binding(2) var<storage, read> stats : array<f32>;
  @group(0) @binding(3) var<uniform> u : U;
  @compute @workgroup_size(${GROUP})
  fn main(@builtin(global_invocation_id) id : vec3<u32>) {
    let c = id.x;
    if (c < u.channels) {
      runningMean[c] = runningMean[c] * u.keep + stats[c] * u.take;
      runningVar[c] = runningVar[c] * u.keep + (stats[u.channels + c] * u.unbias) * u.take;
    }
  }`

const pairPipelines = new WeakMap<GPUDevice, GPUComputePipeline>()
const singlePipelines = new WeakMap<GPUDevice, GPUComputePipeline>()
const runningPipelines = new WeakMap<GPUDevice, GPUComputePipeline>()
const uniforms = new Map<string, GPUBuffer>()

interface Ready {
  at: number
  item: RmspropItem
  p: GPUBuffer
  v: GPUBuffer
  g: GPUBuffer
}

function rmspropUniform(n1: number, n2: number, a: RmspropAttrs): ArrayBuffer {
  const data = new ArrayBuffer(32)
  new Uint32Array(data, 0, 2).set([n1, n2])
  new Float32Array(data, 8, 6).set([a.lr, a.alpha, 1 - a.alpha, a.eps, a.weightDecay, 0])
  return data
}

function rmsprop(items: RmspropItem[], attrs: RmspropAttrs): boolean[] {
  const b = webgpuInternals()
  const done = items.map(() => false)
  const ready: Ready[] = []
  items.forEach((item, at) => {
    const n = item.param.size
    if (n === 0 || item.grad.size !== n || item.squareAvg.size !== n) return
    const p = ownedBufferOf(b, item.param)
    const v = ownedBufferOf(b, item.squareAvg)
    const g = bufferOf(b, item.grad)
    if (p && v && g && p !== v) ready.push({ at, item, p, v, g })
  })
  for (let k = 0; k < ready.length; k += 2) {
    const pair = ready.slice(k, k + 2)
    const [n1, n2] = [pair[0].item.param.size, pair[1]?.item.param.size ?? 0]
    const pipeline = pair.length === 2 ? cachedPipeline(pairPipelines, b.device, PAIR_SHADER) : cachedPipeline(singlePipelines, b.device, SINGLE_SHADER)
    const key = `rmsprop ${n1},${n2},${attrs.lr},${attrs.alpha},${attrs.eps},${attrs.weightDecay}`
    const entries: GPUBindGroupEntry[] = [{ binding: 6, resource: { buffer: cachedUniform(uniforms, b, key, rmspropUniform(n1, n2, attrs)) } }]
    pair.forEach((r, i) => entries.push(
      { binding: 3 * i, resource: { buffer: r.p } }, { binding: 3 * i + 1, resource: { buffer: r.v } }, { binding: 3 * i + 2, resource: { buffer: r.g } }
    ))
    encodeDispatch(b, pipeline, entries, Math.ceil((n1 + n2) / GROUP), pair.flatMap((r) => [r.item.param, r.item.squareAvg]), pair.map((r) => r.item.grad))
    for (const r of pair) done[r.at] = true
  }
  return done
}

function batchNormRunning(runningMean: Variable, runningVar: Variable, stats: Tensor, a: BatchNormRunningAttrs): boolean {
  const b = webgpuInternals()
  const channels = runningMean.size
  if (runningVar.size !== channels || stats.size !== 2 * channels) return false
  const m = ownedBufferOf(b, runningMean)
  const v = ownedBufferOf(b, runningVar)
  const s = bufferOf(b, stats)
  if (!m || !v || !s || m === v) return false
  const data = new ArrayBuffer(16)
  new Uint32Array(data, 0, 1).set([channels])
  new Float32Array(data, 4, 3).set([1 - a.momentum, a.momentum, a.count / Math.max(a.count - 1, 1)])
  const uniform = cachedUniform(uniforms, b, `running ${channels},${a.momentum},${a.count}`, data)
  const entries: GPUBindGroupEntry[] = [
    { binding: 0, resource: { buffer: m } }, { binding: 1, resource: { buffer: v } }, { binding: 2, resource: { buffer: s } }, { binding: 3, resource: { buffer: uniform } }
  ]
  encodeDispatch(b, cachedPipeline(runningPipelines, b.device, RUNNING_SHADER), entries, Math.ceil(channels / GROUP), [runningMean, runningVar], [stats])
  return true
}

export const webgpuInPlaceUpdates: InPlaceUpdates = { rmsprop, batchNormRunning }
