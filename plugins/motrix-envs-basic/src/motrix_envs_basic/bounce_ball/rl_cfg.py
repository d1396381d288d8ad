"""PPO config for bounce_ball (universal: the same on torch and JAX)."""

from __future__ import annotations

from dataclasses import dataclass

from motrix_envs_basic.common.ppo import SuitePPO


@dataclass
class BounceBallPPO(SuitePPO):
    """bounce_ball on a few CPU cores: the suite's PPO (256 envs x 32 steps, 128-128 networks).

    The env step is the cost here (10 physics steps of a six-joint arm per action, about 0.2 ms
    per env on 2 cores), so the budget is what 2 cores step in about half an hour. A small
    initial action noise (std 0.37 of the 0.02 rad target step) keeps early episodes close to
    the still paddle, which already bounces the ball a few times, instead of throwing it off.
    Measured (benchmarks/bounce_ball_learning.py, torch, seed 0): training episodes pass 80 %
    success after 1.5 M env-steps; the full 10 M took 29 minutes on 2 busy cores and plays
    256 of 256 episodes to success.
    """

    max_env_steps: int = 10_000_000
    initial_log_std: float = -1.0
