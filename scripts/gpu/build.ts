// Builds out-gpu/ (git-ignored): the GPU throughput bench and the kernel profile (profile.ts) as plain JS plus
// the bench's PyTorch counterpart, to run on
// a bare NVIDIA server prepared by ../shared/gpu/prepare.sh (see ../shared/gpu/README.md):
//   npx tsx scripts/gpu/build.ts        then, on the server from the project root:   bash out-gpu/run.sh
// @tensorflow/* and webgpu stay external (the server gets them from .gpu/deps.tgz); everything of ours,
// tfjs-core's gradient bundle included, is inlined. Chunks keep the engine's lazily loaded rungs (wasm)
// out of the entry, so a machine without tfjs-backend-wasm never loads them.
import { build } from 'esbuild'
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..', '..')
const out = join(root, 'out-gpu')

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
await build({
  entryPoints: { 'gpu-train': join(here, 'entry.ts'), 'gpu-profile': join(here, 'profile.ts') },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  external: ['@tensorflow/*', 'webgpu'],
  logLevel: 'warning'
})

const pytorchModel = join(root, 'reference', 'pyranet.py')
if (!existsSync(pytorchModel)) throw new Error(`${pytorchModel} is missing: the PyTorch side of the comparison needs it`)
copyFileSync(pytorchModel, join(out, 'pyranet.py'))
copyFileSync(join(here, 'torch_bench.py'), join(out, 'torch_bench.py'))
copyFileSync(join(here, 'run.sh'), join(out, 'run.sh'))
chmodSync(join(out, 'run.sh'), 0o755)
console.log(`built ${out}: gpu-train.mjs, gpu-profile.mjs, torch_bench.py, pyranet.py, run.sh`)
