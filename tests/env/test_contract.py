"""Every installed env meets the env contract (``motrix.testing.check_env``), and the check
catches envs that break it."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from motrix.plugin import EnvSpec
from motrix.registry import get_registry
from motrix.testing import check_env
from motrix_envs_basic.cartpole.cfg import CartPoleCfg
from motrix_envs_basic.cartpole.env import CartPoleEnv

DISCOVERED = sorted(get_registry().envs)


def test_at_least_cartpole_is_discovered():
    assert ("cartpole", "np") in DISCOVERED


@pytest.mark.parametrize(("name", "sim_backend"), DISCOVERED, ids=[f"{n}-{b}" for n, b in DISCOVERED])
def test_every_discovered_env_meets_the_contract(name, sim_backend):
    check_env(get_registry().envs[(name, sim_backend)].spec)


# -- envs that break the contract, and what check_env says about them --------------------

class RowMixing(CartPoleEnv):
    """Hands env i the observation of env i-1."""

    def update_state(self, state):
        state = super().update_state(state)
        return state.replace(obs=np.roll(state.obs, 1, axis=0))


class CrossTalk(CartPoleEnv):
    """Rewards an env for how the whole batch is doing."""

    def update_state(self, state):
        state = super().update_state(state)
        return state.replace(reward=np.full(self.num_envs, 1.0 - np.abs(state.obs[:, 1]).mean(), np.float32))


class Unseeded(CartPoleEnv):
    """Draws initial states from NumPy's global generator instead of ``self.np_random``."""

    def reset(self, data):
        obs, info = super().reset(data)
        noise = np.random.uniform(-0.05, 0.05, obs.shape).astype(np.float32)
        data.reset(self.model, dof_pos=np.ascontiguousarray(noise[:, :2]), dof_vel=np.ascontiguousarray(noise[:, 2:]))
        return noise, info


class ResetsEveryone(CartPoleEnv):
    """Resets the whole batch instead of the envs it is given."""

    def reset(self, data):
        return super().reset(self.data)


class Float64Obs(CartPoleEnv):
    @property
    def observation_space(self):
        return gym.spaces.Box(-np.inf, np.inf, (4,), np.float64)


class DiscreteActions(CartPoleEnv):
    @property
    def action_space(self):
        return gym.spaces.Discrete(2)


@pytest.mark.parametrize(
    ("env_class", "message"),
    [
        (RowMixing, "env .* of a batch of 8 and the same env alone diverge"),
        (CrossTalk, "env .* alone diverge at step 0: reward"),
        (Unseeded, "not reproducible"),
        (ResetsEveryone, "raised ValueError: .*obs of shape"),
        (Float64Obs, "observation_space.dtype must be float32"),
        (DiscreteActions, "action_space must be a gymnasium Box"),
    ],
)
def test_check_env_names_the_broken_rule(env_class, message):
    spec = EnvSpec(name=f"broken-{env_class.__name__}", cfg=CartPoleCfg, env=env_class)
    with pytest.raises(AssertionError, match=f"env 'broken-{env_class.__name__}': {message}"):
        check_env(spec)


def test_check_env_accepts_an_env_spec_or_a_name_and_overrides():
    check_env("cartpole", num_envs=3, steps=60, seed=5, env_overrides={"max_episode_seconds": 0.2})
