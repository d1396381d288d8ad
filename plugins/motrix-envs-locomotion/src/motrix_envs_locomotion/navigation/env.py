"""Point-to-point navigation for any ``Quadruped`` on flat ground (see ``NavigationCfg``).

Each episode a robot spawns at the origin facing a random way, and a goal pose is drawn:
a point within ±``goal_range`` m in x and y and a heading within ±``goal_heading_range``.
A proportional controller (guidance.py) turns the goal's offset into a velocity command;
the policy sees the command and the goal and is rewarded for tracking the command, a
little for every metre of new closest approach, and for each second spent at the goal, more
so when still. Success (``info["metrics"]["success"]``, from the physics state) = within
``success_distance`` and ``success_heading`` of the goal and at rest.

Where the seed task was weak, and what this does instead:
- it always spawned facing +x, so "turn to face the goal" was never learnt from other
  headings: here the spawn yaw is uniform;
- 7 s episodes are shorter than the farthest goal needs at 1 m/s (7 m, then braking and
  turning): here 15 s, the last seconds teaching the robot to stay put;
- its command went to zero at the edge of the success tolerance, so robots stopped on the
  edge and drifted out: here the dead bands are half (distance) and a third (heading) of
  the tolerances;
- its command pointed at the goal without turning to it: here the robot is also turned
  to face a far goal, so that it ends up walking there forwards (guidance.py);
- at 100 Hz control with 0.06 rad of action authority it needed 100M env-steps: here 50 Hz
  and the velocity task's authority and gait terms, which learn in minutes.

Observation (53): base linear/angular velocity and projected gravity (9), the guidance
command (3), joint angles/velocities and the previous action (36), the goal in the heading
frame (2), the heading error (1), the distance (1), the arrived flag (1).
"""

from __future__ import annotations

from typing import Any

import motrixsim
import numpy as np

from motrix.env import NpEnvState
from motrix.env.layout import ObsSlice

from .. import rewards as R
from ..kinematics import wrap_angle, yaw_of
from ..proprioception import Body, base_obs, base_slices, joint_obs, joint_slices, resting_body
from ..quadruped_env import QuadrupedEnv
from . import guidance as Gd
from .cfg import NavigationCfg

_WEIGHTED = ("tracking_lin_vel", "tracking_ang_vel", "progress", "at_goal", "at_rest", "lin_vel_z", "ang_vel_xy",
             "torques", "dof_acc", "action_rate", "feet_air_time", "hip_deviation")
GOAL_OBS = 5


class NavigationEnv(QuadrupedEnv):
    """Walk ``robot`` to a goal pose and stand there."""

    cfg: NavigationCfg

    def __init__(self, cfg: NavigationCfg, num_envs: int = 1) -> None:
        super().__init__(cfg, num_envs, obs_dim=12 + 3 * self.robot.num_joints + GOAL_OBS)
        self._weights = self.reward_weights(_WEIGHTED)

    # -- goal geometry ---------------------------------------------------------------
    def goal_state(self, body: Body, info: dict[str, Any]) -> dict[str, np.ndarray]:
        """Where the goal is from the robot, the command to it, and whether it has arrived (each (n, ...))."""
        cfg = self.cfg
        yaw = yaw_of(body.quat)
        goal_body = Gd.goal_in_body_frame(info["goal_xy"], body.pos[:, :2], yaw)
        heading_error = wrap_angle(info["goal_yaw"] - yaw).astype(np.float32)
        distance = np.linalg.norm(goal_body, axis=1)
        command = Gd.guidance_command(goal_body, heading_error, cfg.guidance_gain, cfg.guidance_max_speed,
                                      cfg.guidance_max_lateral_speed, cfg.guidance_yaw_gain, cfg.guidance_max_yaw_rate,
                                      cfg.guidance_stop_within, cfg.guidance_stop_heading, cfg.guidance_approach_within)
        arrived = Gd.at_goal(distance, heading_error, cfg.success_distance, cfg.success_heading)
        return {"goal_body": goal_body, "heading_error": heading_error, "distance": distance, "command": command,
                "arrived": arrived}

    # -- after physics ---------------------------------------------------------------
    def update_state(self, state: NpEnvState) -> NpEnvState:
        cfg, info, actions = self.cfg, state.info, self._actions
        body = self.read_body(state.data)
        trunk_contact, foot_force = self.contacts(state.data)
        feet = self.step_feet(info["feet_air_time"], foot_force)
        goal = self.goal_state(body, info)
        seen = info["command"]  # the command the policy acted on
        planar_speed = np.linalg.norm(body.lin_vel[:, :2], axis=1)
        resting = Gd.at_rest(planar_speed, body.ang_vel[:, 2], cfg.rest_speed, cfg.rest_yaw_rate)
        best = info["best_distance"]
        raw = {
            "tracking_lin_vel": R.tracking_lin_vel(seen, body.lin_vel, cfg.tracking_sigma),
            "tracking_ang_vel": R.tracking_ang_vel(seen, body.ang_vel, cfg.tracking_sigma),
            "progress": np.maximum(best - goal["distance"], 0.0) / cfg.ctrl_dt,
            "at_goal": goal["arrived"].astype(np.float32),
            "at_rest": (goal["arrived"] & resting).astype(np.float32),
            **self.effort_terms(body, actions, info),
            **self.gait_terms(body, feet, seen),
        }
        terms, reward = self.weigh(raw, self._weights)
        state.terminated = self.fallen(body, trunk_contact)
        terms["fall"] = (cfg.w_fall * state.terminated).astype(np.float32)
        state.reward = (reward + terms["fall"]).astype(np.float32)
        state.obs = self.observation(body, goal, actions)
        info.update(goal_xy=info["goal_xy"].copy(), goal_yaw=info["goal_yaw"].copy(), command=goal["command"],
                    best_distance=np.minimum(best, goal["distance"]).astype(np.float32),
                    **self.memory(body, actions, feet))
        info["Reward"] = terms
        info["metrics"] = {
            "distance_to_goal": goal["distance"],
            "heading_error": np.abs(goal["heading_error"]),
            "planar_speed": planar_speed,
            "arrived": goal["arrived"].astype(np.float32),
            "success": (goal["arrived"] & resting).astype(np.float32),
        }
        return state

    def observation_layout(self) -> tuple[ObsSlice, ...]:
        return (
            *base_slices(),
            ObsSlice("command", 3, "the guidance controller's vx, vy (m/s, body frame) and yaw rate (rad/s)"),
            *joint_slices(self.robot),
            ObsSlice("goal_position", 2, "the goal point in the heading frame, m (x ahead, y left)"),
            ObsSlice("heading_error", 1, "goal heading minus heading, wrapped to [-pi, pi), rad"),
            ObsSlice("goal_distance", 1, "distance to the goal point, m"),
            ObsSlice("arrived", 1, "1 within the success distance and heading, else 0"),
        )

    def observation(self, body: Body, goal: dict[str, np.ndarray], last_action: np.ndarray) -> np.ndarray:
        return np.concatenate(
            [*base_obs(body), goal["command"], *joint_obs(self.robot, body, last_action), goal["goal_body"],
             goal["heading_error"][:, None], goal["distance"][:, None], goal["arrived"][:, None]],
            axis=1, dtype=np.float32)

    # -- episodes ----------------------------------------------------------------------
    def reset(self, data: motrixsim.SceneData) -> tuple[np.ndarray, dict[str, Any]]:
        n, rng, cfg, robot = data.shape[0], self.np_random, self.cfg, self.robot
        xy = np.zeros((n, 2), dtype=np.float32)
        yaw = rng.uniform(-np.pi, np.pi, size=n)
        dof_pos = self.spawn_dof_pos(xy, yaw)
        data.reset(self.model, dof_pos=dof_pos, dof_vel=np.zeros((n, self.model.num_dof_vel), dtype=np.float32))
        info = {
            "goal_xy": (xy + rng.uniform(-cfg.goal_range, cfg.goal_range, size=(n, 2))).astype(np.float32),
            "goal_yaw": rng.uniform(-cfg.goal_heading_range, cfg.goal_heading_range, size=n).astype(np.float32),
        }
        body = resting_body(robot, dof_pos[:, 7:])
        body.pos, body.quat = dof_pos[:, :3], dof_pos[:, 3:7]
        goal = self.goal_state(body, info)
        info.update(command=goal["command"], best_distance=goal["distance"].astype(np.float32), **self.fresh_memory(n))
        return self.observation(body, goal, info["last_action"]), info
