"""PyraNet training and forward throughput in PyTorch, fp32, on one CUDA GPU: the yardstick for
out-gpu/gpu-train.mjs (TensorFlow.js on WebGPU). Given the WebGPU run's JSON it builds the same architecture
from that run's config and reports the ratio.

    python3 out-gpu/torch_bench.py --webgpu-json out-gpu/results/webgpu.json --batch 8 --steps 10 [--json FILE]

"fp32" means TF32 off for both cuDNN convolutions and matmuls (PyTorch enables TF32 for cuDNN by default);
the TF32 figures are reported beside it. The optimizer is RMSprop with the authors' settings.
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pyranet import PyraNet, PyraNetConfig, mse_loss  # noqa: E402  (reference/pyranet.py, copied beside this file)


def measure(model, x, target, steps, warmup, sync):
    optimizer = torch.optim.RMSprop(model.parameters(), lr=2.5e-4, alpha=0.99, eps=1e-8)

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        loss = mse_loss(model(x), target)
        loss.backward()
        optimizer.step()
        return loss

    model.train()
    for _ in range(warmup):
        train_step()
    sync()
    t0 = time.perf_counter()
    for _ in range(steps):
        loss = train_step()
    sync()
    train_s = time.perf_counter() - t0

    model.eval()
    with torch.no_grad():
        for _ in range(warmup):
            model(x)
        sync()
        t0 = time.perf_counter()
        for _ in range(steps):
            model(x)
        sync()
    forward_s = time.perf_counter() - t0
    n = x.shape[0] * steps
    return {
        'train': {'imagesPerSecond': n / train_s, 'msPerStep': 1000 * train_s / steps, 'lastLoss': float(loss)},
        'forward': {'imagesPerSecond': n / forward_s, 'msPerBatch': 1000 * forward_s / steps},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--webgpu-json', help="gpu-train.mjs's report: its config is used and the ratio reported")
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--steps', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--no-tf32', action='store_true', help='skip the TF32 measurement')
    parser.add_argument('--json', help='write the report here too')
    args = parser.parse_args()

    webgpu = None
    cfg = PyraNetConfig()  # the paper config: 2 stacks, 256 features, 256 px, PRM-B
    if args.webgpu_json:
        with open(args.webgpu_json) as f:
            webgpu = json.load(f)
        cfg = PyraNetConfig.from_json(webgpu['config'])

    device = torch.device(args.device)
    cuda = device.type == 'cuda'
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    torch.manual_seed(1)
    torch.backends.cudnn.benchmark = True
    model = PyraNet(cfg).to(device)
    x = torch.rand(args.batch, 3, cfg.input_res, cfg.input_res, device=device) - 0.5
    target = torch.rand(args.batch, cfg.n_joints, cfg.input_res // 4, cfg.input_res // 4, device=device)

    report = {
        'bench': 'torch-train',
        'device': torch.cuda.get_device_name(device) if cuda else 'cpu',
        'torch': torch.__version__,
        'cuda': torch.version.cuda,
        'cudnn': torch.backends.cudnn.version() if cuda else None,
        'config': cfg.to_json(),
        'parameters': sum(p.numel() for p in model.parameters()),
        'batch': args.batch,
        'steps': args.steps,
    }
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    report['fp32'] = measure(model, x, target, args.steps, args.warmup, sync)
    if cuda and not args.no_tf32:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        report['tf32'] = measure(model, x, target, args.steps, args.warmup, sync)
    if cuda:
        report['maxMemoryGiB'] = torch.cuda.max_memory_allocated(device) / 2 ** 30

    if webgpu:
        w_train = webgpu['train']['imagesPerSecond']
        w_fwd = webgpu['forward']['imagesPerSecond']
        report['tfjs'] = {'engine': webgpu['engine'], 'batch': webgpu['batch'], 'train': webgpu['train'], 'forward': webgpu['forward'],
                            'firstStepSeconds': webgpu.get('firstStepSeconds')}
        report['ratio'] = {
            'torchFp32OverTfjs': {'train': report['fp32']['train']['imagesPerSecond'] / w_train,
                                    'forward': report['fp32']['forward']['imagesPerSecond'] / w_fwd},
            'tfjsOverTorchFp32': {'train': w_train / report['fp32']['train']['imagesPerSecond'],
                                    'forward': w_fwd / report['fp32']['forward']['imagesPerSecond']},
        }
        if webgpu['batch'] != args.batch:
            report['warning'] = f"batch differs: tfjs {webgpu['batch']}, torch {args.batch}"
    text = json.dumps(report, indent=2)
    if args.json:
        with open(args.json, 'w') as f:
            f.write(text + '\n')
    print(text)


if __name__ == '__main__':
    main()
