#!/usr/bin/python3
"""PyTorch peer of the clinfuse image encoder benchmark (encoders.BenchmarkImageEncoder).

The network is the clinfuse image encoder at its benchmark size: 64x64 single-channel
slices, batch 32, three 3x3 stride-2 convolutions (1->8->16->32 channels, padding 1,
ReLU); every feature map averaged over its positions, the 8+16+32 averages concatenated,
standardised with fixed statistics and projected linearly to a 16-wide embedding, as in
encoders/cnn.go (one slice per study, so the mean over slices is the identity). "forward" encodes the batch;
"forward+backward" also back-propagates the mean squared embedding to every weight.

Usage: /usr/bin/python3 bench/encoders_cnn.py [--threads N] [--seconds S]
Prints one line per measurement: mode, threads, images per wall second and
images per processor second (steadier on a shared machine).
"""
import argparse
import time

import torch
from torch import nn

BATCH, SIDE, WIDTH, HIDDEN = 32, 64, 16, 32


class Encoder(nn.Module):
    """The clinfuse image encoder: trunk, global averages of every map, projector."""

    def __init__(self):
        super().__init__()
        c1, c2, c3 = HIDDEN // 4, HIDDEN // 2, HIDDEN
        self.convs = nn.ModuleList([
            nn.Conv2d(1, c1, 3, stride=2, padding=1),
            nn.Conv2d(c1, c2, 3, stride=2, padding=1),
            nn.Conv2d(c2, c3, 3, stride=2, padding=1)])
        d = c1 + c2 + c3
        # Descriptor statistics: constants fitted once, not learnt.
        self.register_buffer("mean", torch.zeros(d))
        self.register_buffer("scale", torch.ones(d))
        self.proj = nn.Linear(d, WIDTH)

    def forward(self, x):
        parts = []
        for conv in self.convs:
            x = torch.relu(conv(x))
            parts.append(x.mean(dim=(2, 3)))
        return self.proj((torch.cat(parts, dim=1) - self.mean) / self.scale)


def network():
    return Encoder()


def rate(step, seconds):
    """Images per wall second and per processor second (all threads)."""
    for _ in range(5):
        step()
    n, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        step()
        n += 1
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return n * BATCH / wall, n * BATCH / cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    net = network()
    x = torch.rand(BATCH, 1, SIDE, SIDE)

    def forward():
        with torch.no_grad():
            net(x)

    def train():
        net.zero_grad(set_to_none=True)
        net(x).square().mean().backward()

    for name, step in (("forward", forward), ("forward+backward", train)):
        wall, cpu = rate(step, args.seconds)
        print(f"{name} threads={args.threads} {wall:.0f} images/s {cpu:.0f} images/cpu-s")


if __name__ == "__main__":
    main()
