"""A quadruped's left–right mirror, slice by slice of its observations (``motrix.env.mirror``).

Mirroring in the trunk's x–z plane swaps each leg with its partner on the other side (FR
with FL, LH with RH...) and, in the trunk frame, flips y: a velocity ``(x, y, z)`` becomes
``(x, -y, z)``, an angular velocity ``(-x, y, -z)`` (it is an axial vector), a yaw command
changes sign. Of a leg's three joints only the abduction joint (about x) changes sign; the
hip and knee pitch joints (about y) keep theirs. The env's symmetry test checks all of this
against the physics.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from motrix.env.layout import ObsSlice
from motrix.env.mirror import Mirror, MirrorMaps

from .robot import Quadruped

#: Slices that are vectors in the trunk frame (or scalars), by name.
VECTORS = {
    "base_lin_vel": Mirror.signs(1, -1, 1),
    "true_base_lin_vel": Mirror.signs(1, -1, 1),
    "projected_gravity": Mirror.signs(1, -1, 1),
    "base_ang_vel": Mirror.signs(-1, 1, -1),
    "command": Mirror.signs(1, -1, -1),  # vx, vy, yaw rate
    "base_height": Mirror.identity(1),
}
#: Randomized quantities whose values are vectors with a y component (per item).
Y_VECTORS = ("com.offset", "gravity.offset")


def other_side(name: str) -> str:
    """The name of the mirror-image part: in the two-letter leg code before the first ``_``,
    the side letter swapped. Unitree codes put the side second (FR, FL, RR, RL: the first R is
    "rear"), ANYmal's first (LF, RF, LH, RH); names without a leg code stay."""
    code, sep, rest = name.partition("_")
    if not sep or len(code) != 2 or not set(code) & {"L", "R"}:
        return name
    side = 1 if code[0] in "FH" or (code[0] == "R" and code[1] in "LR") else 0
    if code[side] not in "LR":
        return name
    swapped = "L" if code[side] == "R" else "R"
    return code[:side] + swapped + code[side + 1:] + sep + rest


def leg_pairs(robot: Quadruped) -> dict[int, int]:
    """Leg ``i`` (in ``foot_links`` order) → the index of its mirror-image leg."""
    return {i: robot.foot_links.index(other_side(name)) for i, name in enumerate(robot.foot_links)}


def joint_mirror(robot: Quadruped) -> Mirror:
    """Of a vector over the 12 joints: legs swapped, abduction joints' signs flipped."""
    per_leg = robot.num_joints // len(robot.foot_links)
    signs = tuple(-1.0 if k in {h % per_leg for h in robot.hip_indices} else 1.0 for k in range(per_leg))
    return Mirror.swap(leg_pairs(robot), signs)


def grid_mirror(grid: tuple[tuple[float, float], ...]) -> Mirror:
    """Of heights at trunk-frame points ``(dx, dy)``: each point takes its ``(dx, -dy)`` partner."""
    index = {(round(dx, 6), round(dy, 6)): i for i, (dx, dy) in enumerate(grid)}
    return Mirror(tuple(index[(round(dx, 6), round(-dy, 6))] for dx, dy in grid), (1.0,) * len(grid))


def item_mirror(quantity: Any) -> Mirror:
    """Of a randomized quantity's values ``(items, *shape)`` flattened: items swapped with
    their mirror-image items (by name), y components flipped for vectors in the trunk frame."""
    names = [getattr(item, "name", "") for item in quantity.items]
    shape = quantity.draw(np.random.default_rng(0), 1).shape  # (1, items, *value shape); no env draw taken
    block = int(np.prod(shape[2:]))
    pairs = {i: names.index(other_side(n)) if other_side(n) in names else i for i, n in enumerate(names)}
    flip_y = quantity.name in Y_VECTORS and block == 3
    return Mirror.swap(pairs, (1.0, -1.0, 1.0) if flip_y else (1.0,) * block)


def slice_mirror(env: Any, piece: ObsSlice) -> Mirror | None:
    """The mirror of one observation slice of a quadruped env, None for a slice it does not know."""
    robot = env.robot
    if piece.name in VECTORS:
        return VECTORS[piece.name]
    if piece.name in ("joint_pos", "joint_vel", "last_action"):
        return joint_mirror(robot)
    if piece.name in ("foot_contact_force", "feet_air_time"):
        return Mirror.swap(leg_pairs(robot), (1.0,))
    if piece.name == "terrain_heights":
        return grid_mirror(env.HEIGHT_GRID)
    if piece.name == "randomized.push":
        return Mirror.signs(1, -1)
    if piece.name == "randomized.action_delay":
        return Mirror.identity(1)
    if piece.name.startswith("randomized.") and env.randomizer is not None:
        quantity = {q.name: q for q in env.randomizer.quantities}.get(piece.name.removeprefix("randomized."))
        if quantity is not None:
            return item_mirror(quantity)
    return None


def layout_mirror(env: Any, layout: tuple[ObsSlice, ...]) -> Mirror | None:
    parts = [slice_mirror(env, piece) for piece in layout]
    if any(part is None or part.size != piece.size for part, piece in zip(parts, layout)):
        return None
    return Mirror.concat(*parts)


def quadruped_mirror_maps(env: Any) -> MirrorMaps | None:
    """The env's mirror maps, or None when one of its slices has no known mirror."""
    observation = layout_mirror(env, tuple(env.observation_layout()))
    critic_layout = env.critic_observation_layout()
    critic = layout_mirror(env, tuple(critic_layout)) if critic_layout is not None else None
    if observation is None or (critic_layout is not None and critic is None):
        return None
    return MirrorMaps(observation=observation, action=joint_mirror(env.robot), critic=critic)
