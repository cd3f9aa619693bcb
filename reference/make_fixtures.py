"""Writes the small fixtures the TypeScript tests compare against (reference/fixtures/, committed).

    /usr/bin/python3 reference/make_fixtures.py

Every tensor is stored in PyTorch layout (NCHW activations, OIHW conv kernels) under PyTorch names.
Per network case (a folder named after it):
  config.json, model.safetensors  a checkpoint in the workbench's format (main/model/checkpoint.ts)
  expected.safetensors
    input            U8 [N, 3, H, W]    the network sees input / 255 (float32)
    joints           F32 [N, J, 2]      target positions in heatmap pixels (x, y); NaN = unannotated
    samples.<site>   F32 [N, D, 2]      fractional-pooling samples (u_w, u_h) per pooling site, training forward
    train.out.<s>    F32 [N, J, h, w]   training-mode output (batch statistics) of the last stack
    train.loss       F32 []             sum over stacks of mean((out - target)^2)
    train.grads      F32 [P]            (prm-b only) d loss / d param, training mode, every parameter flattened
                                        (PyTorch layout), concatenated in the order of metadata "parameters" ([name, shape])
    after.buffers    F32 [B]            BN running_mean / running_var after that forward (metadata "buffers")
    eval.out.<s>     F32 [N, J, h, w]   eval-mode output of the last stack (the checkpoint's running statistics,
                                        every u = 0.5), computed before the training step
    eval.loss, eval.grads               loss and gradients in eval mode (same target)
  metadata "torch32_train_grads_l2", "torch32_train_out_l2": torch float32's own distance from these values
           (relative L2 over all elements)
Expected values are computed in float64 (stored as float32). In training mode a deep network is
ill-conditioned in float32 (batch statistics of 2x2 maps, near-ties in max-pooling and ReLU masks flip on
1e-6 differences), so element-wise comparison is only meaningful in eval mode (affine BN, ~1e-7) and for
single modules; torch's own float32 distance is stored for the aggregate training-mode comparison.
Plus modules.safetensors (single modules in training mode), fractional-max-pool.safetensors (the op alone,
ties included) and rmsprop.safetensors (torch.optim.RMSprop).
"""
import copy
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

import safetensors_io as st
from pyranet import PRM, PyraNet, PyraNetConfig, Residual, Level, mse_loss

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'fixtures')
SIGMA = 1.75  # image.gaussian(7): 0.25 * 7 (datasets/posetransforms.lua drawGaussian, gsize 1)
RADIUS = 3

CASES = {
    # The paper's module (PRM-B), two stacks with re-injection, PRMs in the stem and at 32 and 16 px in the hourglass.
    'prm-b': dict(config=PyraNetConfig(variant='B', n_stack=2, n_feats=12, n_modules=1, input_res=128,
                                       cardinality=4, base_width=4, n_joints=8, stem_width=4), batch=2, seed=1),
    # Other cardinality, two modules per location.
    'prm-a': dict(config=PyraNetConfig(variant='A', n_stack=1, n_feats=8, n_modules=2, input_res=64,
                                       cardinality=3, base_width=3, n_joints=8, stem_width=4), batch=2, seed=2),
    'prm-c': dict(config=PyraNetConfig(variant='C', n_stack=1, n_feats=8, n_modules=1, input_res=64,
                                       cardinality=4, base_width=3, n_joints=8, stem_width=4), batch=2, seed=3),
    'residual': dict(config=PyraNetConfig(variant='residual', n_stack=2, n_feats=8, n_modules=1, input_res=64,
                                          cardinality=4, base_width=9, n_joints=8, stem_width=4), batch=2, seed=4),
}


def draw_targets(joints, res):
    """7x7 Gaussian (sigma 1.75, peak 1) at the truncated position, max-merged, clipped at the map border."""
    n, j = joints.shape[:2]
    maps = np.zeros((n, j, res, res), np.float32)
    offsets = np.arange(-RADIUS, RADIUS + 1)
    g = np.exp(-(offsets[:, None] ** 2 + offsets[None, :] ** 2) / (2 * SIGMA ** 2)).astype(np.float32)
    for a in range(n):
        for b in range(j):
            x, y = joints[a, b]
            if math.isnan(x) or math.isnan(y):
                continue
            px, py = int(x), int(y)  # truncation toward zero, as Lua's :int()
            for dy in offsets:
                for dx in offsets:
                    X, Y = px + dx, py + dy
                    if 0 <= X < res and 0 <= Y < res:
                        maps[a, b, Y, X] = max(maps[a, b, Y, X], g[dy + RADIUS, dx + RADIUS])
    return maps


def random_joints(gen, n, j, res):
    joints = gen.uniform(0, res, size=(n, j, 2)).astype(np.float32)
    joints[0, 0] = [0.6, 1.3]             # within 3 px of the top-left corner: clipped Gaussian
    joints[0, 1] = [res - 0.2, res / 2]   # at the right border
    joints[-1, 2] = [-0.7, 5.5]           # just outside: truncates to column 0, as the official code
    joints[-1, 3] = [np.nan, np.nan]      # unannotated: empty map
    return joints


def write_checkpoint(folder, model, cfg):
    config = {'format': 'pyranet-workbench/1', 'config': cfg.to_json()}
    with open(os.path.join(folder, 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)
        f.write('\n')
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    st.save(os.path.join(folder, 'model.safetensors'), state,
            {'format': 'pt', 'pyranet.config': json.dumps(cfg.to_json(), separators=(',', ':'))})


def run_network(model, x, target, samples, training):
    """One forward and backward; returns outputs, loss, parameter gradients."""
    model.train(training)
    for site, level in model.pool_levels():
        level.samples = samples[site].to(x.dtype)
    model.zero_grad()
    outs = model(x)
    loss = mse_loss(outs, target)
    loss.backward()
    grads = {k: p.grad.detach().clone() for k, p in model.named_parameters()}
    return [o.detach() for o in outs], loss.detach(), grads


def network_case(name, config, batch, seed):
    """Expected values come from a float64 copy of the network (the truth both float32 implementations are
    judged against); the float32 torch run only contributes its own distance from that truth."""
    torch.manual_seed(seed)
    gen = np.random.default_rng(seed)
    model = PyraNet(config)
    with torch.no_grad():
        # Make every stored number matter (non-zero BN biases and running statistics), and keep BN scales away
        # from 0: a near-zero scale leaves a near-constant channel that the next training-mode BN divides by its
        # tiny spread, which turns float32 rounding into 1e-4-size differences in any implementation.
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    write_checkpoint(folder, model, config)
    model64 = copy.deepcopy(model).double()

    res, out_res = config.input_res, config.input_res // 4
    image = gen.integers(0, 256, size=(batch, 3, res, res), dtype=np.uint8)
    x = torch.from_numpy(image.astype(np.float32)) / 255
    joints = random_joints(gen, batch, config.n_joints, out_res)
    target = torch.from_numpy(draw_targets(joints, out_res))
    samples = {site: torch.rand(batch, level.conv.in_channels, 2) for site, level in model.pool_levels()}
    fixed = {site: torch.full_like(s, 0.5) for site, s in samples.items()}
    expected = {'input': image, 'joints': joints}
    expected.update({f'samples.{site}': s.numpy() for site, s in samples.items()})
    f32 = lambda t: t.numpy().astype(np.float32)
    last = config.n_stack - 1  # earlier stacks' outputs are covered by the loss and its gradients

    names = [k for k, _ in model.named_parameters()]
    buffers = [k for k, _ in model.named_buffers() if not k.endswith('num_batches_tracked')]
    flat = lambda tensors: np.concatenate([f32(t).ravel() for t in tensors])
    l2 = lambda pairs: math.sqrt(sum(float(((a.double() - b) ** 2).sum()) for a, b in pairs) / sum(float((b ** 2).sum()) for _, b in pairs))

    # Eval mode first, with the checkpoint's running statistics: BN is affine and pooling deterministic
    # (u = 0.5), so float32 is well-conditioned here.
    outs, loss, grads = run_network(model64, x.double(), target.double(), fixed, training=False)
    expected[f'eval.out.{last}'] = f32(outs[last])
    expected['eval.loss'] = f32(loss).reshape(())
    expected['eval.grads'] = flat(grads[k] for k in names)

    # Then one training-mode step: batch statistics, the recorded samples, running statistics updated.
    outs, loss, grads = run_network(model64, x.double(), target.double(), samples, training=True)
    outs32, _, grads32 = run_network(model, x, target, samples, training=True)
    torch32_l2 = {'grads': l2([(grads32[k], grads[k]) for k in names]), 'out': l2([(outs32[last], outs[last])])}
    expected[f'train.out.{last}'] = f32(outs[last])
    expected['train.loss'] = f32(loss).reshape(())
    if name == 'prm-b':  # the training-mode network gradients, compared in aggregate, for the paper's module only
        expected['train.grads'] = flat(grads[k] for k in names)
    state64 = dict(model64.named_buffers())
    expected['after.buffers'] = flat(state64[k] for k in buffers)
    shapes = dict(model.state_dict().items())
    metadata = {
        'case': name, 'torch': torch.__version__,
        'parameters': json.dumps([[k, list(shapes[k].shape)] for k in names]),
        'buffers': json.dumps([[k, list(shapes[k].shape)] for k in buffers]),
        # How far torch's own float32 run lands from these float64 values (relative L2 over all elements).
        'torch32_train_grads_l2': json.dumps(torch32_l2['grads']),
        'torch32_train_out_l2': json.dumps(torch32_l2['out']),
    }
    st.save(os.path.join(folder, 'expected.safetensors'), expected, metadata)
    print(f'{name}: loss {loss.item():.6f}, {sum(p.numel() for p in model.parameters())} params')


MODULE_CASES = {
    # name: (constructor, input channels, input side)
    'prm-b': (lambda: PRM(8, 16, 'B', cardinality=4, base_width=4), 8, 12),
    'prm-a': (lambda: PRM(12, 12, 'A', cardinality=3, base_width=3, use_conv=True), 12, 12),
    'prm-c': (lambda: PRM(8, 8, 'C', cardinality=4, base_width=2, preact=False), 8, 12),
    'residual': (lambda: Residual(8, 16), 8, 12),
}


def module_cases():
    """Single modules in training mode (batch statistics), where float32 is well-conditioned: strict parity
    for BN's batch-statistics gradient, which the network fixtures check only in aggregate. Loss: 0.5 * mean(out^2).
    Per case: <case>.<param> (weights), samples.<case>.<level path>, <case>.input [N, C, H, W], <case>.out,
    <case>.after.<buffer>, <case>.grad.<param>, <case>.grad_input; expected values in float64."""
    torch.manual_seed(7)
    out = {}
    for name, (make, channels, side) in MODULE_CASES.items():
        module = make()
        with torch.no_grad():
            for m in module.modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.1, 0.1)
                    m.running_mean.normal_(0, 0.1)
                    m.running_var.uniform_(0.5, 1.5)
        for k, v in module.state_dict().items():
            if not k.endswith('num_batches_tracked'):
                out[f'{name}.{k}'] = v.numpy().copy()
        x = torch.randn(2, channels, side, side)
        out[f'{name}.input'] = x.numpy()
        module = module.double().train()
        for site, level in module.named_modules():
            if isinstance(level, Level):
                level.samples = torch.rand(2, level.conv.in_channels, 2)
                out[f'samples.{name}.{site}'] = level.samples.numpy()
                level.samples = level.samples.double()
        xd = x.double().requires_grad_(True)
        y = module(xd)
        (0.5 * (y ** 2).mean()).backward()
        out[f'{name}.out'] = y.detach().numpy().astype(np.float32)
        out[f'{name}.grad_input'] = xd.grad.numpy().astype(np.float32)
        for k, p in module.named_parameters():
            out[f'{name}.grad.{k}'] = p.grad.numpy().astype(np.float32)
        for k, b in module.named_buffers():
            if not k.endswith('num_batches_tracked'):
                out[f'{name}.after.{k}'] = b.numpy().astype(np.float32)
    st.save(os.path.join(OUT, 'modules.safetensors'), out)


def fractional_pool_case():
    """The op alone: random input, and a ReLU'd one whose windows tie at 0 (torch routes the gradient to the
    first maximum in row-major order)."""
    torch.manual_seed(5)
    out = {}
    for name, x, size in [('random', torch.randn(2, 3, 11, 9), (8, 6)),
                          ('ties', F.relu(torch.randn(2, 4, 16, 16)), (11, 11))]:
        x.requires_grad_(True)
        samples = torch.rand(x.shape[0], x.shape[1], 2)
        y = F.fractional_max_pool2d(x, 2, output_size=size, _random_samples=samples)
        weight = torch.randn(y.shape)
        (y * weight).sum().backward()
        out.update({f'{name}.x': x.detach().numpy(), f'{name}.samples': samples.numpy(),
                    f'{name}.y': y.detach().numpy(), f'{name}.weight': weight.numpy(),
                    f'{name}.grad': x.grad.numpy()})
    st.save(os.path.join(OUT, 'fractional-max-pool.safetensors'), out)


def rmsprop_case():
    """torch.optim.RMSprop over three steps, with the official hyper-parameters and with momentum + decay."""
    out = {}
    settings = {'plain': dict(lr=1e-2, alpha=0.99, eps=1e-8),
                'momentum': dict(lr=1e-2, alpha=0.9, eps=1e-6, momentum=0.9, weight_decay=1e-3)}
    torch.manual_seed(6)
    for name, hyper in settings.items():
        params = {'a': torch.randn(3, 4), 'b': torch.randn(5)}
        for k, v in params.items():
            out[f'{name}.init.{k}'] = v.numpy().copy()
            v.requires_grad_(True)
        opt = torch.optim.RMSprop(list(params.values()), **hyper)
        for step in range(3):
            for k, v in params.items():
                v.grad = torch.randn(v.shape) * (10 ** (step - 1))
                out[f'{name}.grad.{step}.{k}'] = v.grad.numpy().copy()
            opt.step()
            for k, v in params.items():
                out[f'{name}.param.{step}.{k}'] = v.detach().numpy().copy()
                out[f'{name}.square_avg.{step}.{k}'] = opt.state[v]['square_avg'].numpy().copy()
    st.save(os.path.join(OUT, 'rmsprop.safetensors'), out,
            {name: json.dumps(hyper) for name, hyper in settings.items()})


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    for case_name, case in CASES.items():
        network_case(case_name, **case)
    module_cases()
    fractional_pool_case()
    rmsprop_case()
