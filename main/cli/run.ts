// The CLI host: `npm run cli -- [--data DIR] <command> [options]`. It builds a Workbench in-process and
// runs one command over the api layer, so scripts and headless machines get exactly what the UI gets.
import type { Params, RequestName } from '../../contract'
import { Workbench } from '../workbench'
import { defaultDataDir } from '../workspace/data-dir'
import { WORKBENCH_VERSION } from '../version'
import { CliError, type CliCommand, type CliContext } from './command'
import { commands } from './commands/index'

export interface CliIO {
  out(line: string): void
  err(line: string): void
  interactive: boolean
}

const processIO: CliIO = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  interactive: Boolean(process.stdout.isTTY)
}

export function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return [
    'PyraNet Workbench command line',
    '',
    'usage: npm run cli -- [--data DIR] <command> [options]',
    '       npm run cli -- <command> --help',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'global options:',
    '  --data DIR   data folder (default: $WORKBENCH_DATA or the per-user folder the desktop app uses)',
    '  --help       this text',
    '  --version    the workbench version'
  ].join('\n')
}

export async function runCli(argv: string[], io: CliIO = processIO): Promise<number> {
  let dataDir: string | undefined
  const rest = [...argv]
  while (rest.length && rest[0].startsWith('-')) {
    const flag = rest.shift()!
    if (flag === '--help' || flag === '-h') {
      io.out(helpText())
      return 0
    }
    if (flag === '--version') {
      io.out(WORKBENCH_VERSION)
      return 0
    }
    if (flag === '--data') {
      dataDir = rest.shift()
      if (!dataDir) return fail(io, '--data needs a folder', 2)
      continue
    }
    if (flag.startsWith('--data=')) {
      dataDir = flag.slice('--data='.length)
      continue
    }
    return fail(io, `unknown option ${flag}\n\n${helpText()}`, 2)
  }
  const name = rest.shift()
  if (!name || name === 'help') {
    io.out(helpText())
    return name ? 0 : 2
  }
  const command = commands.find((c) => c.name === name)
  if (!command) return fail(io, `unknown command '${name}' (npm run cli -- --help lists them)`, 2)
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: npm run cli -- ${command.usage}\n\n${command.summary}`)
    return 0
  }

  let workbench: Workbench | undefined
  try {
    workbench = new Workbench({ host: 'cli', dataDir: dataDir ?? defaultDataDir() })
    if (command.needsProject !== false) await workbench.openLastProject()
    const code = await command.run(contextFor(workbench, io), rest)
    return code ?? 0
  } catch (error) {
    if (error instanceof CliError) return fail(io, error.message, error.exitCode)
    const message = error instanceof Error ? error.message : String(error)
    return fail(io, message, 1)
  } finally {
    await workbench?.dispose()
  }
}

function contextFor(workbench: Workbench, io: CliIO): CliContext {
  return {
    workbench,
    interactive: io.interactive,
    out: io.out,
    err: io.err,
    async call<N extends RequestName>(method: N, params: Params<N>) {
      const reply = await workbench.call(method, params)
      if (!reply.ok) throw new CliError(reply.error.message, 1, reply.error)
      return reply.result
    }
  }
}

function fail(io: CliIO, message: string, code: number): number {
  io.err(`error: ${message}`)
  return code
}

export type { CliCommand }
