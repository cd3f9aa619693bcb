#!/usr/bin/env bash
# A software WebGPU adapter for machines without a GPU: Mesa's lavapipe (Vulkan on the CPU) plus a small layer
# (image-indexing-layer.c), unpacked into a private folder, nothing installed system-wide (so other processes'
# engine probes still see no Vulkan). Then, in a shell:
#   source <dir>/env.sh; npx tsx scripts/gpu/profile.ts --config tiny --batch 2 --steps 1 --only project
# checks every project webgpu kernel against the cpu backend (slow: lavapipe runs shaders on the CPU; timings
# mean nothing). Usage: scripts/gpu/software-vulkan/setup.sh [dir=.cache/software-vulkan]   (Debian 12, x86-64)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(realpath -m "${1:-.cache/software-vulkan}")
mkdir -p "$dir/debs" "$dir/root" "$dir/layer"
(cd "$dir/debs" && apt-get download mesa-vulkan-drivers libvulkan1 libllvm15 libvulkan-dev 2>&1 | grep -v unsandboxed || true)
for f in "$dir"/debs/*.deb; do dpkg -x "$f" "$dir/root"; done
lib="$dir/root/usr/lib/x86_64-linux-gnu"
sed "s#/usr/lib/x86_64-linux-gnu#$lib#" "$dir/root/usr/share/vulkan/icd.d/lvp_icd.x86_64.json" > "$dir/lvp_icd.json"
gcc -shared -fPIC -O1 -I "$dir/root/usr/include" "$here/image-indexing-layer.c" -o "$dir/layer/libimage_indexing.so"
cat > "$dir/layer/image_indexing.json" <<JSON
{"file_format_version":"1.0.0","layer":{"name":"VK_LAYER_PYRA_image_indexing","type":"GLOBAL","library_path":"$dir/layer/libimage_indexing.so",
 "api_version":"1.3.239","implementation_version":"1","description":"reports image array dynamic indexing (lavapipe lacks it)",
 "functions":{"vkGetInstanceProcAddr":"fake_GetInstanceProcAddr","vkGetDeviceProcAddr":"fake_GetDeviceProcAddr"}}}
JSON
cat > "$dir/env.sh" <<ENV
export LD_LIBRARY_PATH=$lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
export VK_ICD_FILENAMES=$dir/lvp_icd.json
export VK_DRIVER_FILES=$dir/lvp_icd.json
export VK_LAYER_PATH=$dir/layer
export VK_INSTANCE_LAYERS=VK_LAYER_PYRA_image_indexing
ENV
echo "software Vulkan ready: source $dir/env.sh"
