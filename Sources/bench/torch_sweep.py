#!/usr/bin/env python3
"""PyTorch's side of `bench --sweep` (Sources/bench/Sweep.swift): the same training step at the
same sizes, timed the same way, printed as one JSON line.

A step: one-hot inputs (batch, steps) -> the recurrent layers -> a Linear output (the scratch
model: a matrix and a bias, as d2l's RNNLMScratch) -> cross-entropy over every token ->
zero_grad, backward, clip_grad_norm_(1), SGD(lr 1). Tokens are random (seeded), vocab 28.
Two warm-up steps, then steps until --seconds have passed (at least 3); tokens/s is
batch * steps over the median step. With --threads N > 1 it measures N threads, then one,
and reports the faster (both are in the line).

Usage: torch_sweep.py --config NAME [--threads N] [--seconds S] [--seed S]
"""
import argparse
import json
import resource
import statistics
import time

import torch
from torch import nn
from torch.nn import functional as F

VOCAB = 28
# name: (cell, hidden, layers, batch, steps); the same list as Sweep.swift's sweepConfigs
CONFIGS = {
    "chapter-scratch": ("scratch", 32, 2, 1024, 32),
    "chapter-gru": ("gru", 32, 2, 1024, 32),
    "rnn-128x3-b512": ("rnn", 128, 3, 512, 32),
    "lstm-256x2-b32": ("lstm", 256, 2, 32, 35),
    "gru-256x2-b256": ("gru", 256, 2, 256, 32),
    "gru-1024x2-b64": ("gru", 1024, 2, 64, 32),
    "lstm-512x4-b128": ("lstm", 512, 4, 128, 32),
}


class RNNScratch(nn.Module):
    """d2l's RNNScratch: tanh(X W_xh + H W_hh + b_h) per step."""

    def __init__(self, num_inputs, num_hiddens, sigma=0.01):
        super().__init__()
        self.num_hiddens = num_hiddens
        self.W_xh = nn.Parameter(torch.randn(num_inputs, num_hiddens) * sigma)
        self.W_hh = nn.Parameter(torch.randn(num_hiddens, num_hiddens) * sigma)
        self.b_h = nn.Parameter(torch.zeros(num_hiddens))

    def forward(self, inputs):
        state = torch.zeros((inputs.shape[1], self.num_hiddens))
        outputs = []
        for X in inputs:
            state = torch.tanh(X @ self.W_xh + state @ self.W_hh + self.b_h)
            outputs.append(state)
        return torch.stack(outputs)


class ScratchLM(nn.Module):
    """d2l's StackedRNNScratch inside RNNLMScratch."""

    def __init__(self, hidden, layers, sigma=0.01):
        super().__init__()
        self.rnns = nn.ModuleList([RNNScratch(VOCAB if i == 0 else hidden, hidden) for i in range(layers)])
        self.W_hq = nn.Parameter(torch.randn(hidden, VOCAB) * sigma)
        self.b_q = nn.Parameter(torch.zeros(VOCAB))

    def forward(self, X):
        h = F.one_hot(X.T, VOCAB).float()
        for rnn in self.rnns:
            h = rnn(h)
        return (h @ self.W_hq + self.b_q).swapaxes(0, 1)


class ConciseLM(nn.Module):
    """nn.RNN / nn.GRU / nn.LSTM inside d2l's RNNLM (a Linear output layer)."""

    def __init__(self, cell, hidden, layers):
        super().__init__()
        layer = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell]
        self.rnn = layer(VOCAB, hidden, num_layers=layers)
        self.linear = nn.Linear(hidden, VOCAB)

    def forward(self, X):
        outputs, _ = self.rnn(F.one_hot(X.T, VOCAB).float())
        return self.linear(outputs).swapaxes(0, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, choices=sorted(CONFIGS))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    cell, hidden, layers, batch, steps = CONFIGS[args.config]
    model = ScratchLM(hidden, layers) if cell == "scratch" else ConciseLM(cell, hidden, layers)
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    tokens = torch.randint(0, VOCAB, (batch, steps + 1))
    X, Y = tokens[:, :-1], tokens[:, 1:]

    def measure(threads):
        """Median seconds of a training step with `threads` threads, and the last loss."""
        torch.set_num_threads(threads)
        times, warm_up, step, start = [], 2, 0, time.perf_counter()
        while step < warm_up + 3 or time.perf_counter() - start < args.seconds + (times[0] if times else 0) * warm_up:
            t0 = time.perf_counter()
            logits = model(X)
            loss = F.cross_entropy(logits.reshape(-1, VOCAB), Y.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            value = loss.item()
            if step >= warm_up:
                times.append(time.perf_counter() - t0)
            step += 1
        return statistics.median(times), len(times), value

    # With --threads N > 1, one thread too: on a shared 2-vCPU machine PyTorch's OpenMP threads
    # can run many times slower than one thread when another process holds a core, and the
    # comparison is with PyTorch's better figure.
    runs = {n: measure(n) for n in sorted({args.threads, 1}, reverse=True)}
    best = min(runs, key=lambda n: runs[n][0])
    median, count, value = runs[best]
    print(json.dumps({
        "torch": torch.__version__, "config": args.config, "threads": best,
        "measured_steps": count, "tokens_per_s": round(batch * steps / median),
        "tokens_per_s_by_threads": {str(n): round(batch * steps / r[0]) for n, r in runs.items()},
        "median_step_s": median, "loss": round(value, 4),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))

if __name__ == "__main__":
    main()
