"""The shared locomotion layer: every quadruped behind one API, the Go1 unchanged by the move."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

import motrix
from motrix.errors import UsageError
from motrix.testing import check_env

from ..core.test_cli import one_line_error
from motrix_envs_locomotion.anymal_c.robot import ANYMAL_C
from motrix_envs_locomotion.go1.model import GO1
from motrix_envs_locomotion.go2.robot import GO2

VELOCITY_ENVS = {"go1": GO1, "go2": GO2, "go2-rough": GO2, "anymal-c": ANYMAL_C, "anymal-c-rough": ANYMAL_C}

# Digests of 100 Go1 steps (seed 7, 8 robots, random actions from default_rng(1)). "go1" was
# taken with the Go1-only env as it was before the shared layer existed (commit dec3dde);
# "go1-rough" matched its dec3dde digest (0861c1469189146b) too until the spawn footprint was
# turned with the robot's heading (a fix: the highest ground under the feet had been looked up
# at unrotated points), which changes only where on the bumps robots spawn.
GO1_DIGESTS_BEFORE_THE_SHARED_LAYER = {"go1": "04230629643a5f58", "go1-rough": "6c0fae4037553e31"}


@pytest.mark.parametrize("name", sorted(GO1_DIGESTS_BEFORE_THE_SHARED_LAYER))
def test_the_go1_steps_bit_for_bit_as_before_the_shared_layer(name):
    env = motrix.make(name, num_envs=8)
    env.seed(7)
    env.init_state()
    rng, digest = np.random.default_rng(1), hashlib.sha256()
    for _ in range(100):
        state = env.step(rng.uniform(-1, 1, (8, 12)).astype(np.float32))
        digest.update(state.obs.tobytes())
        digest.update(state.reward.tobytes())
    assert digest.hexdigest()[:16] == GO1_DIGESTS_BEFORE_THE_SHARED_LAYER[name]


@pytest.mark.parametrize("name", sorted(VELOCITY_ENVS))
def test_every_quadruped_holds_its_standing_pose_in_the_velocity_task(name):
    robot = VELOCITY_ENVS[name]
    env = motrix.make(name, num_envs=4, seed=0)
    assert type(env).robot is robot
    assert env.observation_space.shape == (48,) and env.action_space.shape == (12,)
    env.init_state()
    for _ in range(100):  # 2 s of zero actions: the servos hold the standing pose
        state = env.step(np.zeros((4, 12), np.float32))
        assert not state.terminated.any()
    low, high = robot.standing_height
    height = state.info["metrics"]["base_height"]
    assert np.all((low - 0.03 < height) & (height < high)), height
    meaning = env.action_meaning()
    assert meaning["joint_order"] == list(robot.joint_names)
    assert meaning["servo_kp"] == robot.kp and meaning["torque_limits"] == list(robot.torques.astype(float))


@pytest.mark.parametrize("name", ["go2", "anymal-c", "anymal-c-navigation"])
def test_the_new_envs_keep_the_env_contract(name):
    check_env(name)


@pytest.mark.parametrize(("name", "adaptive"), [("go2-rough", False), ("anymal-c-rough", True)])
def test_the_rough_variants_have_terrain_levels_and_the_go2_a_random_one_per_episode(name, adaptive):
    env = motrix.make(name, num_envs=4, seed=0)
    assert env.curriculum is not None and env.grid is not None
    assert env.curriculum.adaptive is adaptive  # the Go2's default: measured in the locomotion README
    state = env.init_state()
    assert "terrain_level" in env.step(np.zeros((4, 12), np.float32)).info["metrics"]
    assert state.obs.shape == (4, 48)


def test_robots_spawn_above_the_ground_under_their_turned_footprint():
    env = motrix.make("anymal-c-rough", num_envs=64, seed=3, curriculum=False)
    env.init_state()
    pos = env.data.dof_pos
    yaw = 2.0 * np.arctan2(pos[:, 5], pos[:, 6])
    c, s = np.cos(yaw), np.sin(yaw)
    highest = np.max([env.terrain.height_at(pos[:, 0] + c * dx - s * dy, pos[:, 1] + s * dx + c * dy)
                      for dx, dy in ANYMAL_C.footprint], axis=0)
    np.testing.assert_allclose(pos[:, 2], ANYMAL_C.spawn_height + highest, atol=1e-5)


def test_a_config_whose_servos_or_model_differ_from_the_robot_is_refused():
    with pytest.raises(UsageError, match="kp=10.0, kd=1.0: go2's servos are kp=50.0"):
        motrix.make("go2", num_envs=1, kp=10.0)
    with pytest.raises(UsageError, match="this env loads anymal_c's anymal_c.xml"):
        motrix.make("anymal-c", num_envs=1, model_file="motrix_envs_locomotion.go1:go1.xml")
    with pytest.raises(UsageError, match="command_lin_vel_x must be two numbers"):
        motrix.make("go2", num_envs=1, command_lin_vel_x=1.0)


@pytest.mark.parametrize(("args", "message"), [
    (("config", "go2", "--env-set", "kp=10"), "motrix: error: kp=10.0, kd=1.0: go2's servos are kp=50.0, kd=1.0"),
    (("train", "anymal-c", "--env-set", "model_file=motrix_envs_locomotion.go1:go1.xml", "--steps", "100"),
     "motrix: error: model_file 'motrix_envs_locomotion.go1:go1.xml': this env loads anymal_c's anymal_c.xml"),
    (("config", "anymal-c-navigation", "--env-set", "guidance_stop_within=0.5"),
     "motrix: error: the guidance dead bands"),
])
def test_the_cli_refuses_such_configs_in_one_line(motrix_cli, args, message):
    result = motrix_cli(*args, "--backend", "torch")
    assert result.returncode == 2
    assert one_line_error(result).startswith(message)


def test_the_robots_differ_where_their_facts_do():
    masses = {robot.name: robot.total_mass for robot in (GO1, GO2, ANYMAL_C)}
    assert masses["go1"] < masses["go2"] < masses["anymal_c"]
    assert ANYMAL_C.spawn_height > 1.8 * GO2.spawn_height
    assert max(ANYMAL_C.torque_limits) > max(GO2.torque_limits) > 0


def test_aliases_of_the_seed_tasks_resolve():
    assert type(motrix.make("go2-flat-terrain-walk", num_envs=1)).__name__ == "Go2Env"
    assert type(motrix.make("anymal_c_navigation_flat", num_envs=1)).__name__ == "AnymalCNavigationEnv"


@pytest.mark.parametrize(("name", "robot", "payload"), [("go2-robust", GO2, 1.2), ("anymal-c-robust", ANYMAL_C, 3.6)])
def test_the_robust_variants_randomize_each_robot_with_a_payload_to_its_size(name, robot, payload):
    env = motrix.make(name, num_envs=16, seed=0)
    assert env.cfg.randomization.mass.added == pytest.approx((-payload, payload))
    env.init_state()
    trunk = env.model.get_link(robot.trunk)
    base = trunk.mass
    masses = np.asarray(trunk.get_mass_override(env.data))
    assert ((0.9 * base - payload - 1e-4 <= masses) & (masses <= 1.1 * base + payload + 1e-4)).all()
    assert masses.std() > 0.1  # drawn per robot
    check_env(name)
