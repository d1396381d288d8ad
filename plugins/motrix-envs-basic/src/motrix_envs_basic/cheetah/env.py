"""Cheetah on MotrixSim: run forward.

Observation (17): DoF positions without the root's x (root z, torso pitch, back thigh,
shin, foot, front thigh, shin, foot) and all 9 DoF velocities. Action (6): back thigh,
shin, foot, front thigh, shin, foot torques in [-1, 1] times the motor gears. Reward per
step: ``run`` = centre-of-mass forward speed / ``run_speed``, clipped to [0, 1] (logged in
``info["Reward"]``). Each episode starts with every leg joint uniform in its range, the
runner dropped and left to settle for ``settle_steps`` physics steps. Episodes end only at
the time limit.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import motrixsim
import numpy as np

from motrix.env import NpEnvState
from motrix_envs_basic.cheetah.cfg import CheetahCfg
from motrix_envs_basic.common.planar import PlanarEnv
from motrix_envs_basic.common.rewards import tolerance

OBS_DIM = 17


class CheetahEnv(PlanarEnv):
    """Cheetah running forward."""

    cfg: CheetahCfg
    sensors = ("torso_subtreelinvel",)

    def __init__(self, cfg: CheetahCfg, num_envs: int = 1) -> None:
        super().__init__(cfg, num_envs)
        if self.model.num_dof_pos != 9 or self.model.num_actuators != 6:
            raise ValueError(f"{cfg.model_file} is not a cheetah (needs 9 DoFs and 6 motors)")
        self._observation_space = gym.spaces.Box(-np.inf, np.inf, (OBS_DIM,), dtype=np.float32)

    @property
    def observation_space(self) -> gym.spaces.Box:
        return self._observation_space

    def update_state(self, state: NpEnvState) -> NpEnvState:
        read = self.read(state.data)
        speed = read["torso_subtreelinvel"][:, 0]
        run = tolerance(speed, (self.cfg.run_speed, np.inf), margin=self.cfg.run_speed,
                        value_at_margin=0.0, sigmoid="linear")
        state.obs = self.observation(read["dof_pos"], read["dof_vel"])
        state.reward = run
        state.terminated = np.zeros(self.num_envs, dtype=bool)
        state.info["Reward"] = {"run": run}
        state.info["metrics"] = {"speed": speed}
        return state

    @staticmethod
    def observation(dof_pos: np.ndarray, dof_vel: np.ndarray) -> np.ndarray:
        """[dof_pos without root x (8) | dof_vel (9)]."""
        return np.concatenate([dof_pos[:, 1:], dof_vel], axis=1, dtype=np.float32)

    def reset(self, data: motrixsim.SceneData) -> tuple[np.ndarray, dict[str, Any]]:
        n = data.shape[0]
        dof_pos = self.random_pose(n, root_pitch=0.0)
        dof_vel = np.zeros((n, self.model.num_dof_vel), dtype=np.float32)
        if self.cfg.settle_steps:
            dof_pos, dof_vel = self.settle(dof_pos, dof_vel)
        data.reset(self.model, dof_pos=dof_pos, dof_vel=dof_vel)
        return self.observation(dof_pos, dof_vel), {}

    def settle(self, dof_pos: np.ndarray, dof_vel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The state after ``settle_steps`` uncontrolled physics steps from the given one.

        Run on scratch data rather than on the envs themselves: the contact solver keeps
        warm-start state per env that a reset does not clear, and settling in place would
        leave each episode's start depending on that hidden state."""
        scratch = motrixsim.SceneData(self.model, batch=(len(dof_pos),))
        scratch.reset(self.model, dof_pos=dof_pos, dof_vel=dof_vel)
        self.model.step_n(scratch, self.cfg.settle_steps)
        return scratch.dof_pos, scratch.dof_vel
