// The project's fractional max-pooling kernels (custom-kernels.ts FRACTIONAL_POOL*) as WGSL programs, one
// dispatch each way. The gradient gathers instead of scattering (no atomics): each input element visits the
// windows that can hold it (starts y-1 or y, found through the rowFirst/colFirst tables) and adds the dy of
// those whose first maximum it is.
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { FractionalPoolAttrs } from '../custom-kernels'
import { flatProgram, type UniformData, type WebgpuBackendLike } from './programs'

const UNIFORMS = 'inH : i32, inW : i32, channels : i32, outH : i32, outW : i32, rowStride : i32, colStride : i32,'

function uniformsOf(x: TensorInfo, a: FractionalPoolAttrs): UniformData {
  const [, h, w, c] = x.shape
  return [h, w, c, a.outHeight, a.outWidth, a.shared ? 0 : a.outHeight, a.shared ? 0 : a.outWidth].map((v) => ({ type: 'int32' as const, data: [v] }))
}

export function runFractionalPool(backend: WebgpuBackendLike, x: TensorInfo, rows: TensorInfo, cols: TensorInfo, a: FractionalPoolAttrs): TensorInfo {
  const [n, , , c] = x.shape
  const body = `
          let ch = index % uniforms.channels;
          var rest = index / uniforms.channels;
          let j = rest % uniforms.outW;
          rest = rest / uniforms.outW;
          let i = rest % uniforms.outH;
          let b = rest / uniforms.outH;
          let plane = b * uniforms.channels + ch;
          let r = ROWS[plane * uniforms.rowStride + i];
          let q = COLS[plane * uniforms.colStride + j];
          let top = ((b * uniforms.inH + r) * uniforms.inW + q) * uniforms.channels + ch;
          let below = top + uniforms.inW * uniforms.channels;
          setOutputAtIndex(index, max(max(X[top], X[top + uniforms.channels]), max(X[below], X[below + uniforms.channels])));`
  return backend.runWebGPUProgram(flatProgram([n, a.outHeight, a.outWidth, c], 'pyra_fractional_pool', ['X', 'ROWS', 'COLS'], UNIFORMS, body), [x, rows, cols], 'float32', uniformsOf(x, a))
}

export function runFractionalPoolGrad(
  backend: WebgpuBackendLike, x: TensorInfo, dy: TensorInfo, rows: TensorInfo, cols: TensorInfo, rowFirst: TensorInfo, colFirst: TensorInfo, a: FractionalPoolAttrs
): TensorInfo {
  const body = `
          let ch = index % uniforms.channels;
          var rest = index / uniforms.channels;
          let xc = rest % uniforms.inW;
          rest = rest / uniforms.inW;
          let y = rest % uniforms.inH;
          let b = rest / uniforms.inH;
          let plane = b * uniforms.channels + ch;
          let rowBase = plane * uniforms.rowStride;
          let colBase = plane * uniforms.colStride;
          let rowTable = select(0, plane, uniforms.rowStride > 0) * uniforms.inH;
          let colTable = select(0, plane, uniforms.colStride > 0) * uniforms.inW;
          let stride = uniforms.inW * uniforms.channels;
          var sum = 0.0;
          for (var i = ROWFIRST[rowTable + y]; i < uniforms.outH; i = i + 1) {
            let r = ROWS[rowBase + i];
            if (r > y) { break; }
            for (var j = COLFIRST[colTable + xc]; j < uniforms.outW; j = j + 1) {
              let q = COLS[colBase + j];
              if (q > xc) { break; }
              // the first maximum of the window in row-major order
              let top = ((b * uniforms.inH + r) * uniforms.inW + q) * uniforms.channels + ch;
              var best = top;
              var bestValue = X[top];
              var candidates = array<i32, 3>(top + uniforms.channels, top + stride, top + stride + uniforms.channels);
              for (var k = 0; k < 3; k = k + 1) {
                let v = X[candidates[k]];
                if (v > bestValue) {
                  bestValue = v;
                  best = candidates[k];
                }
              }
              if (best == index) {
                sum = sum + DY[((b * uniforms.outH + i) * uniforms.outW + j) * uniforms.channels + ch];
              }
            }
          }
          setOutputAtIndex(index, sum);`
  return backend.runWebGPUProgram(
    flatProgram(x.shape, 'pyra_fractional_pool_grad', ['X', 'DY', 'ROWS', 'COLS', 'ROWFIRST', 'COLFIRST'], UNIFORMS, body),
    [x, dy, rows, cols, rowFirst, colFirst], 'float32', uniformsOf(x, a)
  )
}
