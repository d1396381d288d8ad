"""The hopper tasks: observation layout, reward terms, no early termination."""

from __future__ import annotations

import itertools

import gymnasium as gym
import numpy as np
import pytest

import motrix
from motrix.registry import get_env
from motrix_envs_basic.hopper.cfg import HopperHopCfg, HopperStandCfg
from motrix_envs_basic.hopper.env import small_control
from tests.conftest import run_motrix
from tests.core.test_cli import one_line_error
from tests.envs_basic.conftest import place, zeros

# Upright on the floor: knee at its 5 degree stop, foot on the ground (0.06 m below at qz=0).
STANDING = np.array([0.0, -0.06, 0.0, 0.0, 0.0, -np.deg2rad(5), 0.0], np.float32)


def test_registered_variants_and_classic_timing():
    assert get_env("hopper-stand").load_cfg_class() is HopperStandCfg
    assert get_env("hopper-hop").load_cfg_class() is HopperHopCfg
    cfg = HopperHopCfg()
    assert (cfg.ctrl_dt, cfg.max_episode_steps, cfg.sim_substeps) == (0.02, 1000, 4)
    assert (cfg.stand_height, cfg.hop_speed, HopperStandCfg().hop_speed) == (0.6, 2.0, 0.0)
    # hopping trains with the stand-first curriculum over its first half; standing has none
    assert (cfg.stand_first, HopperStandCfg().stand_first) == (0.5, 0.0)


def test_default_reward_is_the_classic_one_and_half_the_training_starts_are_upright():
    for cfg in (HopperStandCfg(), HopperHopCfg()):
        assert cfg.stand_margin == 0.0  # all-or-nothing standing
        assert cfg.upright_start_fraction == 0.5


def test_spaces():
    env = motrix.make("hopper-stand")
    assert env.observation_space == gym.spaces.Box(-np.inf, np.inf, (15,), np.float32)
    assert env.action_space == gym.spaces.Box(-1.0, 1.0, (4,), np.float32)


def test_standing_pose_puts_the_torso_centre_0_98_m_above_the_foots_on_a_loaded_foot():
    env = motrix.make("hopper-stand", num_envs=1, seed=0)
    env.init_state()
    place(env, STANDING)
    for _ in range(3):
        state = env.step(zeros(env))
    # links 0.9 m apart, the torso's centre of mass 0.079 m above its frame (the classic height
    # is between the two centres of mass), less a little for the knee's 5 degrees
    assert state.info["metrics"]["height"][0] == pytest.approx(0.977, abs=0.005)
    assert state.obs[0, -2:].sum() > 1.0  # log1p(touch): the foot carries weight
    np.testing.assert_allclose(state.obs[0, :6], env.data.dof_pos[0, 1:], atol=1e-6)
    np.testing.assert_allclose(state.obs[0, 6:13], env.data.dof_vel[0], atol=1e-6)


def test_stand_reward_is_standing_times_small_control():
    env = motrix.make("hopper-stand", num_envs=2, seed=0)
    env.init_state()
    place(env, STANDING)
    state = env.step(np.array([[0, 0, 0, 0], [1, -1, 1, -1]], np.float32))
    terms = state.info["Reward"]
    assert set(terms) == {"standing", "small_control"}
    np.testing.assert_allclose(terms["standing"], 1.0)
    np.testing.assert_allclose(terms["small_control"], [1.0, 0.8], atol=1e-6)
    np.testing.assert_allclose(state.reward, terms["standing"] * terms["small_control"])
    np.testing.assert_allclose(small_control(np.full((1, 4), 0.5, np.float32)), [(4 + 0.75) / 5])


def test_hop_reward_needs_forward_speed_and_height():
    env = motrix.make("hopper-hop", num_envs=3, seed=0)
    env.init_state()
    vel = np.zeros((3, 7), np.float32)
    vel[:, 0] = [0.0, 1.0, 3.0]  # the whole hopper moving forward
    place(env, STANDING, vel)
    state = env.step(zeros(env))
    assert set(state.info["Reward"]) == {"standing", "hopping"}
    hopping = state.info["Reward"]["hopping"]
    assert hopping[0] < 0.05 and 0.4 < hopping[1] < 0.6 and hopping[2] == pytest.approx(1.0)
    np.testing.assert_allclose(state.reward, hopping)  # standing is 1 here

    # Lying down (torso level with the foot): no reward with the classic all-or-nothing standing ...
    lying = STANDING.copy()
    lying[1], lying[2] = -0.93, np.pi / 2
    place(env, lying, vel)
    assert env.step(zeros(env)).reward.max() == 0.0
    # ... and a standing factor faded to 0.1 with the eased one.
    eased = motrix.make("hopper-hop", num_envs=3, seed=0, stand_margin=0.6)
    eased.init_state()
    place(eased, lying, vel)
    np.testing.assert_allclose(eased.step(zeros(eased)).info["Reward"]["standing"], 0.1, atol=0.03)


def test_upright_starts_stand_tall_and_random_starts_mostly_do_not():
    upright = motrix.make("hopper-stand", num_envs=64, seed=0, upright_start_fraction=1.0)
    classic = motrix.make("hopper-stand", num_envs=64, seed=0, upright_start_fraction=0.0)
    for env in (upright, classic):
        env.init_state()
    pitch = upright.data.dof_pos[:, 2]
    assert np.abs(pitch).max() <= 0.1 + 1e-6 and np.ptp(pitch) > 0.05  # noisy, near upright
    for _ in range(5):  # drop onto the floor
        tall = upright.step(zeros(upright)).info["metrics"]["height"]
        low = classic.step(zeros(classic)).info["metrics"]["height"]
    assert (tall >= 0.6).all()
    assert (low >= 0.6).mean() < 0.3


def test_upright_starts_can_move_forward_and_random_starts_stay_at_rest():
    env = motrix.make("hopper-hop", num_envs=2000, seed=2, upright_start_fraction=0.5, upright_start_speed=2.0)
    env.init_state()
    upright = np.abs(env.data.dof_pos[:, 2]) <= 0.1
    speed = env.data.dof_vel[:, 0]
    moving = speed > 0
    assert (speed >= 0).all() and speed.max() <= 2.0
    # every moving env is an upright start; the upright starts' speeds spread over [0, 2]
    assert upright[moving].all() and moving.mean() == pytest.approx(0.5, abs=0.03)
    assert speed[moving].mean() == pytest.approx(1.0, abs=0.05)
    assert (env.data.dof_vel[:, 1:] == 0).all()


def test_the_stand_first_curriculum_pays_standing_still_early_in_training_and_never_outside_it():
    env = motrix.make("hopper-hop", num_envs=2, seed=0, stand_first=0.5)
    env.init_state()
    still = np.tile(STANDING, (2, 1))
    rewards = {}
    for progress in (None, 0.0, 0.25, 0.5):  # None: not training (play, evaluation)
        if progress is not None:
            env.set_training_progress(progress)
        place(env, still, np.zeros((2, 7), np.float32))
        state = env.step(zeros(env))
        assert state.info["Reward"]["standing"] == pytest.approx(1.0)
        rewards[progress] = state.reward[0] - state.info["Reward"]["hopping"][0]  # what standing still adds
    assert rewards[None] == pytest.approx(0.0, abs=1e-6) and rewards[0.5] == pytest.approx(0.0, abs=1e-6)
    assert rewards[0.0] > 0.9 and 0.4 < rewards[0.25] < 0.55


def test_training_moves_the_curriculum_from_start_to_finish(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    result = run_motrix("train", "hopper-hop", "--env-set", "stand_first=1.0", "--steps", "32768",
                        "--num-envs", "64", "--runs-dir", str(tmp_path), "--quiet")
    assert result.returncode == 0, result.stderr
    events = EventAccumulator(result.stdout.strip().splitlines()[-1])
    events.Reload()
    weights = [e.value for e in events.Scalars("Metrics / Instant / stand_weight")]
    assert weights[0] > 0.9 and weights[-1] < 0.1
    assert all(later <= earlier + 1e-6 for earlier, later in itertools.pairwise(weights))


@pytest.mark.parametrize(("setting", "message"), [
    ("stand_first=2", "motrix: error: stand_first must be in [0, 1], got 2.0"),
    ("upright_start_fraction=1.5", "motrix: error: upright_start_fraction must be in [0, 1], got 1.5"),
    ("upright_start_noise=-0.1", "motrix: error: upright_start_noise must be >= 0, got -0.1"),
    ("upright_start_speed=-1", "motrix: error: upright_start_speed must be >= 0, got -1.0"),
])
def test_the_cli_refuses_a_bad_start_or_curriculum_setting_in_one_line(motrix_cli, setting, message):
    result = motrix_cli("config", "hopper-stand", "--env-set", setting)
    assert result.returncode == 2
    assert one_line_error(result) == message


def test_upright_start_fraction_is_the_share_of_upright_resets():
    env = motrix.make("hopper-stand", num_envs=2000, seed=1, upright_start_fraction=0.25)
    env.init_state()
    near_upright = np.abs(env.data.dof_pos[:, 2]) <= 0.1
    # random pitches land within 0.1 rad of upright 0.1 / pi of the time
    assert near_upright.mean() == pytest.approx(0.25 + 0.75 * 0.1 / np.pi, abs=0.03)


def test_falling_does_not_end_the_episode():
    env = motrix.make("hopper-stand", num_envs=4, seed=0, max_episode_seconds=2.0)
    state = env.init_state()
    for _ in range(99):
        state = env.step(zeros(env))
        assert not state.done.any()
    assert env.step(zeros(env)).truncated.all()
