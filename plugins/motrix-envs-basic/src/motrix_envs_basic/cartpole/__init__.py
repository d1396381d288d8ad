"""Cartpole: balance a pole on a cart by pushing the cart along a rail."""
