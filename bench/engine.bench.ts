// The engine's kernels on wasm and cpu.
// 1. Convolutions: GFLOP/s of the forward Conv2D, tfjs-backend-wasm's built-in Conv2DBackpropInput, and the
//    project's input- and filter-gradient kernels (main/engine/wasm-kernels) on the shapes that dominate a
//    PyraNet step; the cpu backend's kernels for reference.
// 2. A PyraNet training step (forward, backward, RMSprop) against its forward pass on wasm (goal: <= 3x).
// Times are CPU seconds of this process (process.cpuUsage): the backends are single-threaded and the 2-core
// build machine is shared, so wall time measures the neighbours; wall figures are recorded beside them.
// Run: npx tsx bench/engine.bench.ts [--batch N] [--quick]   Writes bench/results/engine.json.
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { cpus, loadavg } from 'node:os'
import { builtinCpuKernel, registerCpuKernelFixes } from '../main/engine/cpu-kernels'
import { builtinWasmKernel, registerWasmTrainingKernels } from '../main/engine/wasm-kernels'
import { createPyraNet, flopsPerImage, presets, RMSprop, type PyraNetConfig } from '../main/model'
import { writeResults } from './results-file'

interface Shape {
  name: string
  size: number
  inChannels: number
  outChannels: number
  kernel: number
  stride: number
}

const SHAPES: Shape[] = [
  { name: '3x3 128->256 at 64x64', size: 64, inChannels: 128, outChannels: 256, kernel: 3, stride: 1 },
  { name: '1x1 256->128 at 64x64', size: 64, inChannels: 256, outChannels: 128, kernel: 1, stride: 1 },
  { name: '3x3 28->28 at 53x53', size: 53, inChannels: 28, outChannels: 28, kernel: 3, stride: 1 },
  { name: '7x7/2 3->64 at 256x256', size: 256, inChannels: 3, outChannels: 64, kernel: 7, stride: 2 }
]

type Pass = 'forward' | 'builtinInputGrad' | 'inputGrad' | 'filterGrad' | 'builtinFilterGrad'
interface Timing { cpuMs: number; wallMs: number; gflops: number }

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(name)
  return at >= 0 ? Number(process.argv[at + 1]) : fallback
}

const quick = process.argv.includes('--quick')
const wasmBatch = argValue('--batch', 4)
const cpuBatch = 1
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since)
  return (d.user + d.system) / 1000
}

/**
 * CPU and wall time of `run` (which frees what it makes) over `reps` runs after `warmups`: the run with the
 * median CPU time, or the least (`fastest`), which is the steadier figure on a busy machine.
 */
async function time(run: () => void | Promise<void>, reps: number, warmups: number, fastest = false): Promise<{ cpuMs: number; wallMs: number }> {
  for (let i = 0; i < warmups; i++) await run()
  const samples: { cpuMs: number; wallMs: number }[] = []
  for (let i = 0; i < reps; i++) {
    const cpu = process.cpuUsage()
    const wall = performance.now()
    await run()
    samples.push({ cpuMs: cpuMs(cpu), wallMs: performance.now() - wall })
  }
  samples.sort((a, b) => a.cpuMs - b.cpuMs)
  return samples[fastest ? 0 : Math.floor(samples.length / 2)]
}

/** Runs a backend's own kernel that the project replaced, freeing its output. */
function runBuiltin(kernel: tf.KernelConfig | undefined, inputs: tf.NamedTensorMap, attrs: object): void {
  if (!kernel) throw new Error('the built-in kernel was not recorded')
  const backend = tf.backend()
  const out = kernel.kernelFunc({ inputs, attrs: attrs as tf.NamedAttrMap, backend }) as tf.TensorInfo
  backend.disposeData(out.dataId)
}

async function measureConv(shape: Shape, batch: number, passes: Pass[], reps: number, warmups: number) {
  const { size, inChannels, outChannels, kernel, stride } = shape
  const x = tf.randomNormal([batch, size, size, inChannels]) as tf.Tensor4D
  const w = tf.randomNormal([kernel, kernel, inChannels, outChannels]) as tf.Tensor4D
  const y = tf.conv2d(x, w, stride, 'same')
  const dy = tf.randomNormal(y.shape)
  const [, outHeight, outWidth] = y.shape
  const gflop = (2 * batch * outHeight * outWidth * kernel * kernel * inChannels * outChannels) / 1e9
  const settings = { strides: stride, pad: 'same', dataFormat: 'NHWC' }
  const viaEngine = (name: string, inputs: tf.NamedTensorMap, attrs: object) => () => {
    tf.dispose(tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor)
  }
  const runners: Record<Pass, () => void> = {
    forward: viaEngine('Conv2D', { x, filter: w }, { ...settings, dilations: 1 }),
    inputGrad: viaEngine('Conv2DBackpropInput', { dy, filter: w }, { ...settings, inputShape: x.shape }),
    filterGrad: viaEngine('Conv2DBackpropFilter', { x, dy }, { ...settings, filterShape: w.shape }),
    builtinInputGrad: () => runBuiltin(builtinWasmKernel('Conv2DBackpropInput'), { dy, filter: w }, { ...settings, inputShape: x.shape }),
    builtinFilterGrad: () => runBuiltin(builtinCpuKernel('Conv2DBackpropFilter'), { x, dy }, { ...settings, filterShape: w.shape })
  }
  const result: Partial<Record<Pass, Timing>> = {}
  for (const pass of passes) {
    const t = await time(runners[pass], pass.startsWith('builtin') ? Math.min(reps, 3) : reps, warmups)
    result[pass] = { cpuMs: round(t.cpuMs, 1), wallMs: round(t.wallMs, 1), gflops: round(gflop / (t.cpuMs / 1000), 2) }
  }
  tf.dispose([x, w, y, dy])
  return { batch, gflop: round(gflop, 3), ...result }
}

async function measureStep(name: string, config: PyraNetConfig, batch: number, reps: number) {
  await tf.setBackend('wasm')
  const net = createPyraNet(config, { seed: 1 })
  const optimizer = new RMSprop(net.params)
  const input = tf.randomUniform([batch, config.inputRes, config.inputRes, 3], -0.5, 0.5, 'float32', 1) as tf.Tensor4D
  const target = tf.randomUniform([batch, config.inputRes / 4, config.inputRes / 4, config.nJoints], 0, 1, 'float32', 2) as tf.Tensor4D
  const step = async () => {
    const { loss, grads } = net.gradients(() => net.lossFn(net.apply(input, { training: true }), target))
    optimizer.applyGradients(grads)
    await loss.data()
    tf.dispose([loss, ...grads.values()])
  }
  const forward = (training: boolean) => async () => {
    const outputs = tf.tidy(() => net.apply(input, { training }))
    await outputs[outputs.length - 1].data()
    tf.dispose(outputs)
  }
  const stepTime = await time(step, reps, 1, true)
  const trainForward = await time(forward(true), reps, 1, true)
  const evalForward = await time(forward(false), reps, 1, true)
  tf.dispose([input, target])
  optimizer.dispose()
  net.dispose()
  const perImage = (t: { cpuMs: number }) => round((batch * 1000) / t.cpuMs, 2)
  return {
    config: name,
    batch,
    forwardGflopPerImage: round(flopsPerImage(config) / 1e9, 3),
    stepCpuMs: round(stepTime.cpuMs, 0),
    trainingForwardCpuMs: round(trainForward.cpuMs, 0),
    evalForwardCpuMs: round(evalForward.cpuMs, 0),
    stepOverTrainingForward: round(stepTime.cpuMs / trainForward.cpuMs, 2),
    stepOverEvalForward: round(stepTime.cpuMs / evalForward.cpuMs, 2),
    trainImagesPerCpuSecond: perImage(stepTime),
    evalImagesPerCpuSecond: perImage(evalForward)
  }
}

const loadBefore = loadavg()[0]
await tf.setBackend('wasm') // before registering: the built-in kernels' setup runs at backend initialisation
registerWasmTrainingKernels()
registerCpuKernelFixes()

const convRows: Record<string, unknown>[] = []
for (const shape of SHAPES) {
  await tf.setBackend('wasm')
  const wasm = await measureConv(shape, wasmBatch, ['forward', 'builtinInputGrad', 'inputGrad', 'filterGrad'], quick ? 3 : 5, 1)
  await tf.setBackend('cpu')
  // the built-in cpu filter gradient runs at ~0.01 GFLOP/s: timed on the small shape only
  const cpuPasses: Pass[] = shape.inChannels < 64 && shape.size < 100 ? ['forward', 'inputGrad', 'filterGrad', 'builtinFilterGrad'] : ['forward', 'inputGrad', 'filterGrad']
  const cpu = quick && shape.size >= 256 ? null : await measureConv(shape, cpuBatch, cpuPasses, 1, 0)
  convRows.push({ shape: shape.name, wasm, cpu })
  const g = (t?: Timing) => (t ? String(t.gflops) : '-')
  console.log(shape.name)
  console.log(`  wasm b${wasmBatch}: Conv2D ${g(wasm.forward)} | built-in dx ${g(wasm.builtinInputGrad)} | project dx ${g(wasm.inputGrad)} | project dw ${g(wasm.filterGrad)} GFLOP/s`)
  if (cpu) console.log(`  cpu  b${cpuBatch}: Conv2D ${g(cpu.forward)} | dx ${g(cpu.inputGrad)} | project dw ${g(cpu.filterGrad)} | built-in dw ${g(cpu.builtinFilterGrad)} GFLOP/s`)
}

const stepRows = [await measureStep('demo', presets.demo, 2, quick ? 2 : 7)]
if (!quick) stepRows.push(await measureStep('paper', presets.paper, 1, 2))
for (const row of stepRows) {
  console.log(`PyraNet ${row.config} b${row.batch} on wasm: step ${row.stepCpuMs} ms, training-mode forward ${row.trainingForwardCpuMs} ms ` +
    `(x${row.stepOverTrainingForward}), eval forward ${row.evalForwardCpuMs} ms (x${row.stepOverEvalForward}) CPU time`)
}

const out = writeResults(quick ? 'engine.local.json' : 'engine.json', {
  bench: 'engine',
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, gpu: 'none', loadAverage: { before: round(loadBefore, 1), after: round(loadavg()[0], 1) } },
  note: 'GFLOP/s = 2*B*OH*OW*KH*KW*Cin*Cout / CPU time of this process (median run); training step and forwards: fastest run; wasm: SIMD, 1 thread; cpu: tfjs-backend-cpu',
  convolutions: convRows,
  trainingStep: stepRows
})
console.log(`wrote ${out}`)
