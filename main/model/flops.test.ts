// Size and cost of the paper's configurations, and the analytic counts against the variables the network
// actually creates.
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { presets, type PyraNetConfig } from './config'
import { describeModel, flopsPerImage } from './flops'
import { createPyraNet } from './pyranet'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('paper configurations', () => {
  it('2 stacks, PRM-B, C=4, baseWidth 9: 7.29 M parameters, 7.32 GMAC (the PyTorch reference counts the same)', () => {
    const d = describeModel(presets.paper)
    console.log(`paper (2 stacks): ${d.params.toLocaleString('en')} params, ${(d.macs / 1e9).toFixed(3)} GMAC per 256x256 image`)
    expect(d.params).toBe(7_286_464)
    expect(d.macs / 1e9).toBeCloseTo(7.321, 3)
    expect(d.prmCount).toBe(17)
    expect(d.residualCount).toBe(12)
  })

  it('8 stacks: 28.13 M parameters (the published 28.1 M), 22.83 GMAC', () => {
    const d = describeModel(presets.paper8)
    console.log(`paper8 (8 stacks): ${d.params.toLocaleString('en')} params, ${(d.macs / 1e9).toFixed(3)} GMAC, ${(flopsPerImage(presets.paper8) / 1e9).toFixed(1)} GFLOPs per image`)
    expect(d.params).toBe(28_131_832)
    expect(d.macs / 1e9).toBeCloseTo(22.829, 3)
  })

  it('one PRM(256, 256) is 254,396 parameters, a Residual(256, 256) 214,528', () => {
    const rows = describeModel(presets.paper).rows
    expect(rows.find((r) => r.name === 'hg.0.up1.0')).toMatchObject({ type: 'PRM-B', params: 254_396, res: 64 })
    expect(rows.find((r) => r.name === 'hg.0.low2.low2.low2.up1.0')).toMatchObject({ type: 'Residual', params: 214_528, res: 8 })
  })

  it('the network allocates exactly that many parameters', () => {
    const net = createPyraNet(presets.paper)
    try {
      expect(net.parameterCount).toBe(7_286_464)
    } finally {
      net.dispose()
    }
  })
})

describe('describeModel agrees with createPyraNet', () => {
  const small: PyraNetConfig = { ...presets.paper, nStack: 2, nFeats: 16, inputRes: 128, stemWidth: 8, baseWidth: 4, nJoints: 8 }
  it.each(['A', 'B', 'C', 'residual'] as const)('variant %s, also with 2 modules per location', (variant) => {
    for (const nModules of [1, 2]) {
      const config = { ...small, variant, nModules }
      const net = createPyraNet(config)
      try {
        const d = describeModel(config)
        expect(d.params).toBe(net.parameterCount)
        // every row names a module whose parameters exist under that prefix (the stem conv row includes its BN)
        for (const row of d.rows) {
          const prefixes = row.name === 'stem.conv' ? ['stem.conv.', 'stem.bn.'] : [row.name + '.']
          const names = [...net.params.keys()].filter((n) => prefixes.some((p) => n.startsWith(p)))
          expect(names.reduce((sum, n) => sum + net.params.get(n)!.size, 0)).toBe(row.params)
        }
      } finally {
        net.dispose()
      }
    }
  })
})
