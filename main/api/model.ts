// The `model` area: describing a network configuration. Pure computation from main/model, no project needed.
import type { Requests } from '../../contract'
import { presets, validateConfig } from '../model/config'
import { describeModel } from '../model/flops'
import type { HandlersFor } from './context'

export const modelHandlers: HandlersFor<Pick<Requests, 'describeModel'>> = {
  describeModel: ({ preset = 'paper', ...overrides }) => {
    const config = validateConfig(overrides, presets[preset])
    return { config, ...describeModel(config) }
  }
}
