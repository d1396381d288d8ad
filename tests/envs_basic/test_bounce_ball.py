"""bounce_ball: the arm model, the ball's restitution, and what the task observes, rewards,
counts and ends on, all read back from the physics state."""

from __future__ import annotations

import importlib.resources

import gymnasium as gym
import motrix
import numpy as np
import pytest
from motrix.registry import get_env
from motrix_envs_basic.bounce_ball.cfg import BounceBallCfg
from motrix_envs_basic.bounce_ball.env import ballistic_apex, face_normal
from motrix_envs_basic.common import inertia

from tests.conftest import run_motrix
from tests.envs_basic.conftest import zeros

RADIUS = 0.02
"""Ball radius (m), as in bounce_ball.xml."""


def make(num_envs: int = 1, **overrides):
    """A bounce_ball env with a level paddle at home and the ball straight above its centre."""
    overrides = {"joint_noise": 0.0, "start_offset": 0.0, **overrides}
    env = motrix.make("bounce-ball", num_envs=num_envs, seed=0, **overrides)
    env.init_state()
    return env


def place_ball(env, height, offset=(0.0, 0.0), velocity=(0.0, 0.0, 0.0)) -> None:
    """Put every env's ball ``height`` (m, per env or one value) above the paddle centre at home."""
    n = env.num_envs
    pos, vel = env.data.dof_pos.copy(), np.zeros((n, env.model.num_dof_vel), np.float32)
    pos[:, :6] = 0.0
    pos[:, 6:9] = env.paddle_home + np.array([*offset, 0.0], np.float32)
    pos[:, 8] += np.broadcast_to(np.asarray(height, np.float32), (n,))
    pos[:, 9:13] = (0.0, 0.0, 0.0, 1.0)
    vel[:, 6:9] = velocity
    env.data.reset(env.model, dof_pos=pos, dof_vel=vel, forward_kinematic=True)
    # the env's own memory of the ball: at rest, no hit yet, this height as the last apex
    info = env.state.info
    info["ball_vz"] = np.full(n, velocity[2], np.float32)
    info["last_apex"] = np.broadcast_to(np.asarray(height, np.float32), (n,)).copy()
    info["targets"] = np.zeros((n, 6), np.float32)


def first_rebound(env, steps: int = 150) -> np.ndarray:
    """Apex (m above the paddle centre) of each env's first flight after touching the paddle,
    from the ball's position and velocity once it is airborne again (exact for free flight)."""
    rebound = np.full(env.num_envs, np.nan)
    touched = np.zeros(env.num_envs, bool)
    for _ in range(steps):
        env.step(zeros(env))
        height = env.data.dof_pos[:, 8] - env.paddle_home[2]
        vz = env.data.dof_vel[:, 8]
        touched |= height < RADIUS + 0.005
        rising = touched & (vz > 0) & (height > RADIUS + 0.005) & np.isnan(rebound)
        rebound[rising] = ballistic_apex(height, vz)[rising]
    return rebound


# -- registration and spaces ---------------------------------------------------------------

def test_registered_under_its_name_and_the_seed_name():
    spec = get_env("bounce-ball")
    assert spec.load_cfg_class() is BounceBallCfg
    assert get_env("bounce_ball") is spec
    cfg = BounceBallCfg()
    assert (cfg.ctrl_dt, cfg.sim_substeps, cfg.max_episode_steps) == (0.02, 10, 1000)  # 50 Hz, 20 s


def test_spaces():
    env = motrix.make("bounce-ball")
    assert env.observation_space == gym.spaces.Box(-np.inf, np.inf, (33,), np.float32)
    assert env.action_space == gym.spaces.Box(-1.0, 1.0, (6,), np.float32)
    layout = [(piece.name, piece.size) for piece in env.observation_layout()]
    assert layout == [("joint_pos", 6), ("joint_vel", 6), ("target_error", 6), ("ball_pos", 3), ("ball_vel", 3),
                      ("ball_spin", 3), ("paddle_pos", 3), ("paddle_normal", 3)]
    assert env.action_meaning()["joint_order"] == ["j1", "j2", "j3", "j4", "j5", "j6"]


# -- the model -------------------------------------------------------------------------------

def model_path():
    return importlib.resources.files("motrix_envs_basic.bounce_ball") / "bounce_ball.xml"


def test_arm_geometry_and_joint_ranges_are_the_seed_arms():
    env = make()
    model = env.model
    assert model.joint_names[:6] == ["j1", "j2", "j3", "j4", "j5", "j6"]
    ranges = np.array([j.range[0] for j in model.joints[:6]])
    np.testing.assert_allclose(ranges, [[-2.97, 2.97], [-1.92, 2.09], [-1.89, 2.65], [-3.49, 3.49],
                                        [-2.06, 2.06], [-6.11, 6.11]], atol=1e-6)
    # J1 0.1 m above the base; J2 to J3 0.26 m (upper arm); J3 to J5 0.30 m; J5 to J6 0.07 m;
    # paddle centre 0.19 m beyond J6, its face up
    links = model.get_link_poses(env.data).reshape(-1, 7)[:6, :3]
    np.testing.assert_allclose(links[0], [0, 0, 0.1], atol=1e-6)
    assert np.linalg.norm(links[2] - links[1]) == pytest.approx(0.26, abs=1e-6)
    assert np.linalg.norm(links[4] - links[2]) == pytest.approx(0.30, abs=1e-6)
    assert np.linalg.norm(links[5] - links[4]) == pytest.approx(0.07, abs=1e-6)
    assert env.paddle_home[0] - links[5][0] == pytest.approx(0.19, abs=1e-6)
    pose = model.get_site("paddle_centre").get_pose(env.data)
    np.testing.assert_allclose(face_normal(pose[:, 3:])[0], [0, 0, 1], atol=1e-6)
    assert [a.name for a in model.actuators] == ["j1", "j2", "j3", "j4", "j5", "j6"]


def test_ball_is_a_40mm_2_7g_shell_and_the_arm_declares_its_geoms_inertia():
    path = model_path()
    computed = inertia.computed(path)
    for name, body in inertia.bodies(path).items():
        declared = inertia.declared(body)
        if name == "ball":
            assert declared.mass == pytest.approx(0.0027)
            np.testing.assert_allclose(np.diag(declared.inertia), 2 / 3 * 0.0027 * RADIUS**2, rtol=1e-3)
            continue
        assert declared.mass == pytest.approx(computed[name].mass, rel=1e-3), name
        np.testing.assert_allclose(declared.inertia, computed[name].inertia, rtol=1e-3, atol=1e-8, err_msg=name)
    env = make()
    ball = env.model.get_geom("ball")
    assert ball.size[0] == pytest.approx(RADIUS)


# -- the ball --------------------------------------------------------------------------------

def test_ball_rebounds_from_the_still_paddle_like_a_table_tennis_ball():
    """ITTF: dropped from 30.5 cm onto a hard block, a ball rebounds to about 23 cm
    (restitution 0.87, height ratio 0.75); the ratio holds for other drop heights too."""
    heights = np.array([0.1, 0.305, 0.5, 0.8], np.float32)
    env = make(num_envs=4)
    place_ball(env, heights + RADIUS)  # ball's lowest point this high above the paddle
    ratio = (first_rebound(env) - RADIUS) / heights
    assert np.all((ratio > 0.72) & (ratio < 0.80)), ratio
    assert np.sqrt(ratio).mean() == pytest.approx(0.87, abs=0.01)
    assert (ratio[1] * 0.305) == pytest.approx(0.23, abs=0.01)


def test_a_still_policy_holds_the_paddle_level_at_home():
    env = make(num_envs=1)
    place_ball(env, 5.0, offset=(1.0, 0.0))  # out of the way: it falls past the paddle
    for _ in range(20):
        env.step(zeros(env))
    pose = env.model.get_site("paddle_centre").get_pose(env.data)
    np.testing.assert_allclose(pose[0, :3], env.paddle_home, atol=2e-4)
    np.testing.assert_allclose(face_normal(pose[:, 3:])[0], [0, 0, 1], atol=5e-4)


def test_actions_move_the_servo_targets_by_small_steps():
    env = make(num_envs=2, action_scale=0.02)
    place_ball(env, 5.0, offset=(1.0, 0.0))
    actions = np.zeros((2, 6), np.float32)
    actions[0, 0], actions[1, 4] = 1.0, -0.5
    for _ in range(10):
        state = env.step(actions)
    np.testing.assert_allclose(state.info["targets"][0], [0.2, 0, 0, 0, 0, 0], atol=1e-6)
    np.testing.assert_allclose(state.info["targets"][1], [0, 0, 0, 0, -0.1, 0], atol=1e-6)
    for _ in range(25):  # let the servos settle
        state = env.step(np.zeros((2, 6), np.float32))
    np.testing.assert_allclose(env.data.dof_pos[0, 0], 0.2, atol=2e-3)
    np.testing.assert_allclose(env.data.dof_pos[1, 4], -0.1, atol=2e-3)
    # the observation holds the angles (from home) and the targets minus the angles
    np.testing.assert_allclose(state.obs[:, :6], env.data.dof_pos[:, :6], atol=1e-6)
    np.testing.assert_allclose(state.obs[:, 12:18], state.info["targets"] - env.data.dof_pos[:, :6], atol=1e-6)


# -- the task ----------------------------------------------------------------------------------

def test_observation_reads_the_ball_against_the_paddle():
    env = make(num_envs=1)
    place_ball(env, 0.4, offset=(0.01, -0.02), velocity=(0.1, 0.2, 0.0))
    state = env.step(zeros(env))
    site = env.model.get_site("paddle_centre").get_pose(env.data)[0]
    np.testing.assert_allclose(state.obs[0, 18:21], env.data.dof_pos[0, 6:9] - site[:3], atol=2e-4)
    np.testing.assert_allclose(state.obs[0, 21:24], env.data.dof_vel[0, 6:9], atol=1e-6)
    np.testing.assert_allclose(state.obs[0, 27:30], site[:3] - env.paddle_home, atol=2e-4)
    np.testing.assert_allclose(state.obs[0, 30:33], [0, 0, 1], atol=1e-3)


def test_passive_bounces_are_counted_until_they_fall_below_the_minimum_apex():
    """Dropped from 0.7 m on the still paddle, the apexes shrink by 0.76 each bounce:
    0.53, 0.40, 0.31 count (>= 0.25 m); 0.23 and lower do not; the ball dies on the paddle."""
    env = make(num_envs=1, max_episode_seconds=10.0)
    place_ball(env, 0.7)
    bounces = []
    for _ in range(500):
        state = env.step(zeros(env))
        bounces.append(state.info["metrics"]["bounces"][0])
        if state.terminated[0]:
            break
    assert state.terminated[0] and max(bounces) == 3
    assert state.info["metrics"]["dropped"][0] == 1.0  # a dead ball ends the episode like a drop
    assert np.all(np.diff(bounces) >= 0)


def test_apex_is_measured_at_the_top_of_each_flight():
    env = make(num_envs=1, max_episode_seconds=10.0)
    place_ball(env, 0.7)
    tops, last_top, bounces = [], None, 0
    prev_vz = 0.0
    for _ in range(150):
        state = env.step(zeros(env))
        vz = env.data.dof_vel[0, 8]
        height = env.data.dof_pos[0, 8] - env.model.get_site("paddle_centre").get_pose(env.data)[0, 2]
        if prev_vz > 0 >= vz:
            last_top = ballistic_apex(height, vz)
            tops.append(last_top)
            assert state.info["last_apex"][0] == pytest.approx(last_top, abs=2e-3)
            assert state.info["metrics"]["apex_error"][0] == pytest.approx(abs(last_top - 0.5), abs=2e-3)
            bounces += last_top >= 0.25
            assert state.info["metrics"]["bounces"][0] == bounces
        prev_vz = vz
        if state.terminated[0]:
            break
    assert len(tops) >= 3
    np.testing.assert_allclose(np.array(tops[1:4]) / np.array(tops[:3]), 0.77, atol=0.05)


def test_reward_terms_add_up_and_peak_with_the_ball_at_the_target_apex():
    env = make(num_envs=2)
    # env 0: at rest at the target apex above the centre; env 1: 0.3 m too high, 4 cm aside
    place_ball(env, np.array([0.5, 0.8], np.float32))
    pos = env.data.dof_pos.copy()
    pos[1, 6] += 0.04
    env.data.reset(env.model, dof_pos=pos, dof_vel=env.data.dof_vel.copy(), forward_kinematic=True)
    state = env.step(zeros(env))
    terms = state.info["Reward"]
    assert set(terms) == {"apex", "centre", "bounce", "drift", "action"}
    np.testing.assert_allclose(sum(terms.values()), state.reward, atol=1e-6)
    assert terms["apex"][0] == pytest.approx(1.0, abs=1e-3)
    # 0.25 m beyond the 0.05 m tolerance, the gaussian falls to 0.1 at the 0.3 m margin
    assert terms["apex"][1] == pytest.approx(0.1 ** ((0.25 / 0.3) ** 2), abs=0.01)
    assert terms["centre"][0] == pytest.approx(0.5)
    assert terms["centre"][1] == pytest.approx(0.5 * 0.1 ** ((0.03 / 0.05) ** 2), abs=0.01)
    np.testing.assert_allclose(terms["bounce"], 0.0)
    assert np.all(terms["drift"] > -1e-3) and np.all(terms["action"] == 0.0)


def test_a_ball_that_misses_the_paddle_ends_the_episode_as_a_drop():
    env = make(num_envs=1)
    place_ball(env, 0.3, offset=(0.2, 0.0))
    for step in range(60):
        state = env.step(zeros(env))
        if state.terminated[0]:
            break
    assert state.terminated[0] and not state.truncated[0]
    # it ended when the ball centre passed 5 cm below the paddle centre
    assert state.final_obs[0, 20] < -0.05
    assert state.info["metrics"]["dropped"][0] == 1.0 and state.info["metrics"]["success"][0] == 0.0


def test_a_ball_lying_on_the_paddle_is_dead():
    env = make(num_envs=1)
    place_ball(env, RADIUS)
    for step in range(1, 30):
        state = env.step(zeros(env))
        if state.terminated[0]:
            break
    assert state.terminated[0]
    assert step == 10  # dead_seconds = 0.2 s at 50 Hz


def test_success_needs_the_full_episode_and_enough_bounces():
    # 2.5 s on the still paddle from 0.8 m: apexes 0.6, 0.45, 0.34, 0.26 -> 4 bounces
    for needed, success in ((4, 1.0), (5, 0.0)):
        env = make(num_envs=1, max_episode_seconds=2.5, success_bounces=needed)
        place_ball(env, 0.8)
        for _ in range(env.cfg.max_episode_steps):
            state = env.step(zeros(env))
        assert state.truncated[0] and not state.terminated[0]
        assert state.info["metrics"]["bounces"][0] == 4
        assert state.info["metrics"]["success"][0] == success


def test_episodes_start_with_the_ball_at_rest_above_the_paddle():
    env = motrix.make("bounce-ball", num_envs=256, seed=3)
    state = env.init_state()
    rel = state.obs[:, 18:21]
    assert np.all(np.abs(rel[:, :2]) <= 0.02 + 0.01) and np.ptp(rel[:, 0]) > 0.02
    assert rel[:, 2].min() >= 0.6 - 0.01 and rel[:, 2].max() <= 0.8 + 0.01
    np.testing.assert_allclose(state.obs[:, 21:27], 0.0)
    assert np.all(np.abs(state.obs[:, :6]) <= 0.005 + 1e-6) and np.ptp(state.obs[:, 0]) > 0.005


@pytest.mark.slow
def test_trains_through_the_cli_under_the_seed_name(tmp_path):
    result = run_motrix("train", "bounce_ball", "--steps", "1024", "--num-envs", "8",
                        "--set", "rollouts=16", "--set", "mini_batches=2", "--runs-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    run = tmp_path / "bounce-ball"
    assert run.is_dir() and len(list(run.iterdir())) == 1


def test_ball_spin_is_observed_in_the_world_frame():
    """MotrixSim reports a free body's angular velocity in its own frame; the observation turns it."""
    env = make(num_envs=1)
    place_ball(env, 0.5)
    pos, vel = env.data.dof_pos.copy(), env.data.dof_vel.copy()
    pos[0, 9:13] = (0.0, 0.0, np.sin(np.pi / 4), np.cos(np.pi / 4))  # turned 90 degrees about z
    vel[0, 9:12] = (5.0, 0.0, 0.0)  # spinning about its own x axis = the world's y axis
    env.data.reset(env.model, dof_pos=pos, dof_vel=vel, forward_kinematic=True)
    state = env.step(zeros(env))
    np.testing.assert_allclose(state.obs[0, 24:27], [0.0, 5.0, 0.0], atol=1e-3)
