"""The pluggy hookspecs every motrix plugin implements a subset of.

Each hook returns (or yields) an iterable of specs; none is firstresult, so every plugin
contributes and the core merges the lot, reporting conflicts with provenance.
"""

from __future__ import annotations

from collections.abc import Iterable

import pluggy

from motrix.plugin.specs import BackendSpec, EnvSpec, RLConfigSpec

PROJECT = "motrix"
ENTRY_POINT_GROUP = "motrix.plugins"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def motrix_envs() -> Iterable[EnvSpec]:
    """Environments this plugin provides."""


@hookspec
def motrix_rl_configs() -> Iterable[RLConfigSpec]:
    """RL training configurations this plugin provides (universal or per backend)."""


@hookspec
def motrix_backends() -> Iterable[BackendSpec]:
    """Training backends this plugin provides."""


HOOK_NAMES = ("motrix_envs", "motrix_rl_configs", "motrix_backends")
