"""``franka-lift-cube``: the Panda grasps a 4 cm cube and holds it at a target (see ``LiftCfg``).

Observation (42): arm and finger angles relative to the home pose with open fingers (9),
joint velocities (9), cube position (3) and orientation quaternion xyzw (4), target
position (3), cube relative to the fingertip centre (3), target relative to the cube (3),
previous action (8). Action (8): ``panda.control`` (joint deltas + gripper).

Reward terms (each × weight × ctrl_dt, in ``info["Reward"]``): ``reach``
1 - tanh(d_tcp_cube / 0.2); ``grasp`` both fingers touching the cube; ``lift`` the cube's
centre above 4 cm; ``target`` and ``target_fine`` 1 - tanh(d_cube_target / std) while lifted;
``action_rate``, ``joint_vel`` and ``servo_lead`` (joint targets ahead of the angles)
penalties. Success (``info["metrics"]["success"]``): the cube's centre within 5 cm of the
target, judged from the physics state. In training, targets start straight above the cube
and spread to the full task over ``target_curriculum`` of the budget.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import motrixsim
import numpy as np
from motrixsim import query

from motrix.env import NpEnv, NpEnvState

from ..panda import control as C
from ..panda import model as P
from . import scene as S
from .cfg import LiftCfg

OBS_DIM = 42
_DEFAULT = np.concatenate([P.HOME, [P.FINGER_STROKE, P.FINGER_STROKE]]).astype(np.float32)


class LiftEnv(NpEnv):
    """Grasp the cube, lift it and hold it at the target point."""

    cfg: LiftCfg
    refresh_kinematics = True  # the fingertip site is read every step

    def __init__(self, cfg: LiftCfg, num_envs: int = 1) -> None:
        super().__init__(cfg, num_envs)
        self._observation_space = gym.spaces.Box(-np.inf, np.inf, (OBS_DIM,), dtype=np.float32)
        self._action_space = gym.spaces.Box(-1.0, 1.0, (C.ACTION_DIM,), dtype=np.float32)
        # One native call per step for everything the task reads.
        self._query = self.model.compile_query({
            "dof_pos": query.DofPosition(), "dof_vel": query.DofVelocity(),
            "tcp": query.SitePosition([P.TCP_SITE]),
            "touch": query.GeomPairCollision([(f, "cube") for f in P.FINGER_GEOMS]),
        }).allocate(self.data)
        self._tcp = self.model.get_site(P.TCP_SITE)
        self._actions = np.zeros((num_envs, C.ACTION_DIM), np.float32)
        self._weights = {name: getattr(cfg, f"w_{name}") * cfg.ctrl_dt for name in (
            "reach", "grasp", "lift", "target", "target_fine", "action_rate", "joint_vel", "servo_lead")}

    def build_model(self) -> motrixsim.SceneModel:
        return S.load()

    @property
    def observation_space(self) -> gym.spaces.Box:
        return self._observation_space

    @property
    def action_space(self) -> gym.spaces.Box:
        return self._action_space

    def apply_action(self, actions: np.ndarray, state: NpEnvState) -> NpEnvState:
        cfg = self.cfg
        self._actions = actions
        joint_pos = state.obs[:, :7] + P.HOME  # the angles the last observation saw
        targets = C.arm_targets(state.info["joint_target"], joint_pos, actions, cfg.action_scale,
                                cfg.max_target_lead)
        state.info["joint_target"] = targets
        state.data.actuator_ctrls = C.servo_ctrls(targets, actions[:, 7])
        return state

    def update_state(self, state: NpEnvState) -> NpEnvState:
        cfg, info, actions = self.cfg, state.info, self._actions
        q = self._query.execute(state.data)
        pos, vel = q["dof_pos"], q["dof_vel"]
        tcp = q["tcp"][:, 0]
        cube = pos[:, S.CUBE_DOF]
        cube_pos, target = cube[:, :3], info["target"]
        to_cube = cube_pos - tcp
        to_target = target - cube_pos
        d_reach = np.linalg.norm(to_cube, axis=1)
        d_target = np.linalg.norm(to_target, axis=1)
        held = q["touch"].all(axis=1)
        lifted = cube_pos[:, 2] > cfg.lift_height
        raw = {
            "reach": 1.0 - np.tanh(d_reach / cfg.reach_std),
            "grasp": held.astype(np.float32),
            "lift": lifted.astype(np.float32),
            "target": lifted * (1.0 - np.tanh(d_target / cfg.target_std)),
            "target_fine": lifted * (1.0 - np.tanh(d_target / cfg.target_fine_std)),
            "action_rate": np.sum(np.square(actions - info["last_action"]), axis=1),
            "joint_vel": np.sum(np.square(vel[:, :7]), axis=1),
            "servo_lead": np.sum(np.square(info["joint_target"] - pos[:, :7]), axis=1),
        }
        terms = {k: (v * self._weights[k]).astype(np.float32) for k, v in raw.items()}
        lost = np.linalg.norm(cube_pos[:, :2], axis=1) > cfg.cube_lost_distance
        lost |= cube_pos[:, 2] < -0.05
        blown = np.abs(vel[:, :9]).max(axis=1) > cfg.max_joint_speed
        state.terminated = lost | blown
        state.reward = np.sum(list(terms.values()), axis=0)
        state.obs = self.observation(pos, vel, tcp, target, actions)
        info["last_action"] = actions.copy()
        info["Reward"] = terms
        info["metrics"] = {
            "success": (d_target < cfg.success_distance).astype(np.float32),
            "cube_target_distance": d_target.astype(np.float32),
            "tcp_cube_distance": d_reach.astype(np.float32),
            "cube_height": cube_pos[:, 2].astype(np.float32),
            "held": held.astype(np.float32),
        }
        if cfg.target_curriculum > 0:  # where the curriculum is (TensorBoard)
            info["metrics"]["target_spread"] = np.full(self.num_envs, self.target_spread(), np.float32)
        return state

    def target_spread(self) -> float:
        """How far new targets lie towards their full random position (``target_curriculum``):
        1 outside training and once the curriculum is over."""
        if self.cfg.target_curriculum <= 0:
            return 1.0
        return min(1.0, self.training_progress / self.cfg.target_curriculum)

    @staticmethod
    def observation(pos: np.ndarray, vel: np.ndarray, tcp: np.ndarray, target: np.ndarray,
                    last_action: np.ndarray) -> np.ndarray:
        cube_pos = pos[:, 9:12]
        return np.concatenate([
            pos[:, :9] - _DEFAULT, vel[:, :9], cube_pos, pos[:, 12:16], target,
            cube_pos - tcp, target - cube_pos, last_action,
        ], axis=1, dtype=np.float32)

    def reset(self, data: motrixsim.SceneData) -> tuple[np.ndarray, dict[str, Any]]:
        n, rng, cfg = data.shape[0], self.np_random, self.cfg
        arm = C.reset_pose(rng, n, P.HOME, cfg.reset_joint_noise)
        dof_pos = np.zeros((n, self.model.num_dof_pos), np.float32)
        dof_pos[:, :7] = arm
        dof_pos[:, 7:9] = P.FINGER_STROKE
        dof_pos[:, 9] = rng.uniform(*cfg.cube_x, size=n)
        dof_pos[:, 10] = rng.uniform(*cfg.cube_y, size=n)
        dof_pos[:, 11] = S.CUBE_HALF
        yaw = rng.uniform(-cfg.cube_yaw, cfg.cube_yaw, size=n)
        dof_pos[:, 14], dof_pos[:, 15] = np.sin(yaw / 2), np.cos(yaw / 2)
        target = np.column_stack([rng.uniform(*r, size=n) for r in (cfg.target_x, cfg.target_y, cfg.target_z)])
        spread = self.target_spread()
        if spread < 1.0:  # the curriculum: start from straight above the cube
            start = np.column_stack([dof_pos[:, 9], dof_pos[:, 10], np.full(n, cfg.target_start_height)])
            target = start + spread * (target - start)
        target = target.astype(np.float32)
        vel = np.zeros((n, self.model.num_dof_vel), np.float32)
        data.reset(self.model, dof_pos=dof_pos, dof_vel=vel, forward_kinematic=True)
        no_action = np.zeros((n, C.ACTION_DIM), np.float32)
        data.actuator_ctrls = C.servo_ctrls(arm, np.ones(n, np.float32))
        tcp = self._tcp.get_position(data)
        obs = self.observation(dof_pos, vel, tcp, target, no_action)
        return obs, {"target": target, "joint_target": arm, "last_action": no_action}
