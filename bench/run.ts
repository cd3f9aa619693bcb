// `npm run bench [-- name …]`: runs every bench/<name>.bench.ts (or the named ones) one after another in
// its own process, so one bench's memory and JIT state never colour another's figures. Each bench prints
// its table and writes bench/results/<name>.json; this runner adds the machine they ran on.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { writeResults } from './results-file'

const benchDir = import.meta.dirname
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'))
const passThrough = process.argv.slice(2).filter((arg) => arg.startsWith('-'))
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length))
  .sort()
const unknown = wanted.filter((name) => !available.includes(name))
if (unknown.length) {
  console.error(`error: no bench named ${unknown.join(', ')} (there are: ${available.join(', ')})`)
  process.exit(2)
}

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.versions.node,
  platform: `${process.platform}-${process.arch}`,
  at: new Date().toISOString()
}
writeResults('machine.json', machine)
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}\n`)

let failed = 0
for (const name of wanted.length ? wanted : available) {
  console.log(`━━ ${name} ━━`)
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, `${name}.bench.ts`), ...passThrough], { stdio: 'inherit' })
  if (run.status !== 0) {
    failed++
    console.error(`bench ${name} failed (exit ${run.status})`)
  }
  console.log()
}
process.exit(failed ? 1 : 0)
