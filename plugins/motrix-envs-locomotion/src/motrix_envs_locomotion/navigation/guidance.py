"""From a goal to a velocity command, and when a robot counts as arrived: pure batched functions.

The policy sees (and is rewarded for tracking) the command a proportional controller would
give: it learns one skill, walking on command, with the goal's geometry telling it when to
brake. The seed task does the same, with a command straight at the goal in any direction at
once; here it also turns the robot to face a far goal, so that it ends up walking to it
forwards, and only near the goal turns it to the goal heading. (A first version turned first
and walked after; standing still then earned the planar tracking reward while the robot
faced away, and the policy learnt to stand.) The dead bands (half the distance tolerance, a third of the
heading's) lie inside the success tolerances, so a robot that stops on its command stops
inside them, not on their edge.
"""

from __future__ import annotations

import numpy as np


def goal_in_body_frame(goal_xy: np.ndarray, pos_xy: np.ndarray, yaw: np.ndarray) -> np.ndarray:
    """Goal position relative to the robot, in its heading frame (n, 2): x ahead, y to the left."""
    d = goal_xy - pos_xy
    c, s = np.cos(yaw), np.sin(yaw)
    return np.stack([c * d[:, 0] + s * d[:, 1], -s * d[:, 0] + c * d[:, 1]], axis=1).astype(np.float32)


def guidance_command(goal_body: np.ndarray, heading_error: np.ndarray, gain: float, max_speed: float,
                     max_lateral_speed: float, yaw_gain: float, max_yaw_rate: float, stop_within: float,
                     stop_heading: float, approach_within: float) -> np.ndarray:
    """Command [vx, vy, yaw rate] (n, 3) steering to the goal pose.

    goal_body (n, 2): the goal in the heading frame (m); heading_error (n,): goal heading
    minus heading, wrapped (rad). Planar: always towards the goal point, ``gain`` x its
    offset, scaled down to at most ``max_speed`` and at most ``max_lateral_speed`` sideways,
    zero within ``stop_within`` m. Yaw: far from the goal (beyond 2 x ``approach_within``)
    towards the goal point, so that the robot ends up walking to it forwards; within
    ``approach_within`` towards the goal heading; blended linearly in between; ``yaw_gain``
    x the angle, clipped to ``max_yaw_rate``, zero near the goal within ``stop_heading`` rad.
    """
    distance = np.linalg.norm(goal_body, axis=1)
    bearing = np.arctan2(goal_body[:, 1], goal_body[:, 0])
    far = np.clip((distance - approach_within) / approach_within, 0.0, 1.0)
    planar = gain * goal_body
    speed = np.linalg.norm(planar, axis=1)
    lateral = np.abs(planar[:, 1])
    scale = np.minimum.reduce([np.ones_like(speed), max_speed / np.maximum(speed, 1e-9),
                               max_lateral_speed / np.maximum(lateral, 1e-9)])
    planar = planar * scale[:, None]
    planar[distance < stop_within] = 0.0
    yaw = np.clip(yaw_gain * (far * bearing + (1.0 - far) * heading_error), -max_yaw_rate, max_yaw_rate)
    yaw[(far == 0.0) & (np.abs(heading_error) < stop_heading)] = 0.0
    return np.column_stack([planar, yaw]).astype(np.float32)


def at_goal(distance: np.ndarray, heading_error: np.ndarray, within: float, heading_within: float) -> np.ndarray:
    """Within ``within`` m and ``heading_within`` rad of the goal pose (n,) bool."""
    return (distance < within) & (np.abs(heading_error) < heading_within)


def at_rest(planar_speed: np.ndarray, yaw_rate: np.ndarray, speed_below: float, yaw_rate_below: float) -> np.ndarray:
    """Nearly still: planar speed under ``speed_below`` m/s and yaw rate under ``yaw_rate_below`` rad/s."""
    return (planar_speed < speed_below) & (np.abs(yaw_rate) < yaw_rate_below)
