"""RL training configs: ``BaseRLCfg`` and ``PPOCfg`` (the PPO fields MotrixLab configs have, under the same names).

Env plugins subclass ``PPOCfg`` and change defaults; backends translate it to their RL
framework. Every field has a one-line docstring; ``motrix train --set key=value`` parses
values to the field's type.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from motrix.config.finite import check_finite
from motrix.errors import UsageError

T = TypeVar("T", bound="BaseRLCfg")


@dataclass
class BaseRLCfg:
    """What every training run needs, whatever the algorithm."""

    seed: int = 42
    """Seed for the env, the networks and the sampler; same seed, same run."""
    num_envs: int = 256
    """Parallel envs stepped as one batch during training."""
    play_num_envs: int = 16
    """Parallel envs used by ``motrix play``."""
    max_env_steps: int = 1_000_000
    """Training budget in env-steps, all envs together (``--steps`` overrides it)."""
    check_point_interval: int = 50
    """Vectorized iterations between checkpoints (TensorBoard is written after every update)."""
    keep_checkpoints: int = 5
    """Periodic checkpoints kept: the newest this many, plus the best and the final one (0 keeps all)."""
    target_return: float | None = None
    """Mean episode return counted as solved: time and env-steps to first reach it are reported."""

    #: Field values that replace the defaults above when the backend trains on a GPU (the
    #: defaults are sized for a small CPU machine). ``--num-envs`` and ``--set`` still win.
    gpu_defaults: ClassVar[dict[str, Any]] = {}

    def for_gpu(self: T) -> T:
        """This config with the class's ``gpu_defaults`` applied."""
        return self.replace(**self.gpu_defaults) if self.gpu_defaults else self

    def replace(self: T, **updates: Any) -> T:
        """A copy with some fields changed (validated)."""
        new = dataclasses.replace(self, **updates)
        new.validate()
        return new

    @property
    def max_batch_env_steps(self) -> int:
        """Vectorized iterations for the budget, rounded up to whole checkpoint intervals."""
        iterations = math.ceil(self.max_env_steps / self.num_envs)
        intervals = max(1, math.ceil(iterations / self.check_point_interval))
        return intervals * self.check_point_interval

    def validate(self) -> None:
        """Raise ``UsageError`` naming the first field whose value cannot work."""
        check_finite(self)
        for name in ("num_envs", "play_num_envs", "max_env_steps", "check_point_interval"):
            if getattr(self, name) <= 0:
                raise UsageError(f"{name} must be > 0, got {getattr(self, name)}")
        if self.keep_checkpoints < 0:
            raise UsageError(f"keep_checkpoints must be >= 0 (0 keeps all), got {self.keep_checkpoints}")


@dataclass
class PPOCfg(BaseRLCfg):
    """Proximal Policy Optimization, as trained through skrl 2.x by the motrix backends."""

    policy_hidden_layer_sizes: tuple[int, ...] = (64, 64)
    """Hidden layer widths of the policy MLP (a model setting: no ``PPO_CFG`` key)."""
    value_hidden_layer_sizes: tuple[int, ...] = (64, 64)
    """Hidden layer widths of the value MLP (a model setting: no ``PPO_CFG`` key)."""
    share_policy_value_features: bool = False
    """One trunk for policy and value (when both size tuples are equal): one model given to skrl as both."""
    activation: str = "elu"
    """Hidden-layer activation: elu, relu or tanh (a model setting: no ``PPO_CFG`` key)."""
    symmetry_augmentation: bool = False
    """Train each minibatch together with its mirror image (observations, actions and critic
    observations through the env's ``mirror_maps``; advantages and returns as the originals')."""
    mirror_loss_scale: float = 0.0
    """Weight of the mirror loss: mean squared gap between the policy's mean action on a mirrored
    observation and the mirror of its mean action on the original (0: none)."""
    privileged_critic: bool = True
    """The value network observes the env's critic observation (the policy's plus privileged
    values, ``NpEnv.critic_observation_layout``) when the env declares one and the trunk is not shared."""
    initial_log_std: float = 0.0
    """Initial log standard deviation of the Gaussian policy (a model parameter: no ``PPO_CFG`` key)."""
    rollouts: int = 16
    """Env steps per env collected before each update (skrl ``rollouts``)."""
    learning_epochs: int = 4
    """Passes over the rollout buffer per update (skrl ``learning_epochs``)."""
    mini_batches: int = 4
    """Minibatches per epoch (skrl ``mini_batches``)."""
    discount_factor: float = 0.99
    """Discount gamma (skrl ``discount_factor``)."""
    lambda_param: float = 0.95
    """GAE lambda (skrl 2.x ``gae_lambda``; ``lambda`` in skrl 1.x)."""
    learning_rate: float = 3e-4
    """Adam learning rate (skrl ``learning_rate``); the start value when the KL scheduler is on."""
    learning_rate_scheduler_kl_threshold: float = 0.008
    """Target KL of skrl's ``KLAdaptiveLR`` (its ``kl_threshold``); 0 turns the scheduler off."""
    learning_rate_max: float = 1e-3
    """Upper bound of ``KLAdaptiveLR`` (its ``max_lr``): the default 1e-2 diverges on cartpole."""
    learning_rate_min: float = 1e-6
    """Lower bound of ``KLAdaptiveLR`` (its ``min_lr``)."""
    random_timesteps: int = 0
    """Kept for seed configs: skrl 2.x on-policy agents have no random warm-up; must be 0."""
    learning_starts: int = 0
    """Kept for seed configs: skrl 2.x on-policy agents start learning at once; must be 0."""
    grad_norm_clip: float = 1.0
    """Global gradient-norm clip; 0 disables it (skrl ``grad_norm_clip``)."""
    time_limit_bootstrap: bool = True
    """Bootstrap the value of episodes cut by the time limit (skrl ``time_limit_bootstrap``)."""
    ratio_clip: float = 0.2
    """PPO surrogate clip epsilon (skrl ``ratio_clip``)."""
    value_clip: float = 0.2
    """Clip range of predicted values (skrl ``value_clip``)."""
    clip_predicted_values: bool = True
    """Clip predicted values by ``value_clip``; skrl 2.x has no flag, so False sends value_clip=0."""
    entropy_loss_scale: float = 0.0
    """Weight of the entropy bonus (skrl ``entropy_loss_scale``)."""
    value_loss_scale: float = 1.0
    """Weight of the value loss (skrl ``value_loss_scale``)."""
    kl_threshold: float = 0.0
    """Stop an update's epochs early past this KL; 0 never stops (skrl ``kl_threshold``)."""
    rewards_shaper_scale: float = 1.0
    """Rewards are multiplied by this before learning (skrl ``rewards_shaper``)."""
    observation_normalizer: bool = True
    """Normalize observations with a running mean/std (skrl ``observation_preprocessor``)."""
    value_normalizer: bool = True
    """Normalize value targets with a running mean/std (skrl ``value_preprocessor``)."""

    def validate(self) -> None:
        super().validate()
        for name in ("rollouts", "learning_epochs", "mini_batches"):
            if getattr(self, name) <= 0:
                raise UsageError(f"{name} must be > 0, got {getattr(self, name)}")
        if (self.rollouts * self.num_envs) % self.mini_batches:
            raise UsageError(
                f"rollouts * num_envs ({self.rollouts * self.num_envs}) must divide into "
                f"mini_batches ({self.mini_batches}) equal minibatches"
            )
        if not 0.0 < self.discount_factor <= 1.0:
            raise UsageError(f"discount_factor must be in (0, 1], got {self.discount_factor}")
        if not 0.0 <= self.lambda_param <= 1.0:
            raise UsageError(f"lambda_param must be in [0, 1], got {self.lambda_param}")
        if self.learning_rate <= 0:
            raise UsageError(f"learning_rate must be > 0, got {self.learning_rate}")
        if self.random_timesteps or self.learning_starts:
            raise UsageError(
                "random_timesteps and learning_starts must be 0: skrl 2.x PPO has no warm-up phase"
            )
        if self.activation not in ("elu", "relu", "tanh"):
            raise UsageError(f"activation must be one of elu, relu, tanh; got {self.activation!r}")
        for name in ("policy_hidden_layer_sizes", "value_hidden_layer_sizes"):
            sizes = getattr(self, name)
            if not sizes or any(s <= 0 for s in sizes):
                raise UsageError(f"{name} must be positive layer widths, got {sizes}")

    def critic_space(self, env: Any) -> Any:
        """The critic's observation space for ``env``, or None when the critic observes what the policy does."""
        if not self.privileged_critic or self.shares_features:
            return None
        return getattr(env, "critic_observation_space", None)

    @property
    def shares_features(self) -> bool:
        """Whether policy and value really share a trunk (asked for, and sizes allow it)."""
        return (
            self.share_policy_value_features
            and self.policy_hidden_layer_sizes == self.value_hidden_layer_sizes
        )
