"""A privileged critic observation: what the critic sees that the policy does not.

An env declares ``privileged_layout`` / ``privileged_observation``; the base builds the
critic's observation as the policy's (before sensor noise), the privileged values and the
randomization's draws, for every step, reset and episode end. Real MotrixSim envs.
"""

from __future__ import annotations

import numpy as np

import motrix


def _steps(env, n: int, rng: np.random.Generator | None = None):
    rng = rng or np.random.default_rng(0)
    state = env.init_state()
    for _ in range(n):
        state = env.step(rng.uniform(-1, 1, (env.num_envs, *env.action_space.shape)).astype(np.float32))
        yield state


def _slice(env, name: str) -> slice:
    start = 0
    for piece in env.critic_observation_layout():
        if piece.name == name:
            return slice(start, start + piece.size)
        start += piece.size
    raise KeyError(name)


def test_an_env_that_declares_nothing_has_no_critic_observation():
    env = motrix.make("cartpole", num_envs=3, seed=0)
    assert env.critic_observation_layout() is None and env.critic_observation_space is None
    state = env.init_state()
    assert state.critic_obs is None and state.final_critic_obs is None


def test_the_go1_critic_sees_the_policy_observation_then_the_true_state():
    env = motrix.make("go1", num_envs=8, seed=0)
    layout = env.critic_observation_layout()
    names = [piece.name for piece in layout]
    policy_size = env.observation_space.shape[0]
    assert names[:len(env.observation_layout())] == [piece.name for piece in env.observation_layout()]
    assert names[len(env.observation_layout()):] == ["true_base_lin_vel", "base_height", "foot_contact_force",
                                                     "feet_air_time"]
    assert env.critic_observation_space.shape == (sum(p.size for p in layout),) == (policy_size + 12,)
    for state in _steps(env, 30):
        assert state.critic_obs.shape == (8, policy_size + 12) and state.critic_obs.dtype == np.float32
        np.testing.assert_array_equal(state.critic_obs[:, :policy_size], state.obs)  # no noise on plain go1
        np.testing.assert_array_equal(state.critic_obs[:, _slice(env, "true_base_lin_vel")], state.obs[:, 0:3])
        np.testing.assert_allclose(state.critic_obs[:, _slice(env, "base_height")][:, 0],
                                   state.info["metrics"]["base_height"], rtol=1e-6)
    env.init_state()
    for _ in range(50):  # 1 s holding the standing pose
        state = env.step(np.zeros((8, 12), np.float32))
    feet = state.critic_obs[:, _slice(env, "foot_contact_force")]
    np.testing.assert_allclose(feet.sum(axis=1), 12.7 * 9.81, rtol=0.15)  # the robot's weight rests on its feet


def test_finished_episodes_keep_their_last_critic_observation_and_start_a_fresh_one():
    env = motrix.make("go1", num_envs=16, seed=1, max_episode_seconds=0.2)  # 10 control steps
    for state in _steps(env, 25):
        done = state.terminated | state.truncated
        np.testing.assert_array_equal(state.final_critic_obs[~done], state.critic_obs[~done])
        if done.any():
            policy_size = env.observation_space.shape[0]
            np.testing.assert_array_equal(state.critic_obs[done, :policy_size], state.obs[done])
            np.testing.assert_array_equal(state.final_critic_obs[done, :policy_size], state.final_obs[done])
            air = state.critic_obs[done][:, _slice(env, "feet_air_time")]
            assert np.all(air == 0.0)  # a reset robot stands on its feet
            seen_reset = True
    assert seen_reset


def test_rough_ground_adds_the_terrain_around_the_robot():
    env = motrix.make("go1-rough", num_envs=4, seed=0)
    assert env.critic_observation_layout()[-1].name == "terrain_heights"
    state = env.init_state()
    heights = state.critic_obs[:, _slice(env, "terrain_heights")]
    assert heights.shape == (4, 9)
    base_height = state.critic_obs[:, _slice(env, "base_height")][:, 0]
    np.testing.assert_allclose(heights[:, 4], -base_height, atol=1e-5)  # the centre point is under the trunk


def test_under_randomization_the_critic_sees_the_draws_and_the_clean_observation():
    env = motrix.make("go1-robust", num_envs=8, seed=0)
    policy_size = env.observation_space.shape[0]
    names = [piece.name for piece in env.critic_observation_layout()]
    assert "randomized.push" in names and any(n.startswith("randomized.gains") for n in names)
    pushed = False
    for state in _steps(env, 150):  # 3 s: pushes every 1-3 s
        clean, sensed = state.critic_obs[:, :policy_size], state.obs
        assert not np.array_equal(clean, sensed)  # sensor noise is on the policy's copy only
        np.testing.assert_array_equal(clean[:, 0:3], state.critic_obs[:, _slice(env, "true_base_lin_vel")])
        for quantity in env.randomizer.quantities:
            np.testing.assert_array_equal(state.critic_obs[:, _slice(env, f"randomized.{quantity.name}")],
                                          quantity.values.reshape(8, -1))
        pushed |= bool(np.any(state.critic_obs[:, _slice(env, "randomized.push")] != 0.0))
    assert pushed


def test_the_critic_observation_does_not_change_the_policys_trajectory():
    def observations(**overrides):
        env = motrix.make("go1-robust", num_envs=4, seed=3, **overrides)
        return [state.obs.copy() for state in _steps(env, 40)]

    with_critic = observations()
    env = motrix.make("go1-robust", num_envs=4, seed=3)
    env.privileged_layout = lambda: ()  # an env that declares no privileged values
    without = [state.obs.copy() for state in _steps(env, 40)]
    for a, b in zip(with_critic, without):
        np.testing.assert_array_equal(a, b)
