// Training and forward throughput of a PyraNet on the engine initEngine picks (webgpu on the GPU server),
// printed as one JSON object. Bundled by scripts/gpu/build.ts into out-gpu/gpu-train.mjs, which needs only
// @tensorflow/tfjs-core, -backend-cpu, -backend-webgpu and webgpu (what ../shared/gpu/prepare.sh packs).
//   node out-gpu/gpu-train.mjs [--config paper|demo|tiny] [--batch N] [--steps N] [--warmup N]
//                              [--engine auto|webgpu|wasm|cpu|tensorflow] [--dawn-flag F]... [--json FILE] [--smoke]
// --smoke: the tiny config, batch 2, 2 steps, engine auto; proves the bundle runs on any machine.
import * as tf from '@tensorflow/tfjs-core'
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { initEngine, type EnginePreference } from '../../main/engine/engine'
import { createPyraNet, flopsPerImage, presets, RMSprop, validateConfig, type PyraNetConfig } from '../../main/model'

const CONFIGS: Record<string, PyraNetConfig> = {
  paper: presets.paper,
  demo: presets.demo,
  tiny: validateConfig({ nStack: 1, nFeats: 32, inputRes: 64, stemWidth: 8 })
}

interface Args {
  config: string
  batch: number
  steps: number
  warmup: number
  engine: EnginePreference
  dawnFlags: string[]
  json: string | null
}

function parseArgs(argv: string[]): Args {
  const smoke = argv.includes('--smoke')
  const args: Args = smoke
    ? { config: 'tiny', batch: 2, steps: 2, warmup: 1, engine: 'auto', dawnFlags: [], json: null }
    : { config: 'paper', batch: 8, steps: 10, warmup: 3, engine: 'webgpu', dawnFlags: [], json: null }
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1]
    switch (argv[i]) {
      case '--config': args.config = value; i++; break
      case '--batch': args.batch = Number(value); i++; break
      case '--steps': args.steps = Number(value); i++; break
      case '--warmup': args.warmup = Number(value); i++; break
      case '--engine': args.engine = value as EnginePreference; i++; break
      case '--dawn-flag': args.dawnFlags.push(value); i++; break
      case '--json': args.json = value; i++; break
      case '--smoke': break
      default: throw new Error(`unknown argument ${argv[i]}`)
    }
  }
  if (!CONFIGS[args.config]) throw new Error(`--config must be one of ${Object.keys(CONFIGS).join(', ')}`)
  for (const key of ['batch', 'steps', 'warmup'] as const) {
    if (!Number.isInteger(args[key]) || args[key] < (key === 'warmup' ? 0 : 1)) throw new Error(`--${key} must be a positive integer`)
  }
  return args
}

/** Seconds for `count` repetitions of `step`, which resolves once its work has finished on the device. */
async function timed(count: number, step: () => Promise<void>): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < count; i++) await step()
  return (performance.now() - started) / 1000
}

const args = parseArgs(process.argv.slice(2))
const engine = await initEngine(args.engine, { webgpu: { dawnFlags: args.dawnFlags } })
const config = CONFIGS[args.config]
const { batch } = args
const { inputRes, nJoints } = config
const net = createPyraNet(config, { seed: 1 })
const optimizer = new RMSprop(net.params) // the authors' settings: lr 2.5e-4, alpha 0.99, eps 1e-8
const input = tf.randomUniform([batch, inputRes, inputRes, 3], -0.5, 0.5, 'float32', 1) as tf.Tensor4D
const target = tf.randomUniform([batch, inputRes / 4, inputRes / 4, nJoints], 0, 1, 'float32', 2) as tf.Tensor4D
const lastParam = [...net.params.values()].at(-1)!
const losses: number[] = []

async function trainStep(): Promise<void> {
  const { loss, grads } = net.gradients(() => net.lossFn(net.apply(input, { training: true }), target))
  optimizer.applyGradients(grads)
  tf.dispose([...grads.values()])
  losses.push((await loss.data())[0])
  loss.dispose()
  await lastParam.data() // the device queue runs in order: this returns once the update has run
}

async function forwardStep(): Promise<void> {
  const outputs = tf.tidy(() => net.apply(input))
  await outputs[outputs.length - 1].data()
  tf.dispose(outputs)
}

const compileStarted = performance.now()
await trainStep() // the first step compiles every shader / kernel
const firstStepSeconds = (performance.now() - compileStarted) / 1000
await timed(Math.max(0, args.warmup - 1), trainStep)
const trainSeconds = await timed(args.steps, trainStep)
await forwardStep()
await timed(args.warmup, forwardStep)
const forwardSeconds = await timed(args.steps, forwardStep)

const flops = flopsPerImage(config)
const trainImagesPerSecond = (batch * args.steps) / trainSeconds
const forwardImagesPerSecond = (batch * args.steps) / forwardSeconds
const report = {
  bench: 'gpu-train',
  engine,
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
  config: { name: args.config, ...config },
  parameters: net.parameterCount,
  forwardGflopPerImage: flops / 1e9,
  batch,
  steps: args.steps,
  firstStepSeconds,
  train: {
    imagesPerSecond: trainImagesPerSecond,
    msPerStep: (trainSeconds / args.steps) * 1000,
    // forward + backward counted as 3 forwards, the usual estimate
    effectiveTflops: (3 * flops * trainImagesPerSecond) / 1e12
  },
  forward: { imagesPerSecond: forwardImagesPerSecond, msPerBatch: (forwardSeconds / args.steps) * 1000, effectiveTflops: (flops * forwardImagesPerSecond) / 1e12 },
  losses,
  memory: { tensors: tf.memory().numTensors, bytes: tf.memory().numBytes }
}
const text = JSON.stringify(report, null, 2)
if (args.json) writeFileSync(args.json, text + '\n')
console.log(text)
tf.dispose([input, target])
optimizer.dispose()
net.dispose()
// a live Dawn instance keeps Node running; everything is reported, so leave
process.exit(0)
