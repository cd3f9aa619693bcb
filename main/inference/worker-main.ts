// The inference worker: one long-lived process per open project that runs every network prediction the
// workbench makes outside training — a split's evaluation and the editor's per-image predictions. It exists
// so that seconds of tfjs work never hold up main's event loop, which answers every UI request. It starts
// the engine named in its first message, keeps recently used networks loaded (NetworkCache), and serves
// requests as they come: an evaluation yields between batches, so the editor's predictions and cancel
// messages get in while it runs. It never opens the project's database; main sends the people and stores
// the results.
import { initEngine, type EngineInfo } from '../engine/engine'
import { WorkbenchError } from '../errors'
import { finalStack, predictPeople } from '../eval/inference'
import { NetworkCache } from '../predictions/networks'
import { predictPeopleWithHeatmaps } from '../predictions/person-predictions'
import { parentChannel, type ParentChannel } from '../train/parent-channel'
import type { EvaluateRequest, InferenceCommand, InferenceEvent, PredictRequest } from './protocol'

type Channel = ParentChannel<InferenceCommand, InferenceEvent>

/** People per forward pass unless the request says: the CPU engines gain little from batching, and a 256 px
 * PyraNet of batch 4 with the flip test already overflows the wasm heap; GPU engines want more. */
function defaultBatchSize(engine: EngineInfo): number {
  return engine.backend === 'cpu' || engine.backend === 'wasm' ? 1 : 8
}

async function evaluate(request: EvaluateRequest & { id: number }, engine: EngineInfo, networks: NetworkCache, signal: AbortSignal, channel: Channel): Promise<InferenceEvent> {
  return networks.use(request.checkpoint, async ({ net, info, mean }) => {
    const set = await predictPeople(finalStack(net), request.people, {
      inputRes: net.config.inputRes,
      mean,
      flip: request.flip,
      batchSize: request.batchSize ?? defaultBatchSize(engine),
      rounding: request.rounding,
      signal,
      onProgress: ({ stage, done, total }) => channel.send({ type: 'progress', id: request.id, stage, done, total })
    })
    return { type: 'evaluated', id: request.id, checkpoint: info, coords: Array.from(set.coords), confidence: Array.from(set.confidence!) }
  })
}

async function predict(request: PredictRequest & { id: number }, networks: NetworkCache): Promise<InferenceEvent> {
  return networks.use(request.checkpoint, async ({ net, mean }) => {
    const inputRes = net.config.inputRes
    const predictions = await predictPeopleWithHeatmaps(finalStack(net), request.people, { inputRes, mean, flip: request.flip, images: networks.images })
    return {
      type: 'predicted',
      id: request.id,
      inputRes,
      people: predictions.map((p) => ({ ...p, heatmaps: request.heatmaps ? Buffer.from(p.heatmaps).toString('base64') : null }))
    }
  })
}

function failure(id: number | null, error: unknown): InferenceEvent {
  const err = error instanceof Error ? error : new Error(String(error))
  return {
    type: 'failed',
    id,
    message: err.message,
    stack: err.stack,
    ...(err instanceof WorkbenchError ? { code: err.code, ...(err.field ? { field: err.field } : {}) } : {})
  }
}

export function runInferenceWorker(): void {
  const channel = parentChannel<InferenceCommand, InferenceEvent>()
  const networks = new NetworkCache()
  const running = new Map<number, AbortController>()
  let engine: Promise<EngineInfo> | null = null
  const fatal = (error: unknown) => {
    // also on stderr: main may see the exit before the message, and then reports the output's tail
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    channel.send(failure(null, error))
    void channel.flush().then(() => process.exit(1))
  }
  process.on('uncaughtException', fatal)
  process.on('unhandledRejection', fatal)
  // main going away (its IPC channel closes) leaves nobody to answer
  process.on('disconnect', () => process.exit(2))

  channel.onCommand((command) => {
    switch (command.type) {
      case 'init':
        engine ??= initEngine(command.backend).then((info) => {
          channel.send({ type: 'engine', backend: info.backend, device: info.device, fallbacks: info.fallbacks.map((f) => `${f.backend}: ${f.reason}`) })
          return info
        })
        // a failed start fails each request that needs the engine, with its reason
        engine.catch(() => undefined)
        return
      case 'cancel':
        running.get(command.id)?.abort()
        return
      case 'evaluate':
      case 'predict': {
        const controller = new AbortController()
        running.set(command.id, controller)
        const ready = engine ?? Promise.reject(new Error('the inference worker got a request before its init message'))
        ready
          .then((info) => (command.type === 'evaluate' ? evaluate(command, info, networks, controller.signal, channel) : predict(command, networks)))
          .then(
            (reply) => channel.send(reply),
            (error: unknown) => channel.send(failure(command.id, error))
          )
          .finally(() => running.delete(command.id))
        return
      }
    }
  })
}
