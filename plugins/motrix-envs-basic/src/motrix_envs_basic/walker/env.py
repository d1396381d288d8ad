"""Walker on MotrixSim: stand, walk or run.

Observation (24): the orientation of each of the 7 bodies as (cos, sin) of its pitch in the
world (torso, then right thigh, leg, foot, then left), the torso's height, and all 9 DoF
velocities. Action (6): right hip, knee, ankle, left hip, knee, ankle torques in [-1, 1]
times the motor gears. Reward in [0, 1] per step, a product of factors, each logged in
``info["Reward"]``: ``stand`` = (3 ``standing`` + ``upright``) / 4, where ``standing`` is 1
with the torso at ``stand_height`` or higher and fades (gaussian) to 0.1 half that height
lower, and ``upright`` = (1 + cos(torso pitch)) / 2; for walk and run, times
(5 ``move`` + 1) / 6, where ``move`` rises linearly with the centre-of-mass speed from 0 at
rest to 0.5 at half the target speed and 1 at it. Episodes end only at the time limit.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import motrixsim
import numpy as np

from motrix.env import NpEnvState
from motrix_envs_basic.common.planar import PlanarEnv
from motrix_envs_basic.common.rewards import tolerance
from motrix_envs_basic.walker.cfg import WalkerCfg

OBS_DIM = 24
TORSO_Z0 = 1.3
"""Height of the torso's centre when the root's z DoF is 0 (the model's torso pos)."""
# Each body's world pitch is the sum of the hinge angles from the root down to it:
# DoF 2 is the root pitch, 3-5 the right hip/knee/ankle, 6-8 the left ones.
_CHAINS = np.zeros((9, 7), dtype=np.float32)
for _body, _dofs in enumerate(([2], [2, 3], [2, 3, 4], [2, 3, 4, 5], [2, 6], [2, 6, 7], [2, 6, 7, 8])):
    _CHAINS[_dofs, _body] = 1.0


class WalkerEnv(PlanarEnv):
    """Walker standing (``move_speed == 0``), walking or running."""

    cfg: WalkerCfg
    sensors = ("torso_subtreelinvel",)

    def __init__(self, cfg: WalkerCfg, num_envs: int = 1) -> None:
        super().__init__(cfg, num_envs)
        if self.model.num_dof_pos != 9 or self.model.num_actuators != 6:
            raise ValueError(f"{cfg.model_file} is not a walker (needs 9 DoFs and 6 motors)")
        self._observation_space = gym.spaces.Box(-np.inf, np.inf, (OBS_DIM,), dtype=np.float32)

    @property
    def observation_space(self) -> gym.spaces.Box:
        return self._observation_space

    def update_state(self, state: NpEnvState) -> NpEnvState:
        cfg = self.cfg
        read = self.read(state.data)
        dof_pos = read["dof_pos"]
        height = dof_pos[:, 1] + np.float32(TORSO_Z0)
        speed = read["torso_subtreelinvel"][:, 0]
        standing = tolerance(height, (cfg.stand_height, np.inf), margin=cfg.stand_height / 2)
        upright = (1.0 + np.cos(dof_pos[:, 2])) / 2.0
        stand = (3.0 * standing + upright) / 4.0
        terms = {"standing": standing, "upright": upright}
        reward = stand
        if cfg.move_speed > 0:
            move = tolerance(speed, (cfg.move_speed, np.inf), margin=cfg.move_speed / 2,
                             value_at_margin=0.5, sigmoid="linear")
            terms["move"] = move
            reward = stand * (5.0 * move + 1.0) / 6.0
        state.obs = self.observation(dof_pos, read["dof_vel"])
        state.reward = reward.astype(np.float32)
        state.terminated = np.zeros(self.num_envs, dtype=bool)
        state.info["Reward"] = terms
        state.info["metrics"] = {"height": height, "speed": speed}
        return state

    @staticmethod
    def observation(dof_pos: np.ndarray, dof_vel: np.ndarray) -> np.ndarray:
        """[(cos, sin) of each body's pitch (14) | torso height (1) | dof_vel (9)]."""
        pitch = dof_pos @ _CHAINS
        orientations = np.stack([np.cos(pitch), np.sin(pitch)], axis=2).reshape(len(dof_pos), 14)
        height = dof_pos[:, 1:2] + np.float32(TORSO_Z0)
        return np.concatenate([orientations, height, dof_vel], axis=1, dtype=np.float32)

    def reset(self, data: motrixsim.SceneData) -> tuple[np.ndarray, dict[str, Any]]:
        n = data.shape[0]
        dof_pos = self.random_pose(n, self.cfg.root_pitch_range)
        dof_vel = np.zeros((n, self.model.num_dof_vel), dtype=np.float32)
        data.reset(self.model, dof_pos=dof_pos, dof_vel=dof_vel)
        return self.observation(dof_pos, dof_vel), {}
