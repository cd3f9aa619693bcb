// WGSL programs for tfjs-backend-webgpu, written against its program interface (webgpu_program.ts): tfjs
// declares the bindings (`result` for the output, one `array<f32>` per variable name), the uniforms struct
// (`<name>Shape`, `outShape`, `size`, then the program's own `uniforms`) and helpers such as
// setOutputAtIndex; getUserCode supplies `main`. Flat dispatch: one invocation per output element.
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { Im2ColAttrs, RmspropAttrs } from '../custom-kernels'

/** The fields of tfjs-backend-webgpu's WebGPUProgram that a flat elementwise program sets. */
export interface FlatProgram {
  outputShape: number[]
  shaderKey: string
  dispatchLayout: { x: number[] }
  dispatch: [number, number, number]
  variableNames: string[]
  workgroupSize: [number, number, number]
  size: boolean
  uniforms?: string
  getUserCode(): string
}

export type UniformData = Array<{ type: 'int32' | 'float32' | 'uint32'; data: number[] }>

/** What the project needs of tfjs-backend-webgpu's WebGPUBackend. */
export interface WebgpuBackendLike {
  runWebGPUProgram(program: FlatProgram, inputs: TensorInfo[], outputDtype: 'float32', uniforms?: UniformData): TensorInfo
  disposeData(dataId: object): boolean
}

const WORKGROUP = 256

/** One invocation per output element, `body` run for `index` < size; `uniforms` are the program's own. */
export function flatProgram(outputShape: number[], shaderKey: string, variableNames: string[], uniforms: string, body: string): FlatProgram {
  const size = outputShape.reduce((a, d) => a * d, 1)
  return {
    outputShape,
    shaderKey,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(size / WORKGROUP), 1, 1],
    variableNames,
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    uniforms,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }
    `
  }
}

/** x [N, H, W, C] -> [N·OH·OW, KH·KW·C] (custom-kernels.ts IM2COL). */
export function runIm2col(backend: WebgpuBackendLike, x: TensorInfo, a: Im2ColAttrs): TensorInfo {
  const [n, , , c] = x.shape
  const rows = n * a.outHeight * a.outWidth
  const program = flatProgram(
    [rows, a.filterHeight * a.filterWidth * c],
    'pyra_im2col',
    ['X'],
    'kernel : vec2<i32>, stride : vec2<i32>, pad : vec2<i32>, outSize : vec2<i32>,',
    `
          let channels = uniforms.xShape[3];
          let rowLength = uniforms.kernel.x * uniforms.kernel.y * channels;
          let p = index / rowLength;
          let column = index - p * rowLength;
          let tap = column / channels;
          let ch = column - tap * channels;
          let kh = tap / uniforms.kernel.y;
          let kw = tap - kh * uniforms.kernel.y;
          let pixels = uniforms.outSize.x * uniforms.outSize.y;
          let b = p / pixels;
          let inImage = p - b * pixels;
          let oy = inImage / uniforms.outSize.y;
          let ox = inImage - oy * uniforms.outSize.y;
          let iy = oy * uniforms.stride.x + kh - uniforms.pad.x;
          let ix = ox * uniforms.stride.y + kw - uniforms.pad.y;
          var value = 0.0;
          if (iy >= 0 && iy < uniforms.xShape[1] && ix >= 0 && ix < uniforms.xShape[2]) {
            value = X[((b * uniforms.xShape[1] + iy) * uniforms.xShape[2] + ix) * channels + ch];
          }
          setOutputAtIndex(index, value);`
  )
  return backend.runWebGPUProgram(program, [x], 'float32', [
    { type: 'int32', data: [a.filterHeight, a.filterWidth] },
    { type: 'int32', data: [a.strideHeight, a.strideWidth] },
    { type: 'int32', data: [a.padTop, a.padLeft] },
    { type: 'int32', data: [a.outHeight, a.outWidth] }
  ])
}

const RMSPROP_UNIFORMS = 'lr : f32, alpha : f32, rest : f32, eps : f32, decay : f32,'

function rmspropUniforms(a: RmspropAttrs): UniformData {
  return [a.lr, a.alpha, 1 - a.alpha, a.eps, a.weightDecay].map((value) => ({ type: 'float32' as const, data: [value] }))
}

/** [param', squareAvg'] of one RMSprop step (custom-kernels.ts RMSPROP_UPDATE): two passes, v' then p'. */
export function runRmspropUpdate(backend: WebgpuBackendLike, param: TensorInfo, grad: TensorInfo, squareAvg: TensorInfo, a: RmspropAttrs): [TensorInfo, TensorInfo] {
  const uniforms = rmspropUniforms(a)
  const average = flatProgram(
    squareAvg.shape,
    'pyra_rmsprop_avg',
    ['P', 'G', 'V'],
    RMSPROP_UNIFORMS,
    `
          let g = G[index] + P[index] * uniforms.decay;
          setOutputAtIndex(index, V[index] * uniforms.alpha + (g * g) * uniforms.rest);`
  )
  const nextAverage = backend.runWebGPUProgram(average, [param, grad, squareAvg], 'float32', uniforms)
  const step = flatProgram(
    param.shape,
    'pyra_rmsprop_param',
    ['P', 'G', 'V'],
    RMSPROP_UNIFORMS,
    `
          let g = G[index] + P[index] * uniforms.decay;
          setOutputAtIndex(index, P[index] - (g / (sqrt(V[index]) + uniforms.eps)) * uniforms.lr);`
  )
  const nextParam = backend.runWebGPUProgram(step, [param, grad, nextAverage], 'float32', uniforms)
  return [nextParam, nextAverage]
}

/** w [KH, KW, Cin, Cout] -> [KH, KW, Cout, Cin] flipped in space (custom-kernels.ts FLIP_FILTER). */
export function runFlipFilter(backend: WebgpuBackendLike, filter: TensorInfo): TensorInfo {
  const [kh, kw, ci, co] = filter.shape
  const program = flatProgram([kh, kw, co, ci], 'pyra_flip_filter', ['W'], 'kernel : vec4<i32>,', `
          let k = uniforms.kernel;
          let i = index % k.z;
          var rest = index / k.z;
          let o = rest % k.w;
          rest = rest / k.w;
          let b = rest % k.y;
          let a = rest / k.y;
          setOutputAtIndex(index, W[(((k.x - 1 - a) * k.y + (k.y - 1 - b)) * k.z + i) * k.w + o]);`)
  return backend.runWebGPUProgram(program, [filter], 'float32', [{ type: 'int32', data: [kh, kw, ci, co] }])
}

/** x [S, M] -> [M], the sum of the rows (custom-kernels.ts SUM_ROWS): one thread per column, reads coalesced. */
export function runSumRows(backend: WebgpuBackendLike, x: TensorInfo): TensorInfo {
  const [rows, width] = x.shape
  const program = flatProgram([width], 'pyra_sum_rows', ['X'], 'rows : i32,', `
          var sum = 0.0;
          for (var r = 0; r < uniforms.rows; r = r + 1) {
            sum = sum + X[r * uniforms.size + index];
          }
          setOutputAtIndex(index, sum);`)
  return backend.runWebGPUProgram(program, [x], 'float32', [{ type: 'int32', data: [rows] }])
}
