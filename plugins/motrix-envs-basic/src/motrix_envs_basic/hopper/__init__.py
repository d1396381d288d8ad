"""Hopper: a one-legged planar robot that stands up (hopper-stand) or hops forward (hopper-hop)."""
