"""Reward terms of the Go1 task: each a function of batched NumPy arrays → ``(num_envs,)``.

Weights live in ``Go1Cfg``; the env multiplies each term by its weight and by ``ctrl_dt``
(so weights are per second, independent of the control rate) and logs every term.
"""

from __future__ import annotations

import numpy as np


def tracking_lin_vel(command: np.ndarray, lin_vel_body: np.ndarray, sigma: float) -> np.ndarray:
    """exp(-|commanded − actual planar velocity|² / sigma)."""
    error = np.sum(np.square(command[:, :2] - lin_vel_body[:, :2]), axis=1)
    return np.exp(-error / sigma)


def tracking_ang_vel(command: np.ndarray, ang_vel_body: np.ndarray, sigma: float) -> np.ndarray:
    """exp(-(commanded − actual yaw rate)² / sigma)."""
    return np.exp(-np.square(command[:, 2] - ang_vel_body[:, 2]) / sigma)


def lin_vel_z(lin_vel_body: np.ndarray) -> np.ndarray:
    """Vertical base velocity squared (bouncing)."""
    return np.square(lin_vel_body[:, 2])


def ang_vel_xy(ang_vel_body: np.ndarray) -> np.ndarray:
    """Roll and pitch rates squared (wobbling)."""
    return np.sum(np.square(ang_vel_body[:, :2]), axis=1)


def torques(torque: np.ndarray) -> np.ndarray:
    """Joint torques squared (effort)."""
    return np.sum(np.square(torque), axis=1)


def dof_acc(joint_vel: np.ndarray, last_joint_vel: np.ndarray, dt: float) -> np.ndarray:
    """Joint accelerations squared (jerky motion)."""
    return np.sum(np.square((joint_vel - last_joint_vel) / dt), axis=1)


def action_rate(action: np.ndarray, last_action: np.ndarray) -> np.ndarray:
    """Change of action squared (chattering)."""
    return np.sum(np.square(action - last_action), axis=1)


def feet_air_time(air_time: np.ndarray, first_contact: np.ndarray, command: np.ndarray,
                  target: float) -> np.ndarray:
    """Sum over feet touching down now of (swing time − target); only while told to move."""
    moving = np.linalg.norm(command[:, :2], axis=1) > 0.1
    return np.sum((air_time - target) * first_contact, axis=1) * moving


def hip_deviation(hip_pos: np.ndarray, hip_default: np.ndarray) -> np.ndarray:
    """Hip (abduction) angles' squared distance from the standing pose (splayed legs)."""
    return np.sum(np.square(hip_pos - hip_default), axis=1)


def stumble(foot_force: np.ndarray) -> np.ndarray:
    """1 where any foot is pushed sideways more than 5× harder than up (hitting a riser)."""
    lateral = np.linalg.norm(foot_force[:, :, :2], axis=2)
    return np.any(lateral > 5.0 * np.abs(foot_force[:, :, 2]), axis=1).astype(np.float32)
