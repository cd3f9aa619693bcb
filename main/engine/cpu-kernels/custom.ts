// The project's own kernels (custom-kernels.ts) on tfjs-backend-cpu: the plain-JS arithmetic over the
// backend's arrays.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu'
import {
  batchNormApplyInto,
  batchNormGradInto,
  batchNormRunningInPlace,
  batchNormScale,
  batchNormStats,
  flipFilterInto,
  fractionalPoolGradInto,
  fractionalPoolInto,
  im2colInto,
  splitStats,
  sumRowsInto,
  rmspropUpdateInPlace,
  type BatchNormAttrs,
  type BatchNormRunningAttrs,
  type FractionalPoolAttrs,
  type Im2ColAttrs,
  type RmspropAttrs
} from '../custom-kernels'

function values(cpu: MathBackendCPU, info: TensorInfo): Float32Array {
  if (info.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${info.dtype}`)
  return cpu.data.get(info.dataId).values as Float32Array
}

export const rmspropUpdateCpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const cpu = backend as unknown as MathBackendCPU
  const { param, grad, squareAvg } = inputs as { param: TensorInfo; grad: TensorInfo; squareAvg: TensorInfo }
  const p = values(cpu, param).slice()
  const v = values(cpu, squareAvg).slice()
  const g = values(cpu, grad)
  if (g.length !== p.length || v.length !== p.length) throw new Error('PyraRmspropUpdate: param, grad and squareAvg differ in size')
  rmspropUpdateInPlace(p, g, v, attrs as unknown as RmspropAttrs)
  return [cpu.makeTensorInfo(param.shape, 'float32', p), cpu.makeTensorInfo(squareAvg.shape, 'float32', v)]
}

export const im2colCpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const cpu = backend as unknown as MathBackendCPU
  const { x } = inputs as { x: TensorInfo }
  const a = attrs as unknown as Im2ColAttrs
  const [n, , , c] = x.shape
  const out = new Float32Array(n * a.outHeight * a.outWidth * a.filterHeight * a.filterWidth * c)
  im2colInto(out, values(cpu, x), x.shape, a)
  return cpu.makeTensorInfo([n * a.outHeight * a.outWidth, a.filterHeight * a.filterWidth * c], 'float32', out)
}

function channelsOf(x: TensorInfo): number {
  return x.shape[x.shape.length - 1]
}

/** The mean and variance given to a batch-norm kernel, as one stats tensor or two. */
function statsOf(cpu: MathBackendCPU, inputs: Record<string, TensorInfo>): { mean: Float32Array; variance: Float32Array } {
  if (inputs.stats) return splitStats(values(cpu, inputs.stats))
  return { mean: values(cpu, inputs.mean), variance: values(cpu, inputs.variance) }
}

export const batchNormStatsCpu: KernelFunc = ({ inputs, backend }) => {
  const cpu = backend as unknown as MathBackendCPU
  const { x } = inputs as { x: TensorInfo }
  const c = channelsOf(x)
  return cpu.makeTensorInfo([2, c], 'float32', batchNormStats(values(cpu, x), c))
}

export const batchNormApplyCpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const cpu = backend as unknown as MathBackendCPU
  const { x, weight, bias } = inputs as Record<string, TensorInfo>
  const a = attrs as unknown as BatchNormAttrs
  const { mean, variance } = statsOf(cpu, inputs as Record<string, TensorInfo>)
  const out = new Float32Array(values(cpu, x).length)
  batchNormApplyInto(out, values(cpu, x), mean, batchNormScale(variance, values(cpu, weight), a.eps), values(cpu, bias), a.relu)
  return cpu.makeTensorInfo(x.shape, 'float32', out)
}

export const batchNormGradCpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const cpu = backend as unknown as MathBackendCPU
  const { x, dy, weight, bias } = inputs as Record<string, TensorInfo>
  const { mean, variance } = statsOf(cpu, inputs as Record<string, TensorInfo>)
  const dx = new Float32Array(values(cpu, x).length)
  const [dweight, dbias] = batchNormGradInto(
    dx, values(cpu, x), values(cpu, dy), mean, variance, values(cpu, weight), values(cpu, bias), attrs as unknown as BatchNormAttrs
  )
  return [cpu.makeTensorInfo(x.shape, 'float32', dx), cpu.makeTensorInfo(weight.shape, 'float32', dweight), cpu.makeTensorInfo(bias.shape, 'float32', dbias)]
}

export const batchNormRunningCpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const cpu = backend as unknown as MathBackendCPU
  const { runningMean, runningVar } = inputs as Record<string, TensorInfo>
  const { mean, variance } = statsOf(cpu, inputs as Record<string, TensorInfo>)
  const m = values(cpu, runningMean).slice()
  const v = values(cpu, runningVar).slice()
  batchNormRunningInPlace(m, v, mean, variance, attrs as unknown as BatchNormRunningAttrs)
  return [cpu.makeTensorInfo(runningMean.shape, 'float32', m), cpu.makeTensorInfo(runningVar.shape, 'float32', v)]
}

function ints(cpu: MathBackendCPU, info: TensorInfo): Int32Array {
  if (info.dtype !== 'int32') throw new Error(`expected an int32 tensor, got ${info.dtype}`)
  return cpu.data.get(info.dataId).values as Int32Array
}

export const fractionalPoolCpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const cpu = backend as unknown as MathBackendCPU
  const { x, rows, cols } = inputs as Record<'x' | 'rows' | 'cols', TensorInfo>
  const a = attrs as unknown as FractionalPoolAttrs
  const shape = [x.shape[0], a.outHeight, a.outWidth, x.shape[3]]
  const out = new Float32Array(shape.reduce((s, d) => s * d, 1))
  fractionalPoolInto(out, values(cpu, x), x.shape, ints(cpu, rows), ints(cpu, cols), a)
  return cpu.makeTensorInfo(shape, 'float32', out)
}

export const fractionalPoolGradCpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const cpu = backend as unknown as MathBackendCPU
  const { x, dy, rows, cols } = inputs as Record<'x' | 'dy' | 'rows' | 'cols', TensorInfo>
  const dx = new Float32Array(values(cpu, x).length)
  fractionalPoolGradInto(dx, values(cpu, x), values(cpu, dy), x.shape, ints(cpu, rows), ints(cpu, cols), attrs as unknown as FractionalPoolAttrs)
  return cpu.makeTensorInfo(x.shape, 'float32', dx)
}

export const flipFilterCpu: KernelFunc = ({ inputs, backend }) => {
  const cpu = backend as unknown as MathBackendCPU
  const { filter } = inputs as { filter: TensorInfo }
  const [kh, kw, ci, co] = filter.shape
  const out = new Float32Array(kh * kw * ci * co)
  flipFilterInto(out, values(cpu, filter), filter.shape)
  return cpu.makeTensorInfo([kh, kw, co, ci], 'float32', out)
}

export const sumRowsCpu: KernelFunc = ({ inputs, backend }) => {
  const cpu = backend as unknown as MathBackendCPU
  const { x } = inputs as { x: TensorInfo }
  const [rows, width] = x.shape
  const out = new Float32Array(width)
  sumRowsInto(out, values(cpu, x), rows)
  return cpu.makeTensorInfo([width], 'float32', out)
}
