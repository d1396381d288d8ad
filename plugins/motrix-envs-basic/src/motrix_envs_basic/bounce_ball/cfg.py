"""Config of the bounce_ball task."""

from __future__ import annotations

from dataclasses import dataclass

from motrix.env import EnvCfg
from motrix.errors import UsageError


@dataclass
class BounceBallCfg(EnvCfg):
    """Keep a table-tennis ball bouncing on the arm's paddle at a target apex height for 20 s."""

    model_file: str = "motrix_envs_basic.bounce_ball:bounce_ball.xml"
    """Our MJCF: six-axis arm on position servos holding a flat paddle, a 40 mm 2.7 g ball."""
    sim_dt: float = 0.002
    """Physics timestep: 2 ms. The ball's restitution (0.87) is calibrated at this step; keep it."""
    ctrl_dt: float = 0.02
    """Control period: 50 Hz (10 physics steps per action; a hit lasts about 16 ms)."""
    max_episode_seconds: float = 20.0
    """Episode length: 1000 control steps."""
    render_spacing: float = 1.5
    """Distance between rendered envs (the arm reaches about 0.7 m)."""
    target_apex: float = 0.5
    """Apex height the ball should reach, above the paddle centre (m)."""
    start_height: tuple[float, float] = (0.6, 0.8)
    """The ball starts at rest this high above the paddle centre (m), uniform in the range."""
    start_offset: float = 0.02
    """The ball starts up to this far from above the paddle centre along x and y (m), uniform."""
    joint_noise: float = 0.005
    """Initial joint angles are the home pose plus uniform noise of +- this (rad): a paddle tilted
    by up to about 0.01 rad, enough to send the ball a few cm sideways per bounce if left alone."""
    action_scale: float = 0.02
    """An action of 1 moves a joint's target by this much per control step (rad): 1 rad/s at most."""
    apex_tolerance: float = 0.05
    """The apex reward is 1 within this distance of the target apex (m)."""
    apex_margin: float = 0.3
    """Beyond the tolerance, the apex reward fades (gaussian) to 0.1 at this distance (m)."""
    centre_tolerance: float = 0.01
    """The centre reward is 1 with the ball within this horizontal distance of the paddle centre (m)."""
    centre_margin: float = 0.05
    """Beyond the tolerance, the centre reward fades (gaussian) to 0.1 at this distance (m)."""
    apex_weight: float = 1.0
    """Weight of the per-step apex reward (ball's ballistic apex near the target)."""
    centre_weight: float = 0.5
    """Weight of the per-step centre reward (ball above the paddle centre)."""
    bounce_bonus: float = 1.0
    """Reward for each counted bounce (a hit that sends the ball at least ``min_bounce_apex`` up)."""
    drift_weight: float = 0.5
    """Penalty weight for the paddle centre leaving its home position (saturates at ``drift_scale``)."""
    drift_scale: float = 0.15
    """Paddle distance from home (m) at which the drift penalty reaches its full weight (quadratic)."""
    action_weight: float = 0.05
    """Penalty weight on the mean squared action (smooth, small target moves)."""
    min_bounce_apex: float = 0.25
    """A hit counts as a bounce when the ball then rises at least this high above the paddle (m)."""
    drop_depth: float = 0.05
    """The ball is dropped once its centre is this far below the paddle centre (m): episode ends."""
    max_distance: float = 1.5
    """The episode ends when the ball is this far horizontally from the paddle's home (m)."""
    dead_height: float = 0.05
    """A ball whose ballistic apex stays below this (m) for ``dead_seconds`` is dead: episode ends."""
    dead_seconds: float = 0.2
    """How long a ball may stay dead (lying or rolling on the paddle) before the episode ends (s)."""
    success_bounces: int = 10
    """An episode succeeds when it runs its full length without a drop and counts at least this many bounces."""

    def validate(self) -> None:
        super().validate()
        positive = ("target_apex", "action_scale", "apex_margin", "centre_margin", "drift_scale",
                    "min_bounce_apex", "drop_depth", "max_distance", "dead_height", "dead_seconds")
        for name in positive:
            if not getattr(self, name) > 0:
                raise UsageError(f"{name} must be > 0, got {getattr(self, name)}")
        non_negative = ("start_offset", "joint_noise", "apex_tolerance", "centre_tolerance", "apex_weight",
                        "centre_weight", "bounce_bonus", "drift_weight", "action_weight", "success_bounces")
        for name in non_negative:
            if getattr(self, name) < 0:
                raise UsageError(f"{name} must be >= 0, got {getattr(self, name)}")
        low, high = self.start_height
        if not 0.05 < low <= high <= 2.0:
            raise UsageError(f"start_height must be two heights 0.05 < low <= high <= 2.0 (m), got {self.start_height}")
        if self.start_offset > 0.05:
            raise UsageError(f"start_offset must be <= 0.05 m (the paddle is 0.10 m wide), got {self.start_offset}")
