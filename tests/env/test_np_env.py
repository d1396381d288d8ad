"""What the ``NpEnv`` base guarantees every env: stepping, time limits, auto-reset, seeding,
validation. Driven through the cartpole env (real MotrixSim) and small subclasses of it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import motrixsim
import numpy as np
import pytest

import motrix
from motrix.env import NpEnv, NpEnvState
from motrix.env.model import load_model
from motrix.errors import MotrixError, UsageError
from motrix_envs_basic.cartpole.cfg import CartPoleCfg
from motrix_envs_basic.cartpole.env import CartPoleEnv

UPRIGHT = {"reset_noise_scale": 0.0}  # starts exactly balanced: with zero force it never falls


def zeros(env: NpEnv) -> np.ndarray:
    return np.zeros((env.num_envs, 1), np.float32)


def random_actions(env: NpEnv, rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(-1, 1, (env.num_envs, 1)).astype(np.float32)


# -- construction ----------------------------------------------------------------------

def test_make_builds_a_batched_env_with_the_configured_timestep():
    env = motrix.make("cartpole", num_envs=5, sim_dt=0.005, ctrl_dt=0.01)
    assert isinstance(env, NpEnv)
    assert env.num_envs == 5
    assert env.data.shape == (5,)
    assert env.model.options.timestep == pytest.approx(0.005)
    assert env.cfg.sim_substeps == 2


@pytest.mark.parametrize("num_envs", [0, -3])
def test_num_envs_must_be_positive(num_envs):
    with pytest.raises(UsageError, match="num_envs"):
        CartPoleEnv(CartPoleCfg(), num_envs=num_envs)


def test_an_invalid_config_is_refused_at_construction():
    with pytest.raises(UsageError, match="ctrl_dt"):
        CartPoleEnv(CartPoleCfg(sim_dt=0.01, ctrl_dt=0.015))


def test_model_file_may_name_a_package_resource_or_a_path(tmp_path):
    by_package = load_model("motrix_envs_basic.cartpole:cartpole.xml")
    copy = tmp_path / "cart.xml"
    import importlib.resources

    copy.write_text(importlib.resources.files("motrix_envs_basic.cartpole").joinpath("cartpole.xml").read_text())
    by_path = load_model(str(copy))
    assert by_package.num_dof_pos == by_path.num_dof_pos == 2


@pytest.mark.parametrize(
    ("model_file", "message"),
    [
        ("", "no model_file"),
        ("/no/such/file.xml", "not found"),
        ("no_such_package_xyz:a.xml", "not installed"),
        ("motrix_envs_basic.cartpole:missing.xml", "not a file"),
    ],
)
def test_a_model_file_that_cannot_be_found_is_a_clear_error(model_file, message):
    with pytest.raises(MotrixError, match=message):
        load_model(model_file)


def test_a_malformed_model_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<mujoco><worldbody><body>")
    with pytest.raises(MotrixError, match="cannot load model"):
        load_model(bad)


# -- stepping --------------------------------------------------------------------------

def test_step_before_init_state_is_an_error():
    env = motrix.make("cartpole", num_envs=2)
    with pytest.raises(RuntimeError, match="init_state"):
        env.step(zeros(env))


def test_states_are_batched_float32_observations_and_bool_flags():
    env = motrix.make("cartpole", num_envs=6, seed=0)
    for state in (env.init_state(), env.step(zeros(env))):
        assert isinstance(state, NpEnvState)
        assert state.data is env.data
        assert state.obs.shape == state.final_obs.shape == (6, 4)
        assert state.obs.dtype == state.final_obs.dtype == np.float32
        assert state.reward.shape == (6,) and state.reward.dtype == np.float32
        assert state.terminated.dtype == state.truncated.dtype == bool
        assert state.done.shape == (6,)


def test_one_env_step_runs_ctrl_dt_over_sim_dt_physics_steps():
    env = motrix.make("cartpole", num_envs=3, seed=0, sim_dt=0.0025, ctrl_dt=0.01)
    env.init_state()
    raw = motrixsim.SceneData(env.model, batch=(3,))
    raw.set_dof_pos(env.data.dof_pos, env.model)
    raw.set_dof_vel(env.data.dof_vel)
    actions = np.array([[0.5], [-1.0], [0.25]], np.float32)
    raw.actuator_ctrls = actions
    state = env.step(actions)
    for _ in range(4):
        env.model.step(raw)
    np.testing.assert_array_equal(env.data.dof_pos, raw.dof_pos)
    np.testing.assert_array_equal(state.obs[:, :2], raw.dof_pos)


def test_actions_are_clipped_to_the_action_space():
    env = motrix.make("cartpole", num_envs=3, seed=0)
    env.init_state()
    env.step(np.array([[7.0], [-3.0], [0.5]], np.float32))
    np.testing.assert_array_equal(env.data.actuator_ctrls, [[1.0], [-1.0], [0.5]])


def test_actions_of_the_wrong_shape_are_refused():
    env = motrix.make("cartpole", num_envs=3, seed=0)
    env.init_state()
    with pytest.raises(ValueError, match=r"\(3, 1\)"):
        env.step(np.zeros(3, np.float32))


def test_returned_arrays_are_not_overwritten_by_later_steps():
    env = motrix.make("cartpole", num_envs=4, seed=0, max_episode_seconds=0.03)
    first = env.init_state()
    kept = {f: getattr(first, f).copy() for f in ("obs", "reward", "terminated", "truncated", "final_obs")}
    rng = np.random.default_rng(0)
    for _ in range(5):  # crosses a time limit: resets write observations
        env.step(random_actions(env, rng))
    for field, value in kept.items():
        np.testing.assert_array_equal(getattr(first, field), value, err_msg=field)


# -- time limit, auto-reset, final observation -----------------------------------------

def test_episodes_are_truncated_at_max_episode_steps_and_reset():
    env = motrix.make("cartpole", num_envs=4, seed=0, max_episode_seconds=0.05, **UPRIGHT)
    assert env.cfg.max_episode_steps == 5
    env.init_state()
    push = np.full((4, 1), 0.3, np.float32)  # moves the cart; never far enough to terminate
    for step in range(1, 5):
        state = env.step(push)
        assert not state.done.any()
        np.testing.assert_array_equal(state.info["steps"], [step] * 4)
    state = env.step(push)
    assert state.truncated.all() and not state.terminated.any()
    np.testing.assert_array_equal(state.info["steps"], [0] * 4)
    # The episode ended with the cart moved; the returned obs is the fresh initial state.
    assert (state.final_obs[:, 0] > 0).all()
    np.testing.assert_array_equal(state.obs, np.zeros((4, 4)))
    np.testing.assert_array_equal(env.data.dof_pos, np.zeros((4, 2)))


def test_only_finished_envs_are_reset_and_final_obs_keeps_where_they_ended():
    env = motrix.make("cartpole", num_envs=4, seed=0, **UPRIGHT)
    env.init_state()
    # Env 2 starts tipped beyond the limit: it terminates on the first step.
    tipped = np.zeros((4, 2), np.float32)
    tipped[2, 1] = 0.3
    env.data.set_dof_pos(tipped, env.model)
    state = env.step(zeros(env))
    np.testing.assert_array_equal(state.terminated, [False, False, True, False])
    assert not state.truncated.any()
    assert state.final_obs[2, 1] > 0.3  # the pole kept falling during the step
    np.testing.assert_array_equal(state.obs[2], np.zeros(4))  # reset, upright
    np.testing.assert_array_equal(state.final_obs[[0, 1, 3]], state.obs[[0, 1, 3]])
    np.testing.assert_array_equal(state.info["steps"], [1, 1, 0, 1])


def test_termination_wins_over_truncation_on_the_last_step():
    env = motrix.make("cartpole", num_envs=2, seed=0, max_episode_seconds=0.01, **UPRIGHT)
    env.init_state()
    env.data.set_dof_pos(np.array([[0, 0.3], [0, 0]], np.float32), env.model)
    state = env.step(zeros(env))
    np.testing.assert_array_equal(state.terminated, [True, False])
    np.testing.assert_array_equal(state.truncated, [False, True])


class TargetCartPole(CartPoleEnv):
    """Draws a per-env target at reset and reports it in info (like a command)."""

    def reset(self, data):
        obs, info = super().reset(data)
        return obs, {"target": self.np_random.uniform(1, 2, data.shape[0]), "episode": {"id": np.arange(data.shape[0])}}


def test_reset_info_is_merged_into_the_rows_of_the_reset_envs():
    env = TargetCartPole(CartPoleCfg(reset_noise_scale=0.0), num_envs=3)
    state = env.init_state()
    before = state.info["target"].copy()
    assert before.shape == (3,)
    env.data.set_dof_pos(np.array([[0, 0], [0, 0.3], [0, 0]], np.float32), env.model)
    state = env.step(zeros(env))
    after = state.info["target"]
    assert after[0] == before[0] and after[2] == before[2]
    assert after[1] != before[1] and 1 <= after[1] <= 2
    np.testing.assert_array_equal(state.info["episode"]["id"], [0, 0, 2])


# -- non-finite actions and physics blow-ups --------------------------------------------

@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_non_finite_action_ends_that_env_only(bad):
    env = motrix.make("cartpole", num_envs=3, seed=0)
    clean = motrix.make("cartpole", num_envs=3, seed=0)
    env.init_state(), clean.init_state()
    actions = np.array([[0.2], [bad], [-0.4]], np.float32)
    state = env.step(actions)
    reference = clean.step(np.where(np.isfinite(actions), actions, 0))
    np.testing.assert_array_equal(state.terminated, [False, True, False])
    np.testing.assert_array_equal(state.info["invalid"], [False, True, False])
    assert np.isfinite(state.obs).all() and np.isfinite(state.final_obs).all()
    np.testing.assert_array_equal(state.obs[[0, 2]], reference.obs[[0, 2]])


def test_a_physics_blow_up_ends_that_env_and_the_batch_goes_on():
    env = motrix.make("cartpole", num_envs=3, seed=0)
    env.init_state()
    vel = env.data.dof_vel
    vel[1] = np.nan
    env.data.set_dof_vel(vel)
    state = env.step(zeros(env))
    np.testing.assert_array_equal(state.terminated, [False, True, False])
    np.testing.assert_array_equal(state.info["invalid"], [False, True, False])
    assert state.reward[1] == 0.0
    assert np.isfinite(state.obs).all() and np.isfinite(state.final_obs).all()
    assert np.isfinite(env.data.dof_pos).all() and np.isfinite(env.data.dof_vel).all()
    rng = np.random.default_rng(0)
    for _ in range(20):
        assert np.isfinite(env.step(random_actions(env, rng)).obs).all()


# -- seeding ---------------------------------------------------------------------------

def rollout(seed: int | None, steps: int = 120) -> list[np.ndarray]:
    env = motrix.make("cartpole", num_envs=8, seed=seed)
    rng = np.random.default_rng(123)
    observations = [env.init_state().obs]
    for _ in range(steps):
        observations.append(env.step(random_actions(env, rng)).obs)
    return observations


def test_the_same_seed_gives_identical_trajectories_including_resets():
    a, b = rollout(seed=7), rollout(seed=7)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_different_seeds_give_different_initial_states():
    assert not np.array_equal(rollout(1, steps=0)[0], rollout(2, steps=0)[0])


def test_reseeding_restarts_the_random_stream():
    env = motrix.make("cartpole", num_envs=4, seed=3)
    first = env.init_state().obs
    env.seed(3)
    np.testing.assert_array_equal(env.init_state().obs, first)


# -- mistakes in subclasses are reported -----------------------------------------------

class ForgetsToReturn(CartPoleEnv):
    def update_state(self, state):
        super().update_state(state)


class WrongObsShape(CartPoleEnv):
    def update_state(self, state):
        state = super().update_state(state)
        return state.replace(obs=state.obs[:, :3])


@pytest.mark.parametrize(("cls", "message"), [(ForgetsToReturn, "must return the NpEnvState"),
                                              (WrongObsShape, r"obs of shape \(2, 3\)")])
def test_subclass_mistakes_are_named(cls, message):
    env = cls(CartPoleCfg(), num_envs=2)
    env.init_state()
    with pytest.raises((TypeError, ValueError), match=message):
        env.step(zeros(env))


def test_envs_that_read_poses_can_ask_for_forward_kinematics():
    class Posed(CartPoleEnv):
        refresh_kinematics = True

    env = Posed(dataclasses.replace(CartPoleCfg(), reset_noise_scale=0.0), num_envs=2)
    env.init_state()
    env.step(np.ones((2, 1), np.float32))
    cart = env.model.get_link("cart")
    np.testing.assert_allclose(cart.get_position(env.data)[:, 0], env.data.dof_pos[:, 0], atol=1e-6)


def test_training_progress_is_the_finished_task_outside_training_and_checked_when_set():
    env = motrix.make("cartpole", num_envs=2)
    assert env.training_progress == 1.0  # play, evaluation and export see the finished task
    env.set_training_progress(0.25)
    assert env.training_progress == 0.25
    with pytest.raises(ValueError, match=r"training progress must be in \[0, 1\], got 1.5"):
        env.set_training_progress(1.5)
