// Every CLI command, in the order `--help` lists them. Each area adds its commands here.
import type { CliCommand } from '../command'
import { compareCommand } from './compare'
import { demoCommand } from './demo'
import { exportCsvCommand } from './export-csv'
import { pckhCommand } from './pckh'
import { statusCommand } from './status'

export const commands: CliCommand[] = [statusCommand, pckhCommand, compareCommand, exportCsvCommand, demoCommand]
