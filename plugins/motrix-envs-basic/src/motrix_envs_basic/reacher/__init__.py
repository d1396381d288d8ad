"""Reacher: a two-link planar arm puts its fingertip on a random target."""
