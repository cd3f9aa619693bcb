#!/usr/bin/env bash
# The WebGPU-vs-PyTorch comparison in one command, on the GPU server from the copied project root (the tree
# with .gpu/ from ../shared/gpu/prepare.sh and out-gpu/ from scripts/gpu/build.ts):
#   bash out-gpu/run.sh [batch=8] [steps=10]
# Writes webgpu.json, webgpu.log, torch.log, comparison.json and gpu.txt to $OUT if set, else out-gpu/results/,
# and prints comparison.json (PyTorch's fp32 and TF32 figures, the WebGPU figures, and their ratio).
# DAWN_FLAGS="enable-dawn-features=allow_unsafe_apis" passes extra Dawn flags to the WebGPU run.
batch=${1:-8}
steps=${2:-10}
source .gpu/setup-gpu-host.sh
results=${OUT:-out-gpu/results}
mkdir -p "$results"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader > "$results/gpu.txt" 2>&1
flags=()
for flag in ${DAWN_FLAGS:-}; do flags+=(--dawn-flag "$flag"); done
if ! node out-gpu/gpu-train.mjs --config paper --batch "$batch" --steps "$steps" --engine webgpu "${flags[@]}" \
    --json "$results/webgpu.json" > "$results/webgpu.log" 2>&1; then
  echo "WebGPU run failed:"; tail -40 "$results/webgpu.log"; exit 1
fi
py=$(command -v python3 || command -v python)
if ! "$py" out-gpu/torch_bench.py --webgpu-json "$results/webgpu.json" --batch "$batch" --steps "$steps" \
    --json "$results/comparison.json" > "$results/torch.log" 2>&1; then
  echo "PyTorch run failed:"; tail -40 "$results/torch.log"; cat "$results/webgpu.json"; exit 1
fi
cat "$results/gpu.txt" "$results/comparison.json"
