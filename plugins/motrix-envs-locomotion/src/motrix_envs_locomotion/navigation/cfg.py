"""Config of the shared navigation task: goals, the guidance controller, success, reward weights."""

from __future__ import annotations

import math
from dataclasses import dataclass

from motrix.errors import UsageError

from ..cfg import QuadrupedCfg


@dataclass
class NavigationCfg(QuadrupedCfg):
    """Walk to a random goal point and heading on flat ground, then stand still there."""

    max_episode_seconds: float = 15.0
    """Long enough for the farthest goal (7 m at 1 m/s, plus braking and turning) and a rest."""
    goal_range: float = 5.0
    """Goals are drawn uniformly within ± this (m) of the spawn point in x and in y."""
    goal_heading_range: float = math.pi
    """Goal headings are drawn uniformly within ± this (rad)."""
    guidance_gain: float = 1.0
    """Commanded planar speed per metre of goal offset (1/s)."""
    guidance_max_speed: float = 1.0
    """Fastest commanded planar speed (m/s)."""
    guidance_max_lateral_speed: float = 0.5
    """Fastest commanded sideways speed (m/s), as in the velocity task's command range."""
    guidance_yaw_gain: float = 1.0
    """Commanded yaw rate per radian of heading error (1/s)."""
    guidance_max_yaw_rate: float = 1.0
    """Fastest commanded yaw rate (rad/s)."""
    guidance_approach_within: float = 0.5
    """Nearer than this (m) the robot turns to the goal heading; beyond twice this, to face the goal point."""
    guidance_stop_within: float = 0.15
    """The planar command is zero this near the goal (m): half the success distance."""
    guidance_stop_heading: float = 0.08
    """The yaw command is zero within this heading error (rad, ~5°): a third of the success heading."""
    success_distance: float = 0.3
    """Arrived: within this distance of the goal point (m)..."""
    success_heading: float = math.radians(15.0)
    """...and within this heading error (rad)."""
    rest_speed: float = 0.1
    """At rest: planar trunk speed under this (m/s)..."""
    rest_yaw_rate: float = 0.2
    """...and yaw rate under this (rad/s)."""
    w_progress: float = 0.5
    """Reward per metre of new closest approach to the goal (small: at 2 it taught running past the goal)."""
    w_at_goal: float = 2.0
    """Reward per second spent arrived."""
    w_at_rest: float = 2.0
    """Reward per second spent arrived and at rest."""
    w_fall: float = 0.0
    """One-off penalty for a fall, outside the clip at zero (0: as the velocity task, a fall only ends the reward)."""

    def validate(self) -> None:
        super().validate()
        positive = ("goal_range", "guidance_gain", "guidance_approach_within", "guidance_max_speed",
                    "guidance_max_lateral_speed", "guidance_yaw_gain", "guidance_max_yaw_rate",
                    "success_distance", "success_heading", "rest_speed", "rest_yaw_rate")
        for name in positive:
            if getattr(self, name) <= 0:
                raise UsageError(f"{name} must be > 0, got {getattr(self, name)}")
        if self.guidance_stop_within < 0 or self.guidance_stop_heading < 0:
            raise UsageError("guidance_stop_within and guidance_stop_heading must be >= 0")
        if self.success_heading > math.pi:
            raise UsageError(f"success_heading must be at most pi, got {self.success_heading}")
        if not 0 <= self.goal_heading_range <= math.pi:
            raise UsageError(f"goal_heading_range must be in [0, pi], got {self.goal_heading_range}")
        if self.guidance_stop_within >= self.success_distance or self.guidance_stop_heading >= self.success_heading:
            raise UsageError("the guidance dead bands (guidance_stop_within, guidance_stop_heading) must be inside "
                             "the success tolerances (success_distance, success_heading)")
