"""motrix envs: Unitree Go1 walking on flat, rough and stairs terrain."""
