// Entry of `npm run serve`: the web host. Prints the URL (with this launch's access token) to open.
import { parseArgs } from 'node:util'
import { bootWorkbench } from './hosts/boot'
import { rendererDir } from './hosts/paths'
import { startWebHost } from './hosts/web/server'
import { defaultDataDir } from './workspace/data-dir'

const USAGE = `usage: npm run serve -- [--port N] [--host ADDRESS] [--data DIR]

  --port N        port to listen on (default 5199; 0 picks a free one)
  --host ADDRESS  interface to bind (default 127.0.0.1; anything else exposes the workbench to your network)
  --data DIR      data folder (default: $WORKBENCH_DATA or the per-user folder the desktop app uses)`

async function main(): Promise<void> {
  let args
  try {
    args = parseArgs({
      options: {
        port: { type: 'string', default: '5199' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n${USAGE}`)
    process.exit(2)
  }
  if (args.help) {
    console.log(USAGE)
    return
  }
  const port = Number(args.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`error: --port must be a port number, got ${JSON.stringify(args.port)}`)
    process.exit(2)
  }
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(args.host!)
  if (!loopback) {
    console.warn(`warning: binding ${args.host} makes the workbench reachable from other machines; anyone with the URL's token can use it`)
  }
  const dataDir = args.data ?? defaultDataDir()
  const { workbench, media } = await bootWorkbench('web', dataDir)
  let host
  try {
    host = await startWebHost({ workbench, media, rendererDir, host: args.host, port })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'EADDRINUSE' ? `port ${port} is in use (another workbench?); pass --port N, or --port 0 for a free one` : (error as Error).message
    console.error(`error: ${why}`)
    await workbench.dispose()
    process.exit(1)
  }
  console.log(`PyraNet Workbench (web host) — data in ${dataDir}`)
  console.log(`open ${host.url}`)
  workbench.ensureProject().catch((error: Error) => console.error(`error: ${error.message}`))

  let closing = false
  const shutdown = async () => {
    if (closing) return
    closing = true
    await host.close()
    await workbench.dispose()
    process.exit(0)
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

await main()
