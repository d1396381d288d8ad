"""Per-env physics parameters written through MotrixSim's override API.

Each ``Quantity`` holds every env's current values (drawn from the env's generator) and
writes the rows of the envs it is given to the ``SceneData`` (a sub-batch view). MotrixSim
forgets overrides when an env's data is reset (``data.reset``), so the base writes them
again after every reset, redrawn or not according to the group's ``when``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from motrix.env.randomization.cfg import RandomizationCfg
from motrix.errors import UsageError


def _chosen(names: list[str | None], pattern: str, what: str, key: str) -> list[int]:
    regex = re.compile(pattern)
    chosen = [i for i, name in enumerate(names) if name is not None and regex.fullmatch(name)]
    if not chosen:
        named = [n for n in names if n is not None]
        raise UsageError(f"randomization.{key} {pattern!r} matches no {what} of the model "
                         f"({what}s: {', '.join(named[:20])}{', ...' if len(named) > 20 else ''})")
    return chosen


@dataclass
class Quantity:
    """One overridden parameter of some model items: values ``(num_envs, items, *shape)``."""

    name: str
    """``group.field`` of the config, for messages and tests."""
    when: str
    """"start", "reset" or "interval"."""
    interval_steps: int
    """Control steps between draws with when = interval."""
    items: list[Any]
    """The MotrixSim objects (geoms, links, joints, actuators, or the model for gravity)."""
    draw: Callable[[np.random.Generator, int], np.ndarray]
    """rng, n → values for n envs, shape ``(n, len(items), *shape)``."""
    setter: Callable[[Any, Any, np.ndarray], None]
    """item, data, values of that item for the envs of data."""
    values: np.ndarray | None = None

    def redraw(self, rng: np.random.Generator, idx: np.ndarray, num_envs: int) -> None:
        new = self.draw(rng, idx.size)
        if self.values is None:
            self.values = np.zeros((num_envs, *new.shape[1:]), dtype=np.float32)
        self.values[idx] = new

    def write(self, data: Any, idx: np.ndarray) -> None:
        rows = self.values[idx]
        for k, item in enumerate(self.items):
            self.setter(item, data, np.ascontiguousarray(rows[:, k]))


def _uniform(low_high: tuple[float, ...], base: np.ndarray, combine: Callable) -> Callable:
    """A draw of ``combine(base, U(low, high))`` per env and item (base broadcasts over envs)."""
    lo, hi = low_high

    def draw(rng: np.random.Generator, n: int) -> np.ndarray:
        return combine(base, rng.uniform(lo, hi, size=(n, *base.shape))).astype(np.float32)

    return draw


def build_quantities(cfg: RandomizationCfg, model: Any, ctrl_dt: float) -> list[Quantity]:
    """The configured overrides of ``model``; ``UsageError`` when a pattern matches nothing."""
    out: list[Quantity] = []

    def add(group: str, field: str, items: list, draw: Callable, setter: Callable) -> None:
        g = getattr(cfg, group)
        steps = max(1, round(g.interval_seconds / ctrl_dt)) if g.when == "interval" else 0
        out.append(Quantity(f"{group}.{field}", g.when, steps, items, draw, setter))

    f = cfg.friction
    if f.range:
        geoms = [model.geoms[i] for i in _chosen(list(model.geom_names), f.geoms, "geom", "friction.geoms")]
        base = np.array([g.friction for g in geoms], dtype=np.float32)  # (items, 3)
        lo, hi = f.range

        def draw_friction(rng, n, base=base, lo=lo, hi=hi):
            values = np.broadcast_to(base, (n, *base.shape)).copy()
            values[:, :, 0] = rng.uniform(lo, hi, size=(n, 1))  # one draw per env, all chosen geoms
            return values

        add("friction", "range", geoms, draw_friction, lambda g, d, v: g.set_friction_override(d, v))
    m = cfg.mass
    if m.scale or m.added:
        links = list(model.links)
        scaled = _chosen(list(model.link_names), m.links, "link", "mass.links") if m.scale else []
        scaled = [i for i in scaled if links[i].mass > 0]  # massless links (e.g. welded sites) stay so
        added = _chosen(list(model.link_names), m.added_links, "link", "mass.added_links") if m.added else []
        chosen = sorted(set(scaled) | set(added))
        base = np.array([links[i].mass for i in chosen], dtype=np.float64)
        scale_on = np.array([i in scaled for i in chosen])
        add_on = np.array([i in added for i in chosen])
        s_lo, s_hi = m.scale or (1.0, 1.0)
        a_lo, a_hi = m.added or (0.0, 0.0)
        lightest = base * np.where(scale_on, s_lo, 1.0) + np.where(add_on, a_lo, 0.0)
        if (lightest <= 0).any():
            name = model.link_names[chosen[int(np.argmin(lightest))]]
            raise UsageError(f"randomization.mass: link {name!r} could get mass {lightest.min():.3g} kg (must stay > 0)")

        def draw_mass(rng, n, base=base):
            scale = np.where(scale_on, rng.uniform(s_lo, s_hi, size=(n, base.size)), 1.0)
            extra = np.where(add_on, rng.uniform(a_lo, a_hi, size=(n, base.size)), 0.0)
            return (base * scale + extra).astype(np.float32)

        add("mass", "scale" if m.scale else "added", [links[i] for i in chosen], draw_mass,
            lambda link, d, v: link.set_mass_override(d, v))
    c = cfg.com
    if c.offset:
        links = [model.links[i] for i in _chosen(list(model.link_names), c.links, "link", "com.links")]
        base = np.array([link.center_of_mass for link in links], dtype=np.float64)
        add("com", "offset", links, _uniform(c.offset, base, np.add),
            lambda link, d, v: link.set_center_of_mass_override(d, v))
    g = cfg.gains
    if g.kp_scale or g.kd_scale:
        acts = [model.actuators[i] for i in _chosen(list(model.actuator_names), g.actuators, "actuator",
                                                     "gains.actuators")]
        if g.kp_scale:
            add("gains", "kp_scale", acts, _uniform(g.kp_scale, np.array([a.kp for a in acts]), np.multiply),
                lambda a, d, v: a.set_kp_override(d, v))
        if g.kd_scale:
            add("gains", "kd_scale", acts, _uniform(g.kd_scale, np.array([a.kd for a in acts]), np.multiply),
                lambda a, d, v: a.set_damping_override(d, v))
    j = cfg.joints
    if j.armature_scale or j.frictionloss:
        joints = [model.joints[i] for i in _chosen(list(model.joint_names), j.joints, "joint", "joints.joints")]
        if j.armature_scale:
            base = np.array([joint.armature for joint in joints], dtype=np.float64)
            add("joints", "armature_scale", joints, _uniform(j.armature_scale, base, np.multiply),
                lambda joint, d, v: joint.set_armature_override(d, v))
        if j.frictionloss:
            zeros = np.zeros(len(joints))
            add("joints", "frictionloss", joints, _uniform(j.frictionloss, zeros, np.add),
                lambda joint, d, v: joint.set_frictionloss_override(d, v))
    if cfg.gravity.offset:
        base = np.asarray(model.get_gravity_override(_one_env(model)), dtype=np.float64).reshape(1, 3)
        add("gravity", "offset", [model], _uniform(cfg.gravity.offset, base, np.add),
            lambda mdl, d, v: mdl.set_gravity_override(d, v))
    return out


def _one_env(model: Any) -> Any:
    # The model's own gravity, as the override getter reports it for fresh data.
    import motrixsim

    return motrixsim.SceneData(model, batch=(1,))
