"""``franka-open-cabinet``: the Panda pulls the top drawer open by its handle (``CabinetCfg``).

Observation (37): arm and finger angles relative to the start pose with open fingers (9),
joint velocities (9), handle relative to the fingertip centre (3), the hand's approach axis
and finger axis in the world (6), drawer opening and speed (2), previous action (8).
Action (8): ``panda.control`` (joint deltas + gripper).

Reward terms (each × weight × ctrl_dt, in ``info["Reward"]``): ``approach``
1 - tanh(d_tcp_handle / 0.2); ``align`` hand pointing at the cabinet (+x) and fingers
vertical; ``grasp`` both fingers touching the bar; ``open`` the drawer's opening / 0.4;
``open_bonus`` opened past 0.2 m; ``action_rate`` and ``joint_vel`` penalties. Success
(``info["metrics"]["success"]``): the drawer open ≥ 0.2 m, read from its slide joint.
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
from .cfg import HOME, CabinetCfg

OBS_DIM = 37
_DEFAULT = np.concatenate([HOME, [P.FINGER_STROKE, P.FINGER_STROKE]]).astype(np.float32)


class CabinetEnv(NpEnv):
    """Grasp the drawer's handle and pull the drawer open."""

    cfg: CabinetCfg
    refresh_kinematics = True  # fingertip and handle sites are read every step

    def __init__(self, cfg: CabinetCfg, num_envs: int = 1) -> None:
        super().__init__(cfg, num_envs)
        self._observation_space = gym.spaces.Box(-np.inf, np.inf, (OBS_DIM,), dtype=np.float32)
        self._action_space = gym.spaces.Box(-1.0, 1.0, (C.ACTION_DIM,), dtype=np.float32)
        self._query = self.model.compile_query({
            "dof_pos": query.DofPosition(), "dof_vel": query.DofVelocity(),
            "sites": query.SitePosition([P.TCP_SITE, "handle"]),
            "hand": query.SiteRotation([P.TCP_SITE]),
            "touch": query.GeomPairCollision([(f, "handle") for f in P.FINGER_GEOMS]),
        }).allocate(self.data)
        self._sites = [self.model.get_site(P.TCP_SITE), self.model.get_site("handle")]
        self._hand = self.model.get_site(P.TCP_SITE)
        self._actions = np.zeros((num_envs, C.ACTION_DIM), np.float32)
        self._weights = {name: getattr(cfg, f"w_{name}") * cfg.ctrl_dt for name in (
            "approach", "align", "grasp", "open", "open_bonus", "action_rate", "joint_vel")}

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
        joint_pos = state.obs[:, :7] + HOME  # the angles the last observation saw
        targets = C.arm_targets(state.info["joint_target"], joint_pos, actions, cfg.action_scale,
                                cfg.max_target_lead)
        state.info["joint_target"] = targets
        state.data.actuator_ctrls = C.servo_ctrls(targets, actions[:, 7])
        return state

    def update_state(self, state: NpEnvState) -> NpEnvState:
        cfg, info, actions = self.cfg, state.info, self._actions
        q = self._query.execute(state.data)
        pos, vel = q["dof_pos"], q["dof_vel"]
        tcp, handle = q["sites"][:, 0], q["sites"][:, 1]
        approach_axis, finger_axis = C.hand_axes(q["hand"][:, 0])
        to_handle = handle - tcp
        d = np.linalg.norm(to_handle, axis=1)
        opening = pos[:, S.DRAWER_DOF]
        held = q["touch"].all(axis=1)
        raw = {
            "approach": 1.0 - np.tanh(d / cfg.approach_std),
            "align": 0.5 * (np.clip(approach_axis[:, 0], 0, 1) + np.abs(finger_axis[:, 2])),
            "grasp": held.astype(np.float32),
            "open": np.clip(opening / S.DRAWER_TRAVEL, 0.0, 1.0),
            "open_bonus": (opening >= cfg.success_opening).astype(np.float32),
            "action_rate": np.sum(np.square(actions - info["last_action"]), axis=1),
            "joint_vel": np.sum(np.square(vel[:, :7]), axis=1),
        }
        terms = {k: (v * self._weights[k]).astype(np.float32) for k, v in raw.items()}
        state.terminated = np.abs(vel[:, :9]).max(axis=1) > cfg.max_joint_speed
        state.reward = np.sum(list(terms.values()), axis=0)
        state.obs = self.observation(pos, vel, to_handle, approach_axis, finger_axis, actions)
        info["last_action"] = actions.copy()
        info["Reward"] = terms
        info["metrics"] = {
            "success": (opening >= cfg.success_opening).astype(np.float32),
            "drawer_opening": opening.astype(np.float32),
            "tcp_handle_distance": d.astype(np.float32),
            "held": held.astype(np.float32),
        }
        return state

    @staticmethod
    def observation(pos, vel, to_handle, approach_axis, finger_axis, last_action) -> np.ndarray:
        return np.concatenate([
            pos[:, :9] - _DEFAULT, vel[:, :9], to_handle, approach_axis, finger_axis,
            pos[:, S.DRAWER_DOF:S.DRAWER_DOF + 1], vel[:, S.DRAWER_DOF:S.DRAWER_DOF + 1], last_action,
        ], axis=1, dtype=np.float32)

    def reset(self, data: motrixsim.SceneData) -> tuple[np.ndarray, dict[str, Any]]:
        n, cfg = data.shape[0], self.cfg
        arm = C.reset_pose(self.np_random, n, HOME, cfg.reset_joint_noise)
        dof_pos = np.zeros((n, self.model.num_dof_pos), np.float32)
        dof_pos[:, :7] = arm
        dof_pos[:, 7:9] = P.FINGER_STROKE
        vel = np.zeros((n, self.model.num_dof_vel), np.float32)
        data.reset(self.model, dof_pos=dof_pos, dof_vel=vel, forward_kinematic=True)
        data.actuator_ctrls = C.servo_ctrls(arm, np.ones(n, np.float32))
        tcp, handle = (s.get_position(data) for s in self._sites)
        approach_axis, finger_axis = C.hand_axes(self._hand.get_pose(data)[:, 3:7])
        no_action = np.zeros((n, C.ACTION_DIM), np.float32)
        obs = self.observation(dof_pos, vel, handle - tcp, approach_axis, finger_axis, no_action)
        return obs, {"joint_target": arm, "last_action": no_action}
