"""motrix training backend: PPO through skrl 2.x on PyTorch."""
