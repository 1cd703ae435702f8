#!/usr/bin/python3
"""Two-layer GCN on the Planetoid Cora split, the PyTorch peer of
`clinfuse bench cora` (graphfusion.BenchCora).

Same model and training: 16 hidden units, row-normalised binary features,
dropout 0.5 on the input features and on the hidden layer, symmetric
normalised adjacency with self loops, Glorot weights and zero biases, Adam
lr 0.01 with weight decay 5e-4 on the first layer's weights only, 200
epochs, test accuracy after the last epoch. Prints per-seed accuracy and the
wall time of the 200 training epochs, then mean and standard deviation.

Usage: /usr/bin/python3 bench/graph_cora.py DIR [SEEDS] [--sparse-features]
(Debian's python3-torch; DIR is shared/data/graph/cora-planetoid).
"""
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def read_lines(path):
    with open(path) as f:
        return [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]


def load(d):
    nodes = read_lines(os.path.join(d, "nodes.tsv"))
    labels, feats = [], []
    for l in nodes:
        parts = l.split("\t")
        labels.append(int(parts[1]))
        feats.append([int(x) for x in parts[2].split(",")] if len(parts) > 2 and parts[2] else [])
    n, words = len(nodes), 1 + max(max(f) for f in feats if f)
    rows = [i for i, f in enumerate(feats) for _ in f]
    cols = [j for f in feats for j in f]
    vals = [1.0 / len(f) for f in feats for _ in f]
    x = torch.sparse_coo_tensor([rows, cols], vals, (n, words), dtype=torch.float64).coalesce()
    pairs = set()
    for l in read_lines(os.path.join(d, "edges.tsv")):
        a, b = map(int, l.split())
        if a != b:
            pairs.add((a, b))
            pairs.add((b, a))
    pairs |= {(i, i) for i in range(n)}
    pairs = sorted(pairs)
    deg = torch.zeros(n, dtype=torch.float64)
    for a, _ in pairs:
        deg[a] += 1
    r = torch.tensor([p[0] for p in pairs])
    c = torch.tensor([p[1] for p in pairs])
    adj = torch.sparse_coo_tensor(torch.stack([r, c]), 1 / torch.sqrt(deg[r] * deg[c]),
                                  (n, n)).coalesce()
    split = [torch.tensor([int(v) for v in read_lines(os.path.join(d, s))])
             for s in ("train.txt", "val.txt", "test.txt")]
    return x, adj, torch.tensor(labels), split


class GCN(torch.nn.Module):
    def __init__(self, fin, hidden, classes):
        super().__init__()
        self.w1 = torch.nn.Parameter(torch.empty(fin, hidden, dtype=torch.float64))
        self.b1 = torch.nn.Parameter(torch.zeros(hidden, dtype=torch.float64))
        self.w2 = torch.nn.Parameter(torch.empty(hidden, classes, dtype=torch.float64))
        self.b2 = torch.nn.Parameter(torch.zeros(classes, dtype=torch.float64))
        torch.nn.init.xavier_uniform_(self.w1)
        torch.nn.init.xavier_uniform_(self.w2)

    def forward(self, x, adj):
        if x.is_sparse:
            x = torch.sparse_coo_tensor(x.indices(), F.dropout(x.values(), 0.5, self.training),
                                        x.shape)
            xw = torch.sparse.mm(x, self.w1)
        else:
            xw = F.dropout(x, 0.5, self.training) @ self.w1
        h = torch.relu(torch.sparse.mm(adj, xw) + self.b1)
        h = F.dropout(h, 0.5, self.training)
        return torch.sparse.mm(adj, h @ self.w2) + self.b2


def run(x, adj, y, split, seed):
    torch.manual_seed(seed)
    train, _, test = split
    model = GCN(x.shape[1], 16, int(y.max()) + 1)
    opt = torch.optim.Adam([{"params": [model.w1], "weight_decay": 5e-4},
                            {"params": [model.b1, model.w2, model.b2], "weight_decay": 0}],
                           lr=0.01)
    start = time.perf_counter()
    for _ in range(200):
        model.train()
        opt.zero_grad()
        loss = F.cross_entropy(model(x, adj)[train], y[train])
        loss.backward()
        opt.step()
    secs = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        acc = (model(x, adj)[test].argmax(1) == y[test]).double().mean().item()
    return acc, secs


def main():
    d = sys.argv[1]
    seeds = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 10
    x, adj, y, split = load(d)
    if "--sparse-features" not in sys.argv:
        x = x.to_dense()
    accs, times = [], []
    for s in range(seeds):
        acc, secs = run(x, adj, y, split, s)
        accs.append(acc)
        times.append(secs)
        print(f"seed {s}: test accuracy {acc:.4f}  train {secs:.3f}s", flush=True)
    sd = statistics.stdev(accs) if len(accs) > 1 else 0.0
    print(f"pytorch {torch.__version__} threads {torch.get_num_threads()}: accuracy "
          f"{statistics.mean(accs):.4f} ± {sd:.4f}  train {statistics.mean(times):.3f}s "
          f"± {statistics.stdev(times) if len(times) > 1 else 0.0:.3f}s per seed")


if __name__ == "__main__":
    main()
