"""Registries of envs, RL configs and backends, merged from every plugin."""

from motrix.registry.registry import Registry, get_registry
from motrix.registry.resolve import (
    BackendChoice,
    backend_has_gpu,
    choose_backend,
    explain_backend_choice,
    get_backend,
    get_env,
    get_rl_config,
)

__all__ = ["Registry", "get_registry", "get_env", "get_rl_config", "get_backend", "choose_backend",
           "explain_backend_choice", "BackendChoice", "backend_has_gpu"]
