// Every CLI command, in the order `--help` lists them. Each area adds its commands here.
import type { CliCommand } from '../command'
import { compareCommand } from './compare'
import { evalCommand } from './eval'
import { demoCommand } from './demo'
import { exportCommand } from './export'
import { exportCsvCommand } from './export-csv'
import { historyCommand } from './history'
import { modelCommand } from './model'
import { importCommand } from './import'
import { pckhCommand } from './pckh'
import { runsCommand } from './runs'
import { statsCommand } from './stats'
import { statusCommand } from './status'
import { redoCommand, undoCommand } from './undo'
import { trainCommand } from './train'

export const commands: CliCommand[] = [
  statusCommand,
  importCommand,
  statsCommand,
  exportCommand,
  historyCommand,
  undoCommand,
  redoCommand,
  pckhCommand, compareCommand, exportCsvCommand, evalCommand, demoCommand, trainCommand, runsCommand, modelCommand]
