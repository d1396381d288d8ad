"""``motrix config``: the RL and env configs ``motrix train`` would use with the same options.

It runs train's own resolution (``resolve_train``), so what it prints is what a run gets;
it creates nothing and loads no trainer. The printed TOML is itself a ``--config`` file.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shlex
import sys
from typing import Any

from motrix.config.file import render
from motrix.registry import get_registry


def _train_command(args: argparse.Namespace) -> str:
    """The ``motrix train`` command these options stand for."""
    words = ["motrix", "train", args.env]
    for flag, value in (("--backend", args.backend), ("--num-envs", args.num_envs), ("--seed", args.seed),
                        ("--steps", args.steps), ("--config", args.config)):
        if value is not None:
            words += [flag, str(value)]
    if args.rand_seed:
        words.append("--rand-seed")
    for flag, values in (("--set", args.sets), ("--env-set", args.env_sets)):
        for value in values:
            words += [flag, value]
    return " ".join(shlex.quote(w) for w in words)


def _class_ref(obj: Any) -> str:
    return f"{type(obj).__module__}:{type(obj).__qualname__}"


def describe(args: argparse.Namespace, resolved: Any) -> dict[str, Any]:
    """What was resolved and how, as plain values (the JSON output; the TOML header says the same)."""
    registry = get_registry()
    spec, backend, rl_spec = resolved.env_spec, resolved.backend.spec, resolved.rl_spec
    gpu_defaults = dict(type(resolved.rl_cfg).gpu_defaults)
    return {
        "command": _train_command(args),
        "env": spec.name,
        "env_plugin": registry.envs[(spec.name, spec.sim_backend)].plugin.provenance,
        "backend": backend.name,
        "backend_choice": resolved.backend.reason,
        "rl_cfg_class": _class_ref(resolved.rl_cfg),
        "rl_config_plugin": registry.rl_configs[rl_spec.key].plugin.provenance,
        "rl_config_scope": "backend-specific" if rl_spec.backend else "universal",
        "defaults_sized_for": "gpu" if resolved.on_gpu else "cpu",
        "device_probed": resolved.on_gpu is not None,
        "gpu_defaults": gpu_defaults,
        "rl_cfg": dataclasses.asdict(resolved.rl_cfg),
        "env_cfg_class": _class_ref(resolved.env_cfg),
        "env_cfg": dataclasses.asdict(resolved.env_cfg),
    }


def _scope_line(info: dict[str, Any]) -> str:
    if info["rl_config_scope"] == "backend-specific":
        return f"the one for backend {info['backend']}"
    return f"the universal one (no {info['backend']}-specific config)"


def _sizing_line(info: dict[str, Any]) -> str:
    sizes = ", ".join(f"{k}={v}" for k, v in info["gpu_defaults"].items())
    if not sizes:
        probed = "" if info["device_probed"] else "; device not probed"
        return f"none in this RL config (the same on CPU and GPU{probed})"
    if info["defaults_sized_for"] == "gpu":
        return f"applied, the backend sees a GPU ({sizes})"
    return f"not applied, the backend sees no GPU (on a GPU: {sizes})"


def header(info: dict[str, Any]) -> list[str]:
    return [
        f"What `{info['command']}` would train with (from `motrix config`).",
        f"env: {info['env']} ({info['env_plugin']})",
        f"backend: {info['backend']} ({info['backend_choice']})",
        f"RL config: {info['rl_cfg_class']} from {info['rl_config_plugin']}, {_scope_line(info)}",
        f"GPU-sized defaults: {_sizing_line(info)}",
        f"env config: {info['env_cfg_class']}",
        f"Train with this file: motrix train {info['env']} --config FILE.toml "
        "(options given there win over it)",
    ]


def cmd_config(args: argparse.Namespace) -> int:
    from motrix.training.run import TrainRequest, resolve_train

    request = TrainRequest(
        env=args.env, backend=args.backend, num_envs=args.num_envs, seed=args.seed, rand_seed=args.rand_seed,
        steps=args.steps, sets=args.sets, env_sets=args.env_sets, config=args.config,
    )
    resolved = resolve_train(request, probe_device=False)
    info = describe(args, resolved)
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        skipped: list[str] = []
        print(render(resolved.rl_cfg, resolved.env_cfg, header(info), skipped), end="")
        if skipped:
            print(f"motrix: warning: left out {', '.join(skipped)} (not representable in TOML)",
                  file=sys.stderr)
    return 0
