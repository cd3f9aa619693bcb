// One build for three bundles: main (the Electron entry, the web host, the trainer process), preload
// (a single sandboxed CommonJS file) and renderer (the Vue app both hosts serve).
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import type { RollupOptions } from 'rollup'

const root = import.meta.dirname

// zod ships comments Rollup cannot place; they are harmless and would bury real warnings
const onwarn: RollupOptions['onwarn'] = (warning, warn) => {
  if (warning.code !== 'INVALID_ANNOTATION') warn(warning)
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // dependencies stay external (native addons, tfjs backends that find their .wasm next to them)
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(root, 'main/hosts/electron/main.ts'),
          serve: resolve(root, 'main/serve.ts'),
          trainer: resolve(root, 'main/train/trainer-process.ts')
        }
      }
    }
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // a sandboxed preload can require only 'electron' and a few built-ins: bundle everything else
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        onwarn,
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [vue()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') }, onwarn }
    }
  }
})
