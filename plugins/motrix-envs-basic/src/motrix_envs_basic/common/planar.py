"""``PlanarEnv``: what the hopper, walker and cheetah envs share.

Their models are planar: the root body carries a slide along x (``rootx``), a slide along z
(``rootz``) and a hinge about y (``rooty``), in that order, and every other joint is an
actuated hinge with one motor (action in [-1, 1] times the motor's gear). This base reads the
physics state in one native call (DoF positions, velocities and the named sensors), writes
actions, and draws the classic initial poses.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
from motrixsim import SceneData, query

from motrix.env import EnvCfg, NpEnv, NpEnvState

ROOT_JOINTS = ("rootx", "rootz", "rooty")


class PlanarEnv(NpEnv):
    """Planar-root model with motors on its hinges; subclasses add observation and reward."""

    sensors: tuple[str, ...] = ()
    """Names of the model's sensors that ``read`` returns alongside the DoFs."""

    def __init__(self, cfg: EnvCfg, num_envs: int = 1) -> None:
        super().__init__(cfg, num_envs)
        names = tuple(self.model.joint_names[:3])
        if names != ROOT_JOINTS:
            raise ValueError(f"{cfg.model_file}: the first joints must be {ROOT_JOINTS}, got {names}")
        ranges = np.array([j.range[0] for j in self.model.joints], dtype=np.float32)
        self._limited = np.isfinite(ranges).all(axis=1)
        """Per DoF: whether the joint has a range (the root has none)."""
        self._ranges = np.where(self._limited[:, None], ranges, 0.0).astype(np.float32)
        self._action_space = gym.spaces.Box(-1.0, 1.0, (self.model.num_actuators,), dtype=np.float32)
        sources = {"dof_pos": query.DofPosition(), "dof_vel": query.DofVelocity()}
        sources.update((name, query.SensorValues([name])) for name in self.sensors)
        self._query = self.model.compile_query(sources).allocate(self.data)
        self._actions = np.zeros((num_envs, self.model.num_actuators), dtype=np.float32)

    @property
    def action_space(self) -> gym.spaces.Box:
        return self._action_space

    def apply_action(self, actions: np.ndarray, state: NpEnvState) -> NpEnvState:
        self._actions = actions  # kept for control costs in update_state
        state.data.actuator_ctrls = actions
        return state

    def read(self, data: SceneData) -> query.QueryProgram:
        """DoF positions and velocities and the ``sensors`` of every env, by name."""
        return self._query.execute(data)

    def random_pose(self, n: int, root_pitch: float) -> np.ndarray:
        """(n, num_dof_pos) poses: every limited joint uniform in its range, the root pitch
        uniform in [-root_pitch, root_pitch], the root at the model's position."""
        low, high = self._ranges[:, 0], self._ranges[:, 1]
        pose = self.np_random.uniform(low, high, size=(n, low.size)).astype(np.float32)
        pose[:, 2] = self.np_random.uniform(-root_pitch, root_pitch, size=n)
        return pose
