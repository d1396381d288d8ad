"""Helpers shared by the basic suite: reward shaping, planar bodies, inertia of primitives."""
