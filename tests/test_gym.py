"""``motrix.gym``: every env is usable through the Gymnasium API users know."""

from __future__ import annotations

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import motrix.gym
from motrix.registry import get_registry


def test_importing_motrix_gym_registers_every_discovered_env():
    for name, _ in get_registry().envs:
        assert f"motrix/{name}-v0" in gymnasium.registry


@pytest.mark.filterwarnings("ignore:.*Box observation space.*infinity")
def test_a_single_env_passes_gymnasiums_env_checker():
    env = gymnasium.make("motrix/cartpole-v0")
    check_env(env.unwrapped, skip_render_check=True)


def test_a_single_env_returns_the_last_observation_of_an_episode_and_resets_on_request():
    env = gymnasium.make("motrix/cartpole-v0")
    obs, _ = env.reset(seed=1)
    done, steps = False, 0
    while not done:
        obs, reward, terminated, truncated, _ = env.step(np.ones(1, np.float32))
        done, steps = terminated or truncated, steps + 1
    assert terminated and reward == 1.0
    assert abs(obs[1]) > 0.2 or abs(obs[0]) > 0.8, "the ending observation, not a reset one"
    again, _ = env.reset()
    assert abs(again[1]) < 0.2


def test_make_vec_gives_the_batched_env_as_a_vector_env():
    vec = gymnasium.make_vec("motrix/cartpole-v0", num_envs=16, vectorization_mode="vector_entry_point")
    assert isinstance(vec, motrix.gym.adapters.MotrixVectorEnv)
    assert vec.metadata["autoreset_mode"] == gymnasium.vector.AutoresetMode.SAME_STEP
    obs, _ = vec.reset(seed=3)
    assert obs.shape == (16, 4) and vec.action_space.shape == (16, 1)
    saw_final = False
    for _ in range(200):
        obs, reward, terminated, truncated, infos = vec.step(vec.action_space.sample())
        assert obs.shape == (16, 4) and reward.shape == (16,)
        if "final_obs" in infos:
            saw_final = True
            assert np.array_equal(infos["_final_obs"], terminated | truncated)
    assert saw_final, "random actions end cartpole episodes well within 200 steps"


def test_vector_env_reset_with_a_seed_is_reproducible():
    a = gymnasium.make_vec("motrix/cartpole-v0", num_envs=4, vectorization_mode="vector_entry_point")
    b = gymnasium.make_vec("motrix/cartpole-v0", num_envs=4, vectorization_mode="vector_entry_point")
    assert np.array_equal(a.reset(seed=7)[0], b.reset(seed=7)[0])
