"""PyraNet (Yang et al., "Learning Feature Pyramids for Human Pose Estimation", ICCV 2017) in PyTorch, built
the way the authors' Lua code builds it: bearpaw/PyraNet models/hg-prm.lua, models/layers/PRM.lua and
models/layers/Residual.lua (see shared/docs/pyranet-reference.md §1.2). It is the yardstick for the TypeScript
port in main/model/: same module tree, same parameter names (so checkpoints map 1:1), and, given the same
fractional-pooling samples, the same outputs and gradients.

Run `python3 reference/pyranet.py` to print parameter counts and conv multiply-accumulates of the paper configs.
Written for torch >= 1.13 (the CPU machines have 1.13, the GPU machine a newer one).
"""
import argparse
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F

# PRMs only where the feature map is at least this wide: with a 256 px input this is exactly the authors'
# depth rule (ResidualUp = n >= 2, ResidualDown = n >= 3 in hg-prm.lua), and it keeps the pyramid's
# fractional pooling off maps too small to pool.
PRM_MIN_RES = 16


@dataclass
class PyraNetConfig:
    variant: str = 'B'        # 'A' | 'B' | 'C' (PRM variants) | 'residual' (plain stacked hourglass)
    n_stack: int = 2          # experiments/mpii/hg-prm-stack2.sh; the published 28.1 M model has 8
    n_feats: int = 256
    n_modules: int = 1        # opt.nResidual
    input_res: int = 256
    cardinality: int = 4      # C: pyramid levels, ratios 2^(-c/C), c = 1..C
    base_width: int = 9       # D = floor(numOut / baseWidth)
    n_joints: int = 16
    stem_width: int = 64      # the 7x7 conv's width; the stem PRMs run at 2x this (64 -> 128 in the Lua)

    @staticmethod
    def from_json(d):
        keys = {'variant': 'variant', 'nStack': 'n_stack', 'nFeats': 'n_feats', 'nModules': 'n_modules',
                'inputRes': 'input_res', 'cardinality': 'cardinality', 'baseWidth': 'base_width',
                'nJoints': 'n_joints', 'stemWidth': 'stem_width'}
        return PyraNetConfig(**{keys[k]: v for k, v in d.items() if k in keys})

    def to_json(self):
        d = asdict(self)
        names = {'n_stack': 'nStack', 'n_feats': 'nFeats', 'n_modules': 'nModules', 'input_res': 'inputRes',
                 'base_width': 'baseWidth', 'n_joints': 'nJoints', 'stem_width': 'stemWidth'}
        return {names.get(k, k): v for k, v in d.items()}


def conv(cin, cout, k, stride=1, pad=None):
    return nn.Conv2d(cin, cout, k, stride, k // 2 if pad is None else pad, bias=True)


def bn(c):
    return nn.BatchNorm2d(c, eps=1e-5, momentum=0.1)


def pyramid_sizes(res, cardinality):
    return [int(res * 2 ** (-c / cardinality)) for c in range(1, cardinality + 1)]


class Skip(nn.Module):
    """BN-ReLU-1x1, used when channels change or (hourglass low3) to stop variance piling up (paper §4.2)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.bn = bn(cin)
        self.conv = conv(cin, cout, 1)

    def forward(self, x):
        return self.conv(F.relu(self.bn(x)))


class Residual(nn.Module):
    """Pre-activation bottleneck (Residual.lua): [BN-ReLU] 1x1 -> BN-ReLU 3x3 -> BN-ReLU 1x1, plus skip."""

    def __init__(self, cin, cout, preact=True, use_conv=False):
        super().__init__()
        half = cout // 2
        if preact:
            self.bn1 = bn(cin)
        self.preact = preact
        self.conv1 = conv(cin, half, 1)
        self.bn2 = bn(half)
        self.conv2 = conv(half, half, 3)
        self.bn3 = bn(half)
        self.conv3 = conv(half, cout, 1)
        self.skip = Skip(cin, cout) if (cin != cout or use_conv) else None

    def forward(self, x):
        y = F.relu(self.bn1(x)) if self.preact else x
        y = self.conv2(F.relu(self.bn2(self.conv1(y))))
        y = self.conv3(F.relu(self.bn3(y)))
        return y + (self.skip(x) if self.skip is not None else x)


class Level(nn.Module):
    """One pyramid level: fractional max-pool 2x2 at ratio 2^(-c/C), 3x3 conv, bilinear (align corners) back up.
    PRM-A levels also own their BN-ReLU-1x1 input conv. `samples` ([N, D, 2], u_w then u_h as torch) fixes the
    pooling regions; None draws them at random as torch does."""

    def __init__(self, d, ratio, cin=None, preact=True):
        super().__init__()
        self.ratio = ratio
        self.own_input = cin is not None
        self.preact = preact
        if self.own_input:
            if preact:
                self.pre_bn = bn(cin)
            self.conv_in = conv(cin, d, 1)
            self.bn_in = bn(d)
        self.conv = conv(d, d, 3)
        self.samples = None

    def forward(self, x):
        if self.own_input:
            t = F.relu(self.pre_bn(x)) if self.preact else x
            x = F.relu(self.bn_in(self.conv_in(t)))
        h, w = x.shape[-2:]
        size = (int(h * self.ratio), int(w * self.ratio))
        samples = self.samples.to(x.dtype) if self.samples is not None else None
        y = F.fractional_max_pool2d(x, 2, output_size=size, _random_samples=samples)
        y = self.conv(y)
        return F.interpolate(y, size=(h, w), mode='bilinear', align_corners=True)


class Pyramid(nn.Module):
    """The multi-scale branch of a PRM. B: one shared BN-ReLU-1x1 in, levels summed (PRM.lua). C: shared input,
    levels concatenated. A: a separate input conv per level, summed. Then BN-ReLU-1x1 to numOut/2."""

    def __init__(self, cin, half, d, cardinality, variant, preact):
        super().__init__()
        self.variant = variant
        self.preact = preact
        ratios = [2 ** (-c / cardinality) for c in range(1, cardinality + 1)]
        if variant == 'A':
            self.levels = nn.ModuleList(Level(d, r, cin=cin, preact=preact) for r in ratios)
        else:
            if preact:
                self.pre_bn = bn(cin)
            self.conv_in = conv(cin, d, 1)
            self.bn_in = bn(d)
            self.levels = nn.ModuleList(Level(d, r) for r in ratios)
        width = d * cardinality if variant == 'C' else d
        self.bn_out = bn(width)
        self.conv_out = conv(width, half, 1)

    def forward(self, x):
        if self.variant != 'A':
            t = F.relu(self.pre_bn(x)) if self.preact else x
            x = F.relu(self.bn_in(self.conv_in(t)))
        ys = [level(x) for level in self.levels]
        y = torch.cat(ys, 1) if self.variant == 'C' else sum(ys[1:], ys[0])
        return self.conv_out(F.relu(self.bn_out(y)))


class PRM(nn.Module):
    """Pyramid Residual Module as PRM.lua: (main 1x1 -> 3x3) + pyramid, then one shared BN-ReLU-1x1, plus skip."""

    def __init__(self, cin, cout, variant, cardinality, base_width, preact=True, use_conv=False):
        super().__init__()
        half = cout // 2
        d = cout // base_width
        self.preact = preact
        if preact:
            self.bn1 = bn(cin)
        self.conv1 = conv(cin, half, 1)
        self.bn2 = bn(half)
        self.conv2 = conv(half, half, 3)
        self.pyramid = Pyramid(cin, half, d, cardinality, variant, preact)
        self.bn3 = bn(half)
        self.conv3 = conv(half, cout, 1)
        self.skip = Skip(cin, cout) if (cin != cout or use_conv) else None

    def forward(self, x):
        y = F.relu(self.bn1(x)) if self.preact else x
        y = self.conv2(F.relu(self.bn2(self.conv1(y))))
        y = self.conv3(F.relu(self.bn3(y + self.pyramid(x))))
        return y + (self.skip(x) if self.skip is not None else x)


def make_module(cfg, cin, cout, res, preact=True, use_conv=False):
    if cfg.variant != 'residual' and res >= PRM_MIN_RES:
        return PRM(cin, cout, cfg.variant, cfg.cardinality, cfg.base_width, preact, use_conv)
    return Residual(cin, cout, preact, use_conv)


def modules(cfg, cin, cout, res, use_conv=False):
    return nn.Sequential(*[make_module(cfg, cin if i == 0 else cout, cout, res, use_conv=use_conv)
                           for i in range(cfg.n_modules)])


class Hourglass(nn.Module):
    """hg-prm.lua hourglass(n): up1 at res; pool, low1, low2 (recursion or modules), low3 (conv skip) at res/2;
    nearest x2 up; sum."""

    def __init__(self, cfg, n, res):
        super().__init__()
        f = cfg.n_feats
        self.up1 = modules(cfg, f, f, res)
        self.low1 = modules(cfg, f, f, res // 2)
        self.low2 = Hourglass(cfg, n - 1, res // 2) if n > 1 else modules(cfg, f, f, res // 2)
        self.low3 = modules(cfg, f, f, res // 2, use_conv=True)

    def forward(self, x):
        up1 = self.up1(x)
        low = self.low3(self.low2(self.low1(F.max_pool2d(x, 2, 2))))
        return up1 + F.interpolate(low, scale_factor=2, mode='nearest')


class Stem(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        w = cfg.stem_width
        self.conv = conv(3, w, 7, 2, 3)
        self.bn = bn(w)
        self.res1 = make_module(cfg, w, 2 * w, cfg.input_res // 2, preact=False)
        self.res2 = make_module(cfg, 2 * w, 2 * w, cfg.input_res // 4)
        self.res3 = make_module(cfg, 2 * w, cfg.n_feats, cfg.input_res // 4)

    def forward(self, x):
        x = self.res1(F.relu(self.bn(self.conv(x))))
        return self.res3(self.res2(F.max_pool2d(x, 2, 2)))


class Head(nn.Module):
    """Per stack: BN-ReLU, 1x1 + BN-ReLU (lin), 1x1 to heatmaps; all but the last remap both back (fc_, score_)."""

    def __init__(self, cfg, last):
        super().__init__()
        f = cfg.n_feats
        self.pre_bn = bn(f)
        self.fc = conv(f, f, 1)
        self.fc_bn = bn(f)
        self.score = conv(f, cfg.n_joints, 1)
        if not last:
            self.fc_ = conv(f, f, 1)
            self.score_ = conv(cfg.n_joints, f, 1)
        self.last = last

    def forward(self, x):
        ll = F.relu(self.fc_bn(self.fc(F.relu(self.pre_bn(x)))))
        score = self.score(ll)
        return ll, score


class PyraNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        assert cfg.input_res % 64 == 0, 'input_res must be a multiple of 64 (stem /4, hourglass depth 4)'
        self.cfg = cfg
        self.stem = Stem(cfg)
        self.hg = nn.ModuleList(Hourglass(cfg, 4, cfg.input_res // 4) for _ in range(cfg.n_stack))
        self.heads = nn.ModuleList(Head(cfg, s == cfg.n_stack - 1) for s in range(cfg.n_stack))
        reset_parameters(self)

    def forward(self, x):
        inter = self.stem(x)
        outs = []
        for hg, head in zip(self.hg, self.heads):
            ll, score = head(hg(inter))
            outs.append(score)
            if not head.last:
                inter = inter + head.fc_(ll) + head.score_(score)
        return outs

    def pool_levels(self):
        """(site name, Level) for every fractional pooling site, in module order."""
        return [(name, m) for name, m in self.named_modules() if isinstance(m, Level)]


def reset_parameters(model, bn_weight='uniform'):
    """Torch7 defaults, which the authors' code kept (opts.lua -init none): conv weight and bias
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)); BN weight U(0, 1) (PyTorch >= 1.2 would use 1), bias 0."""
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            bound = 1 / math.sqrt(m.in_channels * m.kernel_size[0] * m.kernel_size[1])
            nn.init.uniform_(m.weight, -bound, bound)
            nn.init.uniform_(m.bias, -bound, bound)
        elif isinstance(m, nn.BatchNorm2d):
            if bn_weight == 'uniform':
                nn.init.uniform_(m.weight, 0, 1)
            else:
                nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


def mse_loss(outputs, target):
    """The official loss: MSE (mean) per stack, summed over stacks (models/init.lua ParallelCriterion)."""
    return sum(F.mse_loss(o, target) for o in outputs)


def count(cfg):
    """Parameters and conv multiply-accumulates per image (a hook on every conv during one eval forward)."""
    model = PyraNet(cfg).eval()
    params = sum(p.numel() for p in model.parameters())
    macs = [0]

    def hook(m, _inp, out):
        macs[0] += out.shape[2] * out.shape[3] * m.out_channels * m.in_channels * m.kernel_size[0] * m.kernel_size[1]

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            m.register_forward_hook(hook)
    with torch.no_grad():
        model(torch.zeros(1, 3, cfg.input_res, cfg.input_res))
    return params, macs[0]


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--stacks', type=int, nargs='*', default=[1, 2, 8])
    parser.add_argument('--variants', nargs='*', default=['B', 'A', 'C', 'residual'])
    args = parser.parse_args()
    torch.manual_seed(0)
    for variant in args.variants:
        for n_stack in args.stacks:
            params, macs = count(PyraNetConfig(variant=variant, n_stack=n_stack))
            print(f'variant {variant:8s} stacks {n_stack}: {params:>10,d} params  {macs / 1e9:7.3f} GMAC (conv)')
