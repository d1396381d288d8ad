"""Walker: a planar biped that stands (walker-stand), walks (walker-walk) or runs (walker-run)."""
