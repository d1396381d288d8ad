"""motrix training backend: PPO through skrl 2.x on PyTorch."""

import os

# PPO updates run torch on every core (device.update_threads). With OpenMP's default
# busy-waiting, its idle workers spin, and on a machine shared with other work a multi-thread
# update ran 5x slower than a single-thread one (Go1, 2 cores); sleeping workers keep most of
# the gain and never collapse. Read once, when torch loads; a value the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
