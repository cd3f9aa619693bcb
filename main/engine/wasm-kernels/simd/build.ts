// Writes module-bytes.ts from kernels.wat. Run: npx tsx main/engine/wasm-kernels/simd/build.ts
import { writeFileSync } from 'node:fs'
import { assembleKernels, bytesSource, BYTES_PATH } from './assemble'

const bytes = await assembleKernels()
writeFileSync(BYTES_PATH, bytesSource(bytes))
console.log(`wrote ${BYTES_PATH} (${bytes.length} bytes)`)
