"""The JAX backend's pieces of the core's skrl training loop (``motrix.training.skrl_loop``).

Device and compilation cache, the env wrapper, the agent (with its fused XLA programs,
``agent.py``), checkpoint state to and from the agent, the probe, the policy
``motrix play`` loads: the JAX half of ``SkrlParts``. Everything framework-free is the core's.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import jax
import numpy as np
from flax import serialization
from skrl.agents.jax import ExperimentCfg
from skrl.agents.jax.ppo import PPO_CFG
from skrl.memories.jax import RandomMemory
from skrl.resources.preprocessors.jax import RunningStandardScaler
from skrl.resources.schedulers.jax import KLAdaptiveLR

from motrix.config import PPOCfg
from motrix.errors import CheckpointError, UsageError
from motrix.training.checkpoint_header import model_spec
from motrix.training.skrl_agent import AgentContext
from motrix.training.skrl_parts import SkrlClasses, skrl_agent_cfg

from motrix_backend_jax import checkpoint, distributed
from motrix_backend_jax.agent import MotrixPPO
from motrix_backend_jax.device import _gpu_plugin_installed, configure_compilation_cache, describe, pick_device
from motrix_backend_jax.models import build_models
from motrix_backend_jax.policy import MeanActions, TrainedPolicy, probe
from motrix_backend_jax.wrapper import NpEnvWrapper


SKRL_CLASSES = SkrlClasses(ppo_cfg=PPO_CFG, experiment_cfg=ExperimentCfg, random_memory=RandomMemory,
                           running_standard_scaler=RunningStandardScaler, kl_adaptive_lr=KLAdaptiveLR)


class JaxParts:
    """``SkrlParts`` on JAX + Flax."""

    label = "jax"
    checkpoint_suffix = checkpoint.SUFFIX

    def __init__(self, cpu_threads: int | None = None) -> None:
        self.cpu_threads = cpu_threads
        """What ``device.configure_threads`` did before jax started (1, or None: XLA's default)."""
        self._mean_actions: dict[int, MeanActions] = {}

    def configure(self) -> dict[str, Any]:
        return {"jax_cpu_threads": self.cpu_threads, "jax_compilation_cache": configure_compilation_cache()}

    def init_distributed(self, world) -> distributed.JaxCollectives:
        # whether a GPU plugin is installed, not has_gpu(): asking jax for its devices would start
        # its client, which must come after jax.distributed.initialize
        return distributed.init(world, on_gpu=_gpu_plugin_installed())

    def device(self) -> Any:
        return pick_device()

    def describe(self, device: Any) -> str:
        return describe(device)

    def seed(self, seed: int) -> None:
        """What ``skrl.utils.set_seed`` does for a JAX run (Python, NumPy, skrl's JAX key).

        Not ``set_seed`` itself: it imports torch to seed it too, which costs seconds when
        torch is installed and buys nothing here.
        """
        from skrl import config

        random.seed(seed)
        np.random.seed(seed % 2**32)
        config.jax.key = seed

    def wrap_env(self, env: Any, device: Any, clock: Any, critic: bool = False) -> NpEnvWrapper:
        return NpEnvWrapper(env, device, clock, critic)

    def read_checkpoint(self, path: Path, device: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        return checkpoint.load(path)

    def build_agent(self, cfg, observation_space, action_space, device, context: AgentContext,
                    critic_space: Any = None) -> MotrixPPO:
        return build_agent(cfg, observation_space, action_space, device, context.run_path, context, critic_space)

    def restore(self, agent: MotrixPPO, state: dict[str, Any], path: Path) -> None:
        restore_agent(agent, state, path)

    def snapshot(self, agent: MotrixPPO) -> dict[str, Any]:
        return checkpoint.to_host(agent_state(agent))

    def probe(self, agent: MotrixPPO, obs_dim: int) -> dict[str, Any]:
        mean_actions = self._mean_actions.setdefault(id(agent.policy), MeanActions(agent.policy))  # compiled once
        scaler = agent.checkpoint_modules.get("observation_preprocessor")
        return probe(mean_actions, agent.policy.state_dict.params, scaler, obs_dim)

    def write_checkpoint(self, path: Path, header: dict[str, Any], state: dict[str, Any]) -> None:
        checkpoint.save(path, header, state)

    def digest(self, agent: MotrixPPO) -> bytes:
        trees = {"policy": agent.policy.state_dict.params}
        if not agent.shared:
            trees["value"] = agent.value.state_dict.params
        for name in agent.NORMALIZERS:
            module = agent.checkpoint_modules.get(name)
            if module is not None:
                trees[name] = _scaler_tree(module)
        return distributed.digest(trees)

    def report(self, device: Any, agent: MotrixPPO) -> tuple[str, dict[str, Any]]:
        return describe(device), {}


    def load_policy(self, path: Path, loaded, env_name: str, env: Any, device: Any) -> TrainedPolicy:
        configure_compilation_cache()
        return TrainedPolicy(path, env_name, env.observation_space, env.action_space, device, loaded=loaded)


def build_agent(cfg: PPOCfg, observation_space, action_space, device: Any, run_path: Path | None,
                context: AgentContext | None = None, critic_space: Any = None) -> MotrixPPO:
    """Models → skrl 2.x ``PPO_CFG`` → ``RandomMemory`` → PPO agent, from a ``PPOCfg``.

    TensorBoard events go into ``run_path`` (none when it is None). With a ``critic_space``
    the value network reads the env's critic observation (skrl's ``states``), through skrl's
    own act, record and update (the fused programs take the policy's observation only).
    """
    if context is not None and context.mirror is not None:
        raise UsageError("the JAX backend does not train with symmetry_augmentation or mirror_loss_scale yet; "
                         "use --backend torch for them")
    models = build_models(model_spec(cfg), observation_space, action_space, device, critic_space=critic_space)
    agent_cfg, memory = skrl_agent_cfg(SKRL_CLASSES, cfg, observation_space, device, run_path, critic_space)
    return MotrixPPO(
        context=context or AgentContext(num_envs=cfg.num_envs, run_path=run_path), models=models, memory=memory,
        observation_space=observation_space, state_space=critic_space, action_space=action_space, device=device,
        cfg=agent_cfg, fused=critic_space is None,
    )


# -- checkpoint state <-> agent ------------------------------------------------------------
def _scaler_tree(scaler: RunningStandardScaler) -> dict[str, Any]:
    return {
        "running_mean": scaler.running_mean,
        "running_variance": scaler.running_variance,
        "current_count": scaler.current_count,
    }


def agent_state(agent: MotrixPPO) -> dict[str, Any]:
    """Arrays and plain containers only (see ``checkpoint.py``)."""
    state: dict[str, Any] = {
        "policy": serialization.to_state_dict(agent.policy.state_dict.params),
        "policy_optimizer": serialization.to_state_dict(agent.policy_optimizer.state),
        "learning_rate": {"policy": float(agent.policy_learning_rate), "value": float(agent.value_learning_rate)},
    }
    if not agent.shared:
        state["value"] = serialization.to_state_dict(agent.value.state_dict.params)
        state["value_optimizer"] = serialization.to_state_dict(agent.value_optimizer.state)
    for name in agent.NORMALIZERS:
        module = agent.checkpoint_modules.get(name)
        if module is not None:
            state[name] = _scaler_tree(module)
    # the last finished episodes, so that "mean return of the last 100 episodes" carries over a resume
    state["episode_stats"] = {"recent_returns": np.asarray(agent.episode_stats.recent_returns, dtype=np.float64)}
    mt = np.random.get_state()
    state["rng"] = {
        "policy_samples": int(agent.policy._g_i),  # skrl's counter folded into the policy's key
        "numpy_mt19937": {"keys": np.asarray(mt[1]), "pos": int(mt[2]), "has_gauss": int(mt[3]),
                          "cached_gaussian": float(mt[4])},
    }
    return state


def restore_agent(agent: MotrixPPO, state: dict[str, Any], path: Path) -> None:
    """Weights, optimizers, learning rates, normalizers and the random streams."""
    def fit(template, name):
        if name not in state:
            raise CheckpointError(f"checkpoint {path} has no {name}")
        return jax.device_put(checkpoint.restore_tree(template, state[name], path, name), agent.device)

    agent.policy.state_dict = agent.policy.state_dict.replace(params=fit(agent.policy.state_dict.params, "policy"))
    agent.policy_optimizer = agent.policy_optimizer.replace(state=fit(agent.policy_optimizer.state, "policy_optimizer"))
    if not agent.shared:
        agent.value.state_dict = agent.value.state_dict.replace(params=fit(agent.value.state_dict.params, "value"))
        agent.value_optimizer = agent.value_optimizer.replace(state=fit(agent.value_optimizer.state, "value_optimizer"))
    for name in agent.NORMALIZERS:
        module = agent.checkpoint_modules.get(name)
        if module is not None:
            stats = fit(_scaler_tree(module), name)
            module.running_mean = stats["running_mean"]
            module.running_variance = stats["running_variance"]
            module.current_count = stats["current_count"]
    lr = state.get("learning_rate") or {}
    if "policy" in lr:
        agent.policy_learning_rate = float(lr["policy"])
    if "value" in lr:
        agent.value_learning_rate = float(lr["value"])
    recent = (state.get("episode_stats") or {}).get("recent_returns")
    if recent is not None:
        agent.episode_stats.recent_returns.extend(np.asarray(recent, dtype=np.float64).reshape(-1).tolist())
    rng = state.get("rng") or {}
    if "policy_samples" in rng:
        agent.policy._g_i = int(rng["policy_samples"])
    mt = rng.get("numpy_mt19937")
    if isinstance(mt, dict):
        try:
            np.random.set_state(("MT19937", np.asarray(mt["keys"], dtype=np.uint32), int(mt["pos"]),
                                 int(mt["has_gauss"]), float(mt["cached_gaussian"])))
        except (KeyError, ValueError, TypeError) as exc:
            raise CheckpointError(f"checkpoint {path}: its random state is unreadable: {exc}") from None
