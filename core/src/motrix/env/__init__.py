"""Batched MotrixSim envs: ``EnvCfg``, ``NpEnv``, ``NpEnvState`` (the env plugin API).

``NpEnv`` and ``NpEnvState`` are imported on first use, so that reading env configs
(``motrix list``, ``--env-set`` parsing) does not import MotrixSim or gymnasium.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from motrix.env.cfg import EnvCfg

if TYPE_CHECKING:
    from motrix.env.base import NpEnv
    from motrix.env.state import NpEnvState

__all__ = ["EnvCfg", "NpEnv", "NpEnvState"]


def __getattr__(name: str) -> Any:
    if name == "NpEnv":
        from motrix.env.base import NpEnv

        return NpEnv
    if name == "NpEnvState":
        from motrix.env.state import NpEnvState

        return NpEnvState
    raise AttributeError(f"module 'motrix.env' has no attribute {name!r}")
