"""Native reference for `npm run bench:native`: the MNIST MLP (784-300-100-10, ReLU, batch 64) and the Fashion-MNIST
ConvNet (5×5·32 same, pool 2, 5×5·64 same, pool 2, dense 1024, 10; batch given on the command line) on random data,
with PyTorch's Adam (lr 1e-3, eps 1e-4), on one thread. Reads "<model> <N>" lines on stdin and answers each with the
ms/step of N steps, so the Node side can interleave it with its own blocks."""
import os, sys, time
import torch

torch.set_num_threads(1)
torch.manual_seed(1)
conv_batch = int(sys.argv[1]) if len(sys.argv) > 1 else 10
nn = torch.nn
models = {
    'mlp': (nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10)),
            [(torch.rand(64, 784), torch.randint(0, 10, (64,))) for _ in range(4)]),
    'convnet': (nn.Sequential(nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 5, padding=2),
                              nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3136, 1024), nn.ReLU(), nn.Linear(1024, 10)),
                [(torch.rand(conv_batch, 1, 28, 28), torch.randint(0, 10, (conv_batch,))) for _ in range(2)]),
}
opts = {k: torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-4) for k, (m, _) in models.items()}
loss_fn = nn.CrossEntropyLoss()
blas = os.path.realpath('/usr/lib/x86_64-linux-gnu/libblas.so.3')
print(f"ready torch {torch.__version__} threads {torch.get_num_threads()} blas {blas}", flush=True)
t = 0
for line in sys.stdin:
    name, n = line.split()
    model, batches = models[name]
    opt = opts[name]
    t0 = time.perf_counter()
    for _ in range(int(n)):
        x, y = batches[t % len(batches)]
        t += 1
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    print((time.perf_counter() - t0) * 1000 / int(n), flush=True)
