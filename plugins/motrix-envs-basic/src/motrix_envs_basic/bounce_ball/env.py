"""bounce_ball on MotrixSim: a six-axis arm keeps a table-tennis ball bouncing on its paddle.

Observation (33), all in the world frame: joint angles from home (6), joint velocities (6),
servo targets minus joint angles (6), ball position relative to the paddle centre (3), ball
velocity (3), ball spin (3), paddle centre relative to its home (3), paddle face normal (3).
Action (6): joint-target deltas in [-1, 1] times ``action_scale`` per control step.

Ball events are read from the physics state once per control step: a *hit* is the ball's
vertical velocity turning upward near the paddle; an *apex* is it turning downward, the apex
height being exactly ``z + vz^2 / 2g`` (ballistic flight) above the paddle centre. A hit
followed by an apex of at least ``min_bounce_apex`` is a bounce.

Reward per step (terms in ``info["Reward"]``): ``apex`` = tolerance of the ballistic apex
of the ball's current flight around ``target_apex``; ``centre`` = tolerance of the ball's
horizontal distance from the paddle centre; ``bounce`` = ``bounce_bonus`` at each counted
bounce; ``drift`` = paddle centre away from home (penalty); ``action`` = mean squared action
(penalty). Episodes end when the ball falls past the paddle, flies ``max_distance`` away, or
lies dead on the paddle; 20 s at 50 Hz otherwise.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import motrixsim
import numpy as np
from motrix.env import NpEnv, NpEnvState
from motrix.env.layout import ObsSlice
from motrixsim import query

from motrix_envs_basic.bounce_ball.cfg import BounceBallCfg
from motrix_envs_basic.common.rewards import tolerance

OBS_DIM = 33
ARM_DOFS = 6
GRAVITY = 9.81
HOME = np.zeros(ARM_DOFS, dtype=np.float32)
"""Home joint angles: upper arm up, forearm and paddle forward, paddle face up."""
BALL_POS = slice(6, 9)
BALL_QUAT = slice(9, 13)
BALL_VEL = slice(6, 9)
BALL_SPIN = slice(9, 12)


def rotate(quat: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate vectors ``v`` (n, 3) by quaternions ``quat`` (n, 4, x y z w)."""
    u, w = quat[:, :3], quat[:, 3:4]
    t = 2.0 * np.cross(u, v)
    return v + w * t + np.cross(u, t)


def face_normal(quat: np.ndarray) -> np.ndarray:
    """World direction of a frame's z axis for quaternions (n, 4, x y z w)."""
    x, y, z, w = quat[:, 0], quat[:, 1], quat[:, 2], quat[:, 3]
    return np.stack([2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)], axis=1)


def ballistic_apex(height: np.ndarray, vz: np.ndarray) -> np.ndarray:
    """Highest point of a free flight from ``height`` with vertical speed ``vz`` (rising or falling)."""
    return height + vz * vz / (2.0 * GRAVITY)


class BounceBallEnv(NpEnv):
    """A six-axis arm on position servos juggles a ball on its paddle at a target height."""

    cfg: BounceBallCfg

    def __init__(self, cfg: BounceBallCfg, num_envs: int = 1) -> None:
        super().__init__(cfg, num_envs)
        if self.model.num_dof_pos != ARM_DOFS + 7 or self.model.num_actuators != ARM_DOFS:
            raise ValueError(f"{cfg.model_file} is not a bounce_ball scene (needs 6 servoed joints and a free ball)")
        self._observation_space = gym.spaces.Box(-np.inf, np.inf, (OBS_DIM,), dtype=np.float32)
        self._action_space = gym.spaces.Box(-1.0, 1.0, (ARM_DOFS,), dtype=np.float32)
        self._ctrl_low, self._ctrl_high = (np.asarray(b, np.float32) for b in self.model.actuator_ctrl_limits)
        self._site = self.model.get_site("paddle_centre")
        self._gravity_offset = self._holding_offset()
        self._paddle_home = self._site_pose(HOME[None])[0, :3].copy()
        plan = self.model.compile_query({
            "dof_pos": query.DofPosition(), "dof_vel": query.DofVelocity(),
            "paddle_pos": query.SitePosition(["paddle_centre"]), "paddle_rot": query.SiteRotation(["paddle_centre"]),
        })
        self._query = plan.allocate(self.data)
        self._actions = np.zeros((num_envs, ARM_DOFS), dtype=np.float32)
        self._dead_steps = max(1, round(cfg.dead_seconds / cfg.ctrl_dt))

    @property
    def observation_space(self) -> gym.spaces.Box:
        return self._observation_space

    @property
    def action_space(self) -> gym.spaces.Box:
        return self._action_space

    def observation_layout(self) -> tuple[ObsSlice, ...]:
        joints = "j1 (base yaw), j2 (shoulder), j3 (elbow), j4 (forearm roll), j5 (wrist pitch), j6 (paddle roll)"
        return (
            ObsSlice("joint_pos", 6, f"joint angles from home (all 0), rad, in the order {joints}"),
            ObsSlice("joint_vel", 6, "joint velocities, rad/s, same order"),
            ObsSlice("target_error", 6, "servo targets minus joint angles, rad, same order"),
            ObsSlice("ball_pos", 3, "ball centre minus paddle face centre, world frame, m (x forward, z up)"),
            ObsSlice("ball_vel", 3, "ball linear velocity, world frame, m/s"),
            ObsSlice("ball_spin", 3, "ball angular velocity, world frame, rad/s"),
            ObsSlice("paddle_pos", 3, "paddle face centre minus its home position, world frame, m"),
            ObsSlice("paddle_normal", 3, "unit normal of the paddle face, world frame ((0, 0, 1) level)"),
        )

    def action_meaning(self) -> dict[str, Any]:
        return {
            "size": ARM_DOFS,
            "kind": "joint position-target deltas for position servos",
            "joint_order": list(self.model.joint_names[:ARM_DOFS]),
            "target": "previous target + action_scale * clip(action, -1, 1), within the joint ranges",
            "action_scale": float(self.cfg.action_scale),
            "servo_command": "target + gravity_offset (holds the arm still against gravity at home)",
            "gravity_offset": self._gravity_offset.astype(float).tolist(),
            "low": -1.0, "high": 1.0,
        }

    @property
    def paddle_home(self) -> np.ndarray:
        """World position (3,) of the paddle centre at the home pose."""
        return self._paddle_home

    # -- setup -------------------------------------------------------------------------
    def _holding_offset(self) -> np.ndarray:
        """Servo offset that holds the arm still at home against gravity.

        A position servo sags by torque / kp under load; targets are commanded as angles and
        this offset is added, so a still policy holds the paddle level (a tilted paddle sends
        the ball sideways). Found by letting a lone arm settle twice, the ball out of reach.
        """
        data = motrixsim.SceneData(self.model)
        offset = np.zeros(ARM_DOFS, dtype=np.float32)
        dof_pos = np.zeros(self.model.num_dof_pos, dtype=np.float32)
        dof_pos[BALL_POS], dof_pos[BALL_QUAT.stop - 1] = (0.0, 0.0, -10.0), 1.0
        for _ in range(2):
            data.reset(self.model, dof_pos=dof_pos, dof_vel=np.zeros(self.model.num_dof_vel, np.float32))
            data.actuator_ctrls = HOME + offset
            self.model.step_n(data, round(1.0 / self.cfg.sim_dt))
            offset = offset - (data.dof_pos[:ARM_DOFS] - HOME)
        return offset.astype(np.float32)

    def _site_pose(self, joints: np.ndarray) -> np.ndarray:
        """Paddle centre poses (n, 7) for joint angles (n, 6), through the model's kinematics."""
        n = joints.shape[0]
        data = motrixsim.SceneData(self.model, batch=(n,))
        dof_pos = np.zeros((n, self.model.num_dof_pos), dtype=np.float32)
        dof_pos[:, :ARM_DOFS], dof_pos[:, BALL_QUAT.stop - 1] = joints, 1.0
        data.reset(self.model, dof_pos=dof_pos, dof_vel=np.zeros((n, self.model.num_dof_vel), np.float32),
                   forward_kinematic=True)
        return self._site.get_pose(data)

    # -- stepping ----------------------------------------------------------------------
    def apply_action(self, actions: np.ndarray, state: NpEnvState) -> NpEnvState:
        targets = state.info["targets"] + np.float32(self.cfg.action_scale) * actions
        targets = np.clip(targets, self._ctrl_low - self._gravity_offset, self._ctrl_high - self._gravity_offset)
        state.info["targets"] = targets
        state.data.actuator_ctrls = targets + self._gravity_offset
        self._actions = actions  # kept for the action penalty in update_state
        return state

    def update_state(self, state: NpEnvState) -> NpEnvState:
        cfg, info = self.cfg, state.info
        read = self._query.execute(state.data)
        dof_pos, dof_vel = read["dof_pos"], read["dof_vel"]
        paddle_pos, paddle_rot = read["paddle_pos"][:, 0], read["paddle_rot"][:, 0]
        rel = dof_pos[:, BALL_POS] - paddle_pos
        vz = dof_vel[:, BALL_VEL.start + 2]
        height, distance = rel[:, 2], np.hypot(rel[:, 0], rel[:, 1])
        apex_now = ballistic_apex(height, vz)

        # Events since the last control step, from the sign of the ball's vertical velocity.
        prev_vz = info["ball_vz"]
        hit = (prev_vz <= 0) & (vz > 0) & (height < 0.1)
        apex = (prev_vz > 0) & (vz <= 0)
        pending = info["hit_pending"] | hit
        counted = apex & pending & (apex_now >= cfg.min_bounce_apex)
        bounces = info["bounces"] + counted
        last_apex = np.where(apex, apex_now, info["last_apex"]).astype(np.float32)
        pending = pending & ~apex
        dead_count = np.where(apex_now < cfg.dead_height, info["dead_count"] + 1, 0)

        from_home = np.hypot(dof_pos[:, BALL_POS.start] - self._paddle_home[0],
                             dof_pos[:, BALL_POS.start + 1] - self._paddle_home[1])
        dropped = (height < -cfg.drop_depth) | (from_home > cfg.max_distance)
        dead = dead_count >= self._dead_steps
        terminated = dropped | dead

        drift = np.linalg.norm(paddle_pos - self._paddle_home, axis=1)
        terms = {
            "apex": cfg.apex_weight * tolerance(np.abs(apex_now - cfg.target_apex), (0.0, cfg.apex_tolerance),
                                                margin=cfg.apex_margin),
            "centre": cfg.centre_weight * tolerance(distance, (0.0, cfg.centre_tolerance), margin=cfg.centre_margin),
            "bounce": cfg.bounce_bonus * counted.astype(np.float32),
            "drift": -cfg.drift_weight * np.minimum((drift / cfg.drift_scale) ** 2, 1.0).astype(np.float32),
            "action": -cfg.action_weight * np.mean(self._actions**2, axis=1),
        }
        reward = sum(terms.values())

        # Success is decided on an episode's last step: it ran its full length, no drop.
        last_step = info["steps"] + 1 >= cfg.max_episode_steps
        success = last_step & ~terminated & (bounces >= cfg.success_bounces)
        state.obs = self.observation(dof_pos, dof_vel, info["targets"], rel, paddle_pos, paddle_rot)
        state.reward, state.terminated = reward.astype(np.float32), terminated
        info.update(ball_vz=vz.copy(), hit_pending=pending, bounces=bounces, last_apex=last_apex,
                    dead_count=dead_count)
        info["Reward"] = terms
        info["metrics"] = {
            "bounces": bounces.astype(np.float32),
            "apex_error": np.abs(last_apex - cfg.target_apex),
            "ball_height": height.astype(np.float32),
            "centre_distance": distance.astype(np.float32),
            "dropped": terminated.astype(np.float32),
            "success": success.astype(np.float32),
        }
        return state

    def observation(self, dof_pos: np.ndarray, dof_vel: np.ndarray, targets: np.ndarray, rel: np.ndarray,
                    paddle_pos: np.ndarray, paddle_rot: np.ndarray) -> np.ndarray:
        """The 33 observation values (see the module docstring) for a batch."""
        joints = dof_pos[:, :ARM_DOFS]
        spin = rotate(dof_pos[:, BALL_QUAT], dof_vel[:, BALL_SPIN])  # MotrixSim reports it in the ball's frame
        return np.concatenate([
            joints - HOME, dof_vel[:, :ARM_DOFS], targets - joints, rel, dof_vel[:, BALL_VEL], spin,
            paddle_pos - self._paddle_home, face_normal(paddle_rot),
        ], axis=1, dtype=np.float32)

    def reset(self, data: motrixsim.SceneData) -> tuple[np.ndarray, dict[str, Any]]:
        n, rng, cfg = data.shape[0], self.np_random, self.cfg
        joints = (HOME + rng.uniform(-cfg.joint_noise, cfg.joint_noise, (n, ARM_DOFS))).astype(np.float32)
        dof_pos = np.zeros((n, self.model.num_dof_pos), dtype=np.float32)
        dof_pos[:, :ARM_DOFS], dof_pos[:, BALL_QUAT.stop - 1] = joints, 1.0
        data.reset(self.model, dof_pos=dof_pos, dof_vel=np.zeros((n, self.model.num_dof_vel), np.float32),
                   forward_kinematic=True)
        paddle = self._site.get_pose(data)
        ball = paddle[:, :3].copy()
        ball[:, :2] += rng.uniform(-cfg.start_offset, cfg.start_offset, (n, 2))
        start = rng.uniform(*cfg.start_height, n).astype(np.float32)
        ball[:, 2] += start
        dof_pos[:, BALL_POS] = ball
        dof_vel = np.zeros((n, self.model.num_dof_vel), dtype=np.float32)
        data.reset(self.model, dof_pos=dof_pos, dof_vel=dof_vel, forward_kinematic=True)

        obs = self.observation(dof_pos, dof_vel, joints, ball - paddle[:, :3], paddle[:, :3], paddle[:, 3:])
        zeros = np.zeros(n, dtype=np.float32)
        info = {
            "targets": joints, "ball_vz": zeros, "hit_pending": np.zeros(n, dtype=bool),
            "bounces": np.zeros(n, dtype=np.int64), "last_apex": start, "dead_count": np.zeros(n, dtype=np.int64),
        }
        return obs, info
