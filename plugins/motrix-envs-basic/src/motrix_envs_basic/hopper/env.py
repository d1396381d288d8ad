"""Hopper on MotrixSim: stand up, or hop forward.

Observation (15): DoF positions without the root's x (root z, torso pitch, waist, hip,
knee, ankle), all 7 DoF velocities, and log(1 + touch force) at the toe and the heel.
Action (4): waist, hip, knee and ankle torques in [-1, 1] times the motor gears.
Reward in [0, 1] per step, a product of factors, each logged in ``info["Reward"]``:
``standing`` (1 with the torso's centre of mass between ``stand_height`` and
``stand_height_max`` above the foot's, fading as a gaussian to 0.1 at ``stand_margin`` below) times,
when standing still, ``small_control`` ((4 + mean(1 - u²)) / 5) or, when hopping,
``hopping`` (centre-of-mass speed, linear from 0 at rest to 0.5 at half the target speed to
1 at the target; during the ``stand_first`` curriculum, hopper-hop's first half of training,
blended with 1, so that standing still pays too). Episodes end only at the time limit. Each
starts in the classic random pose (any torso pitch, every joint anywhere in its range) or, for the share
``upright_start_fraction`` of resets (half by default; 0 for the classic start), near upright.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import motrixsim
import numpy as np
from motrixsim import query

from motrix.env import NpEnvState
from motrix_envs_basic.common.planar import PlanarEnv
from motrix_envs_basic.common.rewards import tolerance
from motrix_envs_basic.hopper.cfg import HopperCfg

OBS_DIM = 15


def small_control(actions: np.ndarray) -> np.ndarray:
    """(4 + mean over motors of (1 - u²)) / 5: 1 for no effort, 0.8 for full effort."""
    effort = tolerance(actions, margin=1.0, value_at_margin=0.0, sigmoid="quadratic").mean(axis=1)
    return (4.0 + effort) / 5.0


class HopperEnv(PlanarEnv):
    """Hopper standing (``hop_speed == 0``) or hopping forward."""

    cfg: HopperCfg
    sensors = ("torso_subtreelinvel", "touch_toe", "touch_heel")
    # Standing height is read from sites on the torso and the foot, whose poses must be current.
    refresh_kinematics = True

    def __init__(self, cfg: HopperCfg, num_envs: int = 1) -> None:
        super().__init__(cfg, num_envs)
        self._observation_space = gym.spaces.Box(-np.inf, np.inf, (OBS_DIM,), dtype=np.float32)
        # The classic height: between the torso's and the foot's centres of mass (sites there).
        sites = query.SitePosition(["torso_com", "foot_com"])
        self._centres = self.model.compile_query({"pos": sites}).allocate(self.data)

    @property
    def observation_space(self) -> gym.spaces.Box:
        return self._observation_space

    def update_state(self, state: NpEnvState) -> NpEnvState:
        cfg = self.cfg
        read = self.read(state.data)
        pos = self._centres.execute(state.data)["pos"]
        height = pos[:, 0, 2] - pos[:, 1, 2]
        speed = read["torso_subtreelinvel"][:, 0]
        touch = np.concatenate([read["touch_toe"], read["touch_heel"]], axis=1)
        standing = tolerance(height, (cfg.stand_height, cfg.stand_height_max), margin=cfg.stand_margin)
        if cfg.hop_speed > 0:
            second = tolerance(speed, (cfg.hop_speed, np.inf), margin=cfg.hop_speed / 2,
                               value_at_margin=0.5, sigmoid="linear")
            terms = {"standing": standing, "hopping": second}
            weight = self.stand_weight()
            if weight > 0:  # the curriculum: standing still pays too, less and less
                second = weight + (1.0 - weight) * second
        else:
            second = small_control(self._actions)
            terms = {"standing": standing, "small_control": second}
        state.obs = self.observation(read["dof_pos"], read["dof_vel"], touch)
        state.reward = standing * second
        state.terminated = np.zeros(self.num_envs, dtype=bool)
        state.info["Reward"] = terms
        state.info["metrics"] = {"height": height, "speed": speed}
        if cfg.hop_speed > 0 and cfg.stand_first > 0:  # where the curriculum is (TensorBoard)
            state.info["metrics"]["stand_weight"] = np.full(self.num_envs, weight, np.float32)
        return state

    def stand_weight(self) -> float:
        """How much standing still pays in the ``stand_first`` curriculum: 1 when training
        starts, 0 once that share of it is done (and outside training)."""
        if self.cfg.stand_first <= 0:
            return 0.0
        return max(0.0, 1.0 - self.training_progress / self.cfg.stand_first)

    def upright_pose(self, n: int) -> np.ndarray:
        """(n, 7) poses near standing straight: torso pitch and each joint within the noise of
        upright (clipped to the joint ranges), the knee at its straight stop, the foot 6 cm
        above the floor (it drops onto it)."""
        noise = self.cfg.upright_start_noise
        pose = np.zeros((n, 7), dtype=np.float32)
        pose[:, 2:] = self.np_random.uniform(-noise, noise, size=(n, 5))
        pose[:, 5] += self._ranges[5, 1]  # knee: straight is its upper stop
        return np.clip(pose, np.where(self._limited, self._ranges[:, 0], -np.inf),
                       np.where(self._limited, self._ranges[:, 1], np.inf)).astype(np.float32)

    @staticmethod
    def observation(dof_pos: np.ndarray, dof_vel: np.ndarray, touch: np.ndarray) -> np.ndarray:
        """[dof_pos without root x (6) | dof_vel (7) | log1p(touch at toe, heel) (2)]."""
        return np.concatenate([dof_pos[:, 1:], dof_vel, np.log1p(touch)], axis=1, dtype=np.float32)

    def reset(self, data: motrixsim.SceneData) -> tuple[np.ndarray, dict[str, Any]]:
        n = data.shape[0]
        dof_pos = self.random_pose(n, self.cfg.root_pitch_range)
        upright = self.np_random.random(n) < self.cfg.upright_start_fraction
        dof_vel = np.zeros((n, self.model.num_dof_vel), dtype=np.float32)
        if upright.any():
            count = int(upright.sum())
            dof_pos[upright] = self.upright_pose(count)
            if self.cfg.upright_start_speed > 0:
                dof_vel[upright, 0] = self.np_random.uniform(0.0, self.cfg.upright_start_speed, count)
        data.reset(self.model, dof_pos=dof_pos, dof_vel=dof_vel, forward_kinematic=True)
        # Touch sensors are only computed by a physics step: none yet.
        return self.observation(dof_pos, dof_vel, np.zeros((n, 2), np.float32)), {}
