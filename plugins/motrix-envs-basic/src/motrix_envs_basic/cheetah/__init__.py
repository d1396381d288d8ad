"""Cheetah: a planar runner that must run forward as fast as it can (cheetah-run)."""
