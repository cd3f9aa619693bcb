// Checkpoints: a folder that PyTorch can read as well as we can.
//   config.json            {"format": "pyranet-workbench/1", "config": PyraNetConfig, "meta": {...}}
//   model.safetensors      the state_dict: PyTorch names, conv kernels OIHW, BN running stats and
//                          num_batches_tracked (I64); __metadata__ carries the config JSON too
//   optimizer.safetensors  optional: RMSprop state (`<param>.square_avg`, `<param>.momentum_buffer`, in the
//                          parameter's PyTorch layout); __metadata__ holds the options and the step
// reference/pyranet.py loads model.safetensors with load_state_dict(strict=True). Loading asserts every name
// and shape, as nanoGPT's from_pretrained does, and names the file and tensor at fault. Files are written
// to a temporary name and renamed, so a crash mid-save leaves the previous checkpoint whole.
import * as tf from '@tensorflow/tfjs-core'
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { badInput, notFound } from '../errors'
import { validateConfig, type PyraNetConfig } from './config'
import { PyraNet, type CreateOptions } from './pyranet'
import { RMSprop, type RmspropOptions } from './rmsprop'
import { decodeSafetensors, encodeSafetensors, toFloat32, type StoredTensor } from './safetensors'

export const CHECKPOINT_FORMAT = 'pyranet-workbench/1'
export const CHECKPOINT_FILES = { config: 'config.json', model: 'model.safetensors', optimizer: 'optimizer.safetensors' } as const

export interface CheckpointInfo {
  format: string
  config: PyraNetConfig
  /** Whatever the trainer wants kept with the weights (epoch, run id, validation score …). */
  meta?: Record<string, unknown>
}

const NUM_BATCHES_TRACKED = 'num_batches_tracked'

/** HWIO [kh, kw, in, out] -> OIHW [out, in, kh, kw]: the only layout difference (4-D tensors are conv kernels). */
export function toTorchLayout(shape: number[], data: Float32Array): { shape: number[]; data: Float32Array } {
  if (shape.length !== 4) return { shape, data }
  const [kh, kw, cin, cout] = shape
  const out = new Float32Array(data.length)
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = data[((y * kw + x) * cin + i) * cout + o]
  return { shape: [cout, cin, kh, kw], data: out }
}

/** OIHW -> HWIO. */
export function fromTorchLayout(shape: number[], data: Float32Array): { shape: number[]; data: Float32Array } {
  if (shape.length !== 4) return { shape, data }
  const [cout, cin, kh, kw] = shape
  const out = new Float32Array(data.length)
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < cin; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) out[((y * kw + x) * cin + i) * cout + o] = data[((o * cin + i) * kh + y) * kw + x]
  return { shape: [kh, kw, cin, cout], data: out }
}

async function storedFromVariables(variables: ReadonlyMap<string, tf.Variable>): Promise<Map<string, StoredTensor>> {
  const out = new Map<string, StoredTensor>()
  for (const [name, v] of variables) {
    const { shape, data } = toTorchLayout(v.shape, (await v.data()) as Float32Array)
    out.set(name, { dtype: 'F32', shape, data })
  }
  return out
}

/** The network's state_dict as safetensors-ready tensors (PyTorch names and layouts). */
export async function modelStateDict(net: PyraNet): Promise<Map<string, StoredTensor>> {
  const state = await storedFromVariables(new Map([...net.params, ...net.buffers]))
  for (const name of net.buffers.keys()) {
    if (!name.endsWith('.running_mean')) continue
    const prefix = name.slice(0, -'running_mean'.length)
    state.set(prefix + NUM_BATCHES_TRACKED, { dtype: 'I64', shape: [], data: BigInt64Array.of(BigInt(net.trainingForwards)) })
  }
  return state
}

export async function encodeModel(net: PyraNet): Promise<Uint8Array> {
  return encodeSafetensors(await modelStateDict(net), { format: 'pt', 'pyranet.config': JSON.stringify(net.config) })
}

/**
 * Assigns tensors (PyTorch names and layouts) to named variables; every name and shape must match exactly,
 * tensors for which `ignore` is true excepted. Nothing is assigned unless everything checks.
 */
export function assignNamed(variables: ReadonlyMap<string, tf.Variable>, tensors: ReadonlyMap<string, StoredTensor>, source: string, ignore: (name: string) => boolean) {
  const unexpected = [...tensors.keys()].filter((name) => !variables.has(name) && !ignore(name))
  if (unexpected.length) {
    throw badInput(`${source}: ${unexpected.length} tensor(s) this network does not have, e.g. "${unexpected[0]}"`, unexpected[0])
  }
  const converted: Array<[tf.Variable, number[], Float32Array]> = []
  for (const [name, variable] of variables) {
    const stored = tensors.get(name)
    if (!stored) throw badInput(`${source}: tensor "${name}" is missing`, name)
    const data = (() => {
      try {
        return toFloat32(stored, name)
      } catch (error) {
        throw badInput(`${source}: ${(error as Error).message}`, name)
      }
    })()
    const ours = fromTorchLayout(stored.shape, data)
    if (ours.shape.join() !== variable.shape.join()) {
      const expected = toTorchLayout(variable.shape, new Float32Array(variable.size)).shape
      throw badInput(`${source}: tensor "${name}" is [${stored.shape.join(', ')}], expected [${expected.join(', ')}]`, name)
    }
    converted.push([variable, ours.shape, ours.data])
  }
  // Only now, with everything checked, touch the variables: a bad file leaves the network as it was.
  tf.tidy(() => {
    for (const [variable, shape, data] of converted) variable.assign(tf.tensor(data, shape, 'float32'))
  })
}

/** Loads a state_dict (decoded model.safetensors) into `net`. */
export function loadModelState(net: PyraNet, tensors: ReadonlyMap<string, StoredTensor>, source = 'model state'): void {
  assignNamed(new Map([...net.params, ...net.buffers]), tensors, source, (name) => name.endsWith(`.${NUM_BATCHES_TRACKED}`))
  const tracked = [...tensors].find(([name]) => name.endsWith(`.${NUM_BATCHES_TRACKED}`))
  if (tracked) net.trainingForwards = Number((tracked[1].data as BigInt64Array)[0] ?? 0)
}

export interface SaveOptions {
  optimizer?: RMSprop
  meta?: Record<string, unknown>
}

async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.tmp`
  await writeFile(temporary, data)
  await rename(temporary, path)
}

export async function saveCheckpoint(dir: string, net: PyraNet, { optimizer, meta }: SaveOptions = {}): Promise<void> {
  await mkdir(dir, { recursive: true })
  const info: CheckpointInfo = { format: CHECKPOINT_FORMAT, config: net.config, ...(meta ? { meta } : {}) }
  const model = await encodeModel(net)
  const optimizerBytes = optimizer
    ? encodeSafetensors(await storedFromVariables(optimizer.state()), {
        optimizer: 'rmsprop',
        options: JSON.stringify(optimizer.options),
        step: String(optimizer.step)
      })
    : null
  await writeAtomically(join(dir, CHECKPOINT_FILES.model), model)
  if (optimizerBytes) await writeAtomically(join(dir, CHECKPOINT_FILES.optimizer), optimizerBytes)
  // config.json last: a folder with a config.json is a complete checkpoint.
  await writeAtomically(join(dir, CHECKPOINT_FILES.config), JSON.stringify(info, null, 2) + '\n')
}

export async function readCheckpointInfo(dir: string): Promise<CheckpointInfo> {
  const path = join(dir, CHECKPOINT_FILES.config)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw notFound(`no checkpoint at ${dir} (${CHECKPOINT_FILES.config} is missing)`, 'path')
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw badInput(`${path}: not valid JSON (${(error as Error).message})`, 'path')
  }
  const info = parsed as Partial<CheckpointInfo>
  if (info.format !== CHECKPOINT_FORMAT) throw badInput(`${path}: format is ${JSON.stringify(info.format)}, expected "${CHECKPOINT_FORMAT}"`, 'format')
  if (!info.config || typeof info.config !== 'object') throw badInput(`${path}: no "config" object`, 'config')
  try {
    return { format: info.format, config: validateConfig(info.config), ...(info.meta ? { meta: info.meta } : {}) }
  } catch (error) {
    throw badInput(`${path}: ${(error as Error).message}`, 'config')
  }
}

export interface LoadedCheckpoint {
  net: PyraNet
  info: CheckpointInfo
  /** Present when the folder holds optimizer state. */
  optimizer?: RMSprop
}

export async function loadCheckpoint(dir: string, options: CreateOptions = {}): Promise<LoadedCheckpoint> {
  const info = await readCheckpointInfo(dir)
  const modelPath = join(dir, CHECKPOINT_FILES.model)
  const model = decodeSafetensors(await readFile(modelPath), modelPath)
  const net = new PyraNet(info.config, options)
  try {
    loadModelState(net, model.tensors, modelPath)
    const optimizerPath = join(dir, CHECKPOINT_FILES.optimizer)
    const hasOptimizer = await stat(optimizerPath).then(() => true, () => false)
    const optimizer = hasOptimizer ? loadOptimizer(net, decodeSafetensors(await readFile(optimizerPath), optimizerPath), optimizerPath) : undefined
    return { net, info, ...(optimizer ? { optimizer } : {}) }
  } catch (error) {
    net.dispose()
    throw error
  }
}

function loadOptimizer(net: PyraNet, file: ReturnType<typeof decodeSafetensors>, source: string): RMSprop {
  if (file.metadata.optimizer !== 'rmsprop') throw badInput(`${source}: optimizer is ${JSON.stringify(file.metadata.optimizer)}, expected "rmsprop"`)
  let options: RmspropOptions
  try {
    options = JSON.parse(file.metadata.options ?? '') as RmspropOptions
  } catch {
    throw badInput(`${source}: the "options" metadata is not JSON`)
  }
  const optimizer = new RMSprop(net.params, options)
  try {
    assignNamed(optimizer.state(), file.tensors, source, () => false)
  } catch (error) {
    optimizer.dispose()
    throw error
  }
  optimizer.step = Number(file.metadata.step ?? 0)
  return optimizer
}
