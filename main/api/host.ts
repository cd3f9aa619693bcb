import type { Requests } from '../../contract'
import { unavailable } from '../errors'
import type { HandlersFor } from './context'

export const hostHandlers: HandlersFor<Pick<Requests, 'chooseFile' | 'saveFile'>> = {
  chooseFile: (params, ctx) => {
    if (!ctx.dialogs) throw unavailable(`native dialogs exist only in the desktop app (this is the ${ctx.host} host)`)
    return ctx.dialogs.chooseFile(params)
  },
  saveFile: (params, ctx) => {
    if (!ctx.dialogs) throw unavailable(`native dialogs exist only in the desktop app (this is the ${ctx.host} host)`)
    return ctx.dialogs.saveFile(params)
  }
}
