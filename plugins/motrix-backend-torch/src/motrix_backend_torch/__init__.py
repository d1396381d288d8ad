"""motrix training backend: PPO through skrl 2.x on PyTorch."""

import os

# Large PPO updates run torch on every core (device.update_threads). OpenMP's idle workers
# busy-wait for ~300k spins by default: on a machine shared with other work, a two-thread
# update ran 5x slower than a one-thread one (Go1, 2 cores). A short spin keeps the workers
# awake between the update's back-to-back ops and lets them sleep soon after (measured:
# cartpole's 2048-env update 1.35x faster than on one thread, where never spinning gained
# nothing). Read once, when torch loads; whatever the user set is kept.
if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", "10000")
