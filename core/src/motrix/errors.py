"""Errors the CLI turns into one line and an exit status (docs/architecture.md: 2 usage, 1 runtime)."""

from __future__ import annotations


class MotrixError(Exception):
    """A runtime failure a user can act on; the CLI prints it as one line and exits 1."""

    exit_code = 1


class UsageError(MotrixError):
    """Bad input (unknown env/backend/key, bad value); the CLI exits 2."""

    exit_code = 2


class PluginError(MotrixError):
    """A plugin could not be loaded, or plugins conflict."""


class CheckpointError(MotrixError):
    """A checkpoint is missing, truncated, tampered with or belongs to another env."""
