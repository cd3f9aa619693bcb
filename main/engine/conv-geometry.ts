// The arithmetic shared by the project's convolution gradient kernels. Forward (NHWC, dilation 1, as tfjs'
// gradients require):
//   y[b, oy, ox, o] = sum_{kh, kw, i} x[b, oy*sh + kh - top, ox*sw + kw - left, i] * w[kh, kw, i, o]
// Input gradient: with sh-1 zero rows inserted between the rows of dy (sw-1 zero columns between its
// columns), a stride-1 convolution with the filter flipped in space and its in/out channels swapped,
// padded so the output has the input's size:
//   dx = conv(dilate(dy), flip(w)ᵀ, pad top = KH-1-top, bottom = H - Dh + top)     (Dh = (OH-1)*sh + 1)
// Pads that come out negative (explicit pads wider than the kernel) are crops. (The wasm kernel uses this
// for stride 1 and a GEMM + col2im for strides, which skips the inserted zeros.)
// Filter gradient: dw[kh, kw, i, o] = sum over (b, oy, ox) of x[.., oy*sh + kh - top, ..] * dy[b, oy, ox, o].
import { backend_util } from '@tensorflow/tfjs-core'

export type ConvPad = 'valid' | 'same' | number | backend_util.ExplicitPadding

export interface ConvSettings {
  strides: [number, number] | number
  pad: ConvPad
  dataFormat: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
}

export interface ConvGeometry {
  batch: number
  inHeight: number
  inWidth: number
  inChannels: number
  outHeight: number
  outWidth: number
  outChannels: number
  filterHeight: number
  filterWidth: number
  strideHeight: number
  strideWidth: number
  padTop: number
  padBottom: number
  padLeft: number
  padRight: number
}

type Shape4 = [number, number, number, number]

export function convGeometry(inShape: Shape4, filterShape: Shape4, settings: ConvSettings, kernelName: string, backendName: string): ConvGeometry {
  if (settings.dataFormat !== 'NHWC') {
    throw new Error(`${kernelName} on ${backendName} supports dataFormat 'NHWC' only, got '${settings.dataFormat}'`)
  }
  if (inShape[3] !== filterShape[2]) {
    throw new Error(`${kernelName}: input has ${inShape[3]} channels but the filter expects ${filterShape[2]}`)
  }
  const info = backend_util.computeConv2DInfo(
    inShape, filterShape, settings.strides, 1, settings.pad, settings.dimRoundingMode, false, 'channelsLast'
  )
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padBottom: info.padInfo.bottom,
    padLeft: info.padInfo.left,
    padRight: info.padInfo.right
  }
}

/** Pads (negative = crop) of the stride-1 convolution over the zero-dilated dy that yields dx. */
export interface InputGradientPlan {
  dilatedHeight: number
  dilatedWidth: number
  top: number
  bottom: number
  left: number
  right: number
}

export function inputGradientPlan(g: ConvGeometry): InputGradientPlan {
  const dilatedHeight = (g.outHeight - 1) * g.strideHeight + 1
  const dilatedWidth = (g.outWidth - 1) * g.strideWidth + 1
  return {
    dilatedHeight,
    dilatedWidth,
    top: g.filterHeight - 1 - g.padTop,
    bottom: g.inHeight - dilatedHeight + g.padTop,
    left: g.filterWidth - 1 - g.padLeft,
    right: g.inWidth - dilatedWidth + g.padLeft
  }
}

export function assertShape(kernelName: string, what: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    throw new Error(`${kernelName}: ${what} has shape [${actual.join(', ')}], expected [${expected.join(', ')}]`)
  }
}
