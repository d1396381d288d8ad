"""What a skrl backend supplies to the one training loop (``skrl_loop``): its framework pieces.

The loop in ``motrix.training.skrl_loop`` is the same program for every skrl backend and
imports no framework. A backend implements ``SkrlParts`` with its framework: the device and
its threads, the env wrapper, the models and agent, state to and from a checkpoint, the
probe, and the policy ``motrix play`` loads. ``skrl_agent_cfg`` builds
skrl's ``PPO_CFG`` and ``RandomMemory`` the same way for both, from the backend's classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from motrix.config import PPOCfg
from motrix.training.policy import CheckpointPolicy
from motrix.training.skrl_agent import AgentContext
from motrix.training.skrl_cfg import skrl_ppo_settings


class SkrlParts(Protocol):
    """A skrl backend's framework code, as the training loop calls it (in this order)."""

    label: str
    """Short name for progress lines, e.g. ``"torch"``."""
    checkpoint_suffix: str
    """File extension of its checkpoints (``"pt"``, ``"msgpack"``)."""

    def configure(self) -> dict[str, Any]:
        """Process-wide settings for a run (threads, caches); metadata entries describing them."""

    def init_distributed(self, world: Any) -> Any:
        """Join the process group of a data-parallel run (``motrix.distributed.world.World``):
        gloo on a CPU, NCCL on GPUs; tell skrl the world; return the ``Collectives``."""

    def device(self) -> Any:
        """The device to train or play on (a rank's own GPU in a data-parallel run)."""

    def describe(self, device: Any) -> str:
        """One line naming the device, e.g. ``cpu (torch 2.13.0, 1 thread acting)``."""

    def seed(self, seed: int) -> None:
        """Seed Python, NumPy and the framework's generators."""

    def wrap_env(self, env: Any, device: Any, clock: Any, critic: bool = False) -> Any:
        """The ``NpEnv`` as a skrl env on ``device``, charging ``clock`` with env and act time;
        with ``critic``, its ``state()`` is the env's critic observation."""

    def read_checkpoint(self, path: Path, device: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(header, state)`` of a checkpoint file (``CheckpointError`` when it is damaged)."""

    def build_agent(self, cfg: PPOCfg, observation_space: Any, action_space: Any, device: Any,
                    context: AgentContext, critic_space: Any = None) -> Any:
        """Models, ``PPO_CFG``, memory and the PPO agent; the value network reads ``critic_space``
        (skrl's ``states``) when it is given."""

    def restore(self, agent: Any, state: dict[str, Any], path: Path) -> None:
        """Put a checkpoint's state into a freshly built agent."""

    def snapshot(self, agent: Any) -> dict[str, Any]:
        """The agent's state as host data that later training does not change (written on a thread)."""

    def probe(self, agent: Any, obs_dim: int) -> dict[str, Any]:
        """The live policy's mean actions on the fixed probe observations."""

    def write_checkpoint(self, path: Path, header: dict[str, Any], state: dict[str, Any]) -> None:
        """Write one checkpoint file."""

    def digest(self, agent: Any) -> bytes:
        """SHA-256 of the weights and normalizers (identical on every rank of a run in step)."""

    def report(self, device: Any, agent: Any) -> tuple[str, dict[str, Any]]:
        """The device line of a run's start and the metadata entries that go with it."""

    def load_policy(self, path: Path, loaded: tuple[dict[str, Any], dict[str, Any]], env_name: str, env: Any,
                    device: Any) -> CheckpointPolicy:
        """The deterministic policy of a checkpoint already read, for ``env``."""


@dataclass(frozen=True)
class SkrlClasses:
    """The framework's skrl classes ``skrl_agent_cfg`` needs (``skrl.*.torch`` or ``skrl.*.jax``)."""

    ppo_cfg: type
    experiment_cfg: type
    random_memory: type
    running_standard_scaler: type
    kl_adaptive_lr: type


def skrl_agent_cfg(classes: SkrlClasses, cfg: PPOCfg, observation_space: Any, device: Any,
                   run_path: Path | None, critic_space: Any = None) -> tuple[Any, Any]:
    """skrl 2.x ``PPO_CFG`` and the rollout ``RandomMemory`` for ``cfg``: ``(agent_cfg, memory)``.

    TensorBoard events go straight into ``run_path`` (none when it is None), once per update.
    """
    settings = skrl_ppo_settings(cfg)
    scaler = classes.running_standard_scaler
    agent_cfg = classes.ppo_cfg(
        **settings.agent_kwargs,
        learning_rate_scheduler=classes.kl_adaptive_lr if settings.kl_scheduler_kwargs else None,
        learning_rate_scheduler_kwargs=settings.kl_scheduler_kwargs or {},
        observation_preprocessor=scaler if settings.observation_normalizer else None,
        observation_preprocessor_kwargs={"size": observation_space, "device": device},
        state_preprocessor=scaler if settings.observation_normalizer and critic_space is not None else None,
        state_preprocessor_kwargs={"size": critic_space, "device": device} if critic_space is not None else {},
        value_preprocessor=scaler if settings.value_normalizer else None,
        value_preprocessor_kwargs={"size": 1, "device": device},
        experiment=classes.experiment_cfg(
            directory=str(run_path.parent) if run_path else "",
            experiment_name=run_path.name if run_path else "",
            write_interval=cfg.rollouts if run_path else 0,
            checkpoint_interval=0,  # the loop writes motrix checkpoints; skrl's pickles are not loaded
        ),
    )
    memory = classes.random_memory(memory_size=settings.memory_size, num_envs=cfg.num_envs, device=device)
    return agent_cfg, memory
