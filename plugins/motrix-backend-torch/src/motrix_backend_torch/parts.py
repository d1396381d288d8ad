"""The torch backend's pieces of the core's skrl training loop (``motrix.training.skrl_loop``).

Device and threads, the env wrapper, the agent, checkpoint state to and from the agent,
the probe, the policy ``motrix play`` loads: the torch half of
``SkrlParts``. Everything framework-free is the core's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from skrl.agents.torch import ExperimentCfg
from skrl.agents.torch.ppo import PPO_CFG
from skrl.memories.torch import RandomMemory
from skrl.resources.preprocessors.torch import RunningStandardScaler
from skrl.resources.schedulers.torch import KLAdaptiveLR
from skrl.utils import set_seed

from motrix.config import PPOCfg
from motrix.errors import CheckpointError
from motrix.training.checkpoint_header import model_spec
from motrix.training.skrl_agent import AgentContext
from motrix.training.skrl_parts import SkrlClasses, skrl_agent_cfg

from motrix_backend_torch import checkpoint, distributed
from motrix_backend_torch.agent import MotrixPPO, minibatch_work
from motrix_backend_torch.device import configure_threads, describe, pick_device, update_threads
from motrix_backend_torch.models import build_models
from motrix_backend_torch.policy import TrainedPolicy, load_module, probe
from motrix_backend_torch.wrapper import NpEnvWrapper


class TorchParts:
    """``SkrlParts`` on PyTorch."""

    label = "torch"
    checkpoint_suffix = checkpoint.SUFFIX

    def __init__(self) -> None:
        self._rank_device: torch.device | None = None

    def configure(self) -> dict[str, Any]:
        return {"torch_threads": configure_threads(pick_device())}

    def init_distributed(self, world) -> distributed.TorchCollectives:
        self._rank_device = distributed.rank_device(world)
        return distributed.init(world, self._rank_device)

    def device(self) -> torch.device:
        return self._rank_device or pick_device()

    def describe(self, device: torch.device) -> str:
        return describe(device)

    def seed(self, seed: int) -> None:
        set_seed(seed)  # random, NumPy, torch (and skrl's keys)

    def wrap_env(self, env: Any, device: torch.device, clock: Any, critic: bool = False) -> NpEnvWrapper:
        return NpEnvWrapper(env, device, clock, critic)

    def read_checkpoint(self, path: Path, device: torch.device) -> tuple[dict[str, Any], dict[str, Any]]:
        return checkpoint.load(path, device)

    def build_agent(self, cfg, observation_space, action_space, device, context: AgentContext,
                    critic_space: Any = None) -> MotrixPPO:
        return build_agent(cfg, observation_space, action_space, device, context.run_path, context, critic_space)

    def restore(self, agent: MotrixPPO, state: dict[str, Any], path: Path) -> None:
        restore_agent(agent, state, path)

    def snapshot(self, agent: MotrixPPO) -> dict[str, Any]:
        return _detached_copy(agent_state(agent))

    def probe(self, agent: MotrixPPO, obs_dim: int) -> dict[str, Any]:
        return probe(agent.policy, agent.checkpoint_modules.get("observation_preprocessor"), obs_dim, agent.device)

    def write_checkpoint(self, path: Path, header: dict[str, Any], state: dict[str, Any]) -> None:
        checkpoint.save(path, header, state)

    def digest(self, agent: MotrixPPO) -> bytes:
        names = ("policy", "value", *agent.NORMALIZERS)
        return distributed.digest({n: agent.checkpoint_modules[n] for n in names
                                  if agent.checkpoint_modules.get(n) is not None})

    def report(self, device: torch.device, agent: MotrixPPO) -> tuple[str, dict[str, Any]]:
        return f"{describe(device)}, {agent.update_threads} updating", {"torch_update_threads": agent.update_threads}


    def load_policy(self, path: Path, loaded, env_name: str, env: Any, device: torch.device) -> TrainedPolicy:
        return TrainedPolicy(path, env_name, env.observation_space, env.action_space, device, loaded=loaded)


SKRL_CLASSES = SkrlClasses(ppo_cfg=PPO_CFG, experiment_cfg=ExperimentCfg, random_memory=RandomMemory,
                           running_standard_scaler=RunningStandardScaler, kl_adaptive_lr=KLAdaptiveLR)


def build_agent(cfg: PPOCfg, observation_space, action_space, device: torch.device, run_path: Path | None,
                context: AgentContext | None = None, critic_space: Any = None) -> MotrixPPO:
    """Models → skrl 2.x ``PPO_CFG`` → ``RandomMemory`` → PPO agent, from a ``PPOCfg``.

    TensorBoard events go into ``run_path`` (none when it is None). The update runs on every
    core when its minibatches are large enough to gain (``device.update_threads``). With a
    ``critic_space`` the value network reads the env's critic observation (skrl's ``states``).
    """
    models = build_models(model_spec(cfg), observation_space, action_space, device, critic_space)
    agent_cfg, memory = skrl_agent_cfg(SKRL_CLASSES, cfg, observation_space, device, run_path, critic_space)
    work = minibatch_work(models, cfg.rollouts, cfg.num_envs, cfg.mini_batches)
    return MotrixPPO(
        context=context or AgentContext(num_envs=cfg.num_envs, run_path=run_path),
        update_threads=update_threads(device, work), models=models, memory=memory,
        observation_space=observation_space, state_space=critic_space, action_space=action_space, device=device,
        cfg=agent_cfg,
    )


# -- checkpoint state <-> agent ------------------------------------------------------------
def agent_state(agent: MotrixPPO) -> dict[str, Any]:
    """Tensors and plain containers only: loads with ``weights_only=True``."""
    state: dict[str, Any] = {"policy": agent.policy.state_dict(), "optimizer": agent.optimizer.state_dict()}
    if agent.value is not agent.policy:
        state["value"] = agent.value.state_dict()
    for name in agent.NORMALIZERS:
        module = agent.checkpoint_modules.get(name)
        if module is not None:
            state[name] = module.state_dict()
    state["rng"] = {"torch": torch.get_rng_state()}
    # the recent-returns window, so that the mean return (progress, best checkpoint) carries on
    recent = list(agent.episode_stats.recent_returns)
    state["episodes"] = {"recent_returns": torch.tensor(recent, dtype=torch.float64)}
    return state


def restore_agent(agent: MotrixPPO, state: dict[str, Any], path: Path) -> None:
    """Weights, optimizer (with its learning rate), normalizers, the torch RNG and recent returns."""
    load_module(agent.policy, state["policy"], path, "policy")
    if agent.value is not agent.policy:
        load_module(agent.value, state["value"], path, "value")
    agent.optimizer.load_state_dict(state["optimizer"])
    for name in agent.NORMALIZERS:
        module = agent.checkpoint_modules.get(name)
        if module is not None:
            if name not in state:
                raise CheckpointError(f"checkpoint {path} has no {name}, the config asks for one")
            load_module(module, state[name], path, name)
    if agent.scheduler is not None:
        agent.scheduler._last_lr = [g["lr"] for g in agent.optimizer.param_groups]
    if "rng" in state:
        torch.set_rng_state(state["rng"]["torch"].cpu())
    if "episodes" in state:
        agent.episode_stats.recent_returns.extend(state["episodes"]["recent_returns"].tolist())


def _detached_copy(tree: Any) -> Any:
    """The same containers with every tensor copied to the host: later updates leave it alone."""
    if isinstance(tree, torch.Tensor):
        return tree.detach().to("cpu", copy=True)
    if isinstance(tree, dict):
        return {k: _detached_copy(v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_detached_copy(v) for v in tree)
    return tree
