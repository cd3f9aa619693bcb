// Demo data generation: wall time, CPU time and images/s for the default first-launch size (2,000 people,
// 20% validation), rendered into a temporary folder. Run: npx tsx bench/demo.bench.ts [--people N | --quick]
// Writes bench/results/demo.json.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEMO_DEFAULTS, DEMO_FILES, generateDemoSet } from '../main/dataset/demo/generate'
import { writeResults } from './results-file'

const at = process.argv.indexOf('--people')
const people = at >= 0 ? Number(process.argv[at + 1]) : process.argv.includes('--quick') ? 300 : DEMO_DEFAULTS.people
const GOAL_SECONDS = 60

const dir = mkdtempSync(join(tmpdir(), 'wb-demo-bench-'))
// other work on the machine slows generation down; the 1-minute load average says how much there was
const loadBefore = loadavg()[0]
try {
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const stageStarts = new Map<string, number>()
  const summary = await generateDemoSet(dir, { ...DEMO_DEFAULTS, people }, {
    onProgress: ({ stage }) => {
      if (!stageStarts.has(stage)) stageStarts.set(stage, performance.now())
    }
  })
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const images = summary.images.train + summary.images.val
  const imageBytes = readdirSync(join(dir, DEMO_FILES.images)).reduce((n, name) => n + statSync(join(dir, DEMO_FILES.images, name)).size, 0)
  const renderSeconds = ((stageStarts.get('writing annotations') ?? performance.now()) - (stageStarts.get('rendering images') ?? started)) / 1000
  const result = {
    machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.versions.node}`,
    people,
    images,
    split: summary.people,
    seconds: round(seconds),
    renderSeconds: round(renderSeconds),
    annotationSeconds: round(seconds - renderSeconds),
    imagesPerSecond: round(images / seconds),
    cpuSeconds: round((cpu.user + cpu.system) / 1e6),
    cpuUtilisation: round((cpu.user + cpu.system) / 1e6 / seconds),
    megabytes: round(imageBytes / 1e6),
    goalSeconds: GOAL_SECONDS,
    meetsGoal: seconds < GOAL_SECONDS,
    loadAverage: { before: round(loadBefore), after: round(loadavg()[0]) },
    at: new Date().toISOString()
  }
  console.table([
    { measure: 'people (train / val)', value: `${people} (${summary.people.train} / ${summary.people.val})` },
    { measure: 'images', value: images },
    { measure: 'total seconds', value: result.seconds },
    { measure: '  rendering images', value: result.renderSeconds },
    { measure: '  writing annotations', value: result.annotationSeconds },
    { measure: 'images / s', value: result.imagesPerSecond },
    { measure: 'CPU seconds (all threads)', value: result.cpuSeconds },
    { measure: 'cores busy on average', value: result.cpuUtilisation },
    { measure: 'image MB', value: result.megabytes },
    { measure: 'load average before / after', value: `${result.loadAverage.before} / ${result.loadAverage.after}` },
    { measure: `under ${GOAL_SECONDS} s`, value: result.meetsGoal ? 'yes' : 'NO' }
  ])
  writeResults('demo.json', result)
} finally {
  rmSync(dir, { recursive: true, force: true })
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
