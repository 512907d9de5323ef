"""Native reference for `npm run bench:native`: the MNIST MLP (784-300-100-10, ReLU, batch 64, random data)
with PyTorch's Adam (lr 1e-3, eps 1e-4). Reads "N" lines on stdin and answers each with the ms/step of N
steps, so the Node side can interleave it with its own blocks."""
import os, sys, time
import torch

torch.manual_seed(1)
model = torch.nn.Sequential(torch.nn.Linear(784, 300), torch.nn.ReLU(), torch.nn.Linear(300, 100), torch.nn.ReLU(), torch.nn.Linear(100, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-4)
batches = [(torch.rand(64, 784), torch.randint(0, 10, (64,))) for _ in range(4)]
loss_fn = torch.nn.CrossEntropyLoss()
blas = os.path.realpath('/usr/lib/x86_64-linux-gnu/libblas.so.3')
print(f"ready torch {torch.__version__} threads {torch.get_num_threads()} blas {blas}", flush=True)
t = 0
for line in sys.stdin:
    n = int(line)
    t0 = time.perf_counter()
    for _ in range(n):
        x, y = batches[t % 4]
        t += 1
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    print((time.perf_counter() - t0) * 1000 / n, flush=True)
