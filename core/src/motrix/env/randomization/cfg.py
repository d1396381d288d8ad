"""``RandomizationCfg``: what an env randomizes per robot, declared in its config (off by default).

Every range is a pair ``(low, high)`` drawn uniformly per env (and per chosen item: geom,
link, joint, actuator) from the env's seeded generator; an empty range ``()`` turns that
quantity off. Names are chosen with a regular expression matched against the whole name.
Light on purpose: reading a config imports no physics.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field

from motrix.errors import UsageError

WHEN = ("start", "reset", "interval")
"""When a group's values are drawn: once per env at ``init_state``, at every reset of that
env, or every ``interval_seconds`` (and at each reset)."""


@dataclass(frozen=True)
class _Drawn:
    when: str = "reset"
    """When to draw: "start" (once, kept across resets), "reset" (every episode) or "interval"."""
    interval_seconds: float = 0.0
    """With when = "interval": seconds of simulated time between draws (per env)."""


@dataclass(frozen=True)
class FrictionCfg(_Drawn):
    """Sliding friction of chosen geoms (spin and roll friction stay the model's)."""

    geoms: str = ""
    """Regular expression of the geom names (e.g. ".*_foot"); the contact uses the geom with priority."""
    range: tuple[float, ...] = ()
    """Sliding friction coefficient (low, high), one draw per env shared by the chosen geoms."""


@dataclass(frozen=True)
class MassCfg(_Drawn):
    """Link masses: model mass × scale + added mass."""

    links: str = ""
    """Regular expression of the links whose mass is scaled."""
    scale: tuple[float, ...] = ()
    """Mass scale (low, high), drawn per link and env."""
    added_links: str = ""
    """Regular expression of the links that get added mass (e.g. a payload on the trunk)."""
    added: tuple[float, ...] = ()
    """Added mass in kg (low, high), drawn per link and env; may be negative."""


@dataclass(frozen=True)
class ComCfg(_Drawn):
    """Centre-of-mass offsets of chosen links."""

    links: str = ""
    """Regular expression of the links."""
    offset: tuple[float, ...] = ()
    """Offset in metres (low, high) along each link-frame axis, drawn per axis, link and env."""


@dataclass(frozen=True)
class GainsCfg(_Drawn):
    """Position-servo gains of chosen actuators: model kp / kd × scale."""

    actuators: str = ".*"
    """Regular expression of the actuator names."""
    kp_scale: tuple[float, ...] = ()
    """Stiffness scale (low, high), drawn per actuator and env."""
    kd_scale: tuple[float, ...] = ()
    """Damping scale (low, high), drawn per actuator and env."""


@dataclass(frozen=True)
class JointsCfg(_Drawn):
    """Joint armature and dry friction of chosen joints."""

    joints: str = ".*"
    """Regular expression of the joint names (a free joint has neither, leave it out)."""
    armature_scale: tuple[float, ...] = ()
    """Armature (rotor inertia) scale (low, high) of the model's value, per joint and env."""
    frictionloss: tuple[float, ...] = ()
    """Coulomb joint friction in N·m or N (low, high), per joint and env (replaces the model's)."""


@dataclass(frozen=True)
class GravityCfg(_Drawn):
    """Gravity: the model's vector plus an offset."""

    offset: tuple[float, ...] = ()
    """Offset in m/s² (low, high) added to each world axis, drawn per axis and env."""


@dataclass(frozen=True)
class PushCfg:
    """Pushes: a sudden horizontal change of the floating base's velocity, at intervals."""

    velocity: tuple[float, ...] = ()
    """Size of the velocity change in m/s (low, high), in a random horizontal direction."""
    interval_seconds: tuple[float, ...] = (2.0, 2.0)
    """Seconds between pushes (low, high), drawn per env after each push and at reset."""
    base: str = ""
    """Name of the floating base to push; empty: the model's only one."""


@dataclass(frozen=True)
class RandomizationCfg:
    """Domain randomization, pushes, observation noise and action delay; all off by default."""

    friction: FrictionCfg = field(default_factory=FrictionCfg)
    """Friction of chosen geoms."""
    mass: MassCfg = field(default_factory=MassCfg)
    """Link mass scale and added mass."""
    com: ComCfg = field(default_factory=ComCfg)
    """Centre-of-mass offsets."""
    gains: GainsCfg = field(default_factory=GainsCfg)
    """Actuator kp / kd scale."""
    joints: JointsCfg = field(default_factory=JointsCfg)
    """Joint armature and frictionloss."""
    gravity: GravityCfg = field(default_factory=GravityCfg)
    """Gravity offset."""
    push: PushCfg = field(default_factory=PushCfg)
    """Interval pushes of the floating base."""
    obs_noise: dict[str, float] = field(default_factory=dict)
    """Observation slice name (``NpEnv.observation_layout``) → half-width of uniform noise added each step."""
    action_delay_steps: tuple[int, ...] = ()
    """Control steps (low, high) by which the applied action lags the policy's, drawn per env at reset."""

    @property
    def enabled(self) -> bool:
        """Whether anything is randomized (off: the env steps exactly as without this facility)."""
        return bool(self.physics_groups() or self.push.velocity or self.obs_noise or self.action_delay_steps)

    def physics_groups(self) -> dict[str, _Drawn]:
        """The override groups that have at least one range set."""
        out = {}
        for f in dataclasses.fields(self):
            group = getattr(self, f.name)
            if isinstance(group, _Drawn) and any(
                    isinstance(v, tuple) and v for v in dataclasses.astuple(group)):
                out[f.name] = group
        return out

    def validate(self) -> None:
        """``UsageError`` naming the first bad value, as ``randomization.<group>.<field>``."""
        for f in dataclasses.fields(self):
            group = getattr(self, f.name)
            if dataclasses.is_dataclass(group):
                for g in dataclasses.fields(group):
                    _check(f"randomization.{f.name}.{g.name}", getattr(group, g.name))
            if isinstance(group, _Drawn):
                if group.when not in WHEN:
                    raise UsageError(f"randomization.{f.name}.when must be one of {', '.join(WHEN)}, got {group.when!r}")
                if group.when == "interval" and not group.interval_seconds > 0:
                    raise UsageError(f"randomization.{f.name}.interval_seconds must be > 0 with when = interval, "
                                     f"got {group.interval_seconds}")
        _positive("randomization.mass.scale", self.mass.scale)
        _positive("randomization.gains.kp_scale", self.gains.kp_scale)
        _positive("randomization.gains.kd_scale", self.gains.kd_scale, zero=True)
        _positive("randomization.joints.armature_scale", self.joints.armature_scale, zero=True)
        _positive("randomization.joints.frictionloss", self.joints.frictionloss, zero=True)
        _positive("randomization.friction.range", self.friction.range, zero=True)
        _positive("randomization.push.velocity", self.push.velocity, zero=True)
        _positive("randomization.push.interval_seconds", self.push.interval_seconds)
        _check("randomization.action_delay_steps", self.action_delay_steps)
        _positive("randomization.action_delay_steps", self.action_delay_steps, zero=True)
        for name, scale in self.obs_noise.items():
            if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale >= 0):
                raise UsageError(f"randomization.obs_noise.{name} must be a number >= 0, got {scale!r}")
        for name in ("friction.geoms", "mass.links", "mass.added_links", "com.links", "gains.actuators",
                     "joints.joints"):
            group, attr = name.split(".")
            try:
                re.compile(getattr(getattr(self, group), attr))
            except re.error as exc:
                raise UsageError(f"randomization.{name} is not a regular expression: {exc}") from None


def _check(name: str, value: object) -> None:
    # A range is empty (off) or two numbers, low <= high.
    if not isinstance(value, tuple):
        return
    if value and (len(value) != 2 or not value[0] <= value[1]):
        raise UsageError(f"{name} must be empty (off) or two numbers low,high with low <= high, got {value}")


def _positive(name: str, value: tuple, zero: bool = False) -> None:
    if value and (value[0] < 0 or (value[0] == 0 and not zero)):
        raise UsageError(f"{name} must be {'>= 0' if zero else '> 0'}, got {value}")
