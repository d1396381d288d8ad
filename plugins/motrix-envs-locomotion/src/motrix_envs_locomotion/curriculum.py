"""Terrain curriculum: each env's difficulty level, moved up or down when its episode ends.

As the terrain levels of Isaac Lab and mjlab: a robot spawns at the centre of a tile of its
level (see `levels.py`); when its episode ends it moves

- **down** a level if it fell, or walked less than `demote_fraction` of the distance its
  commands asked for;
- **up** a level if it did not fall and walked at least `promote_distance` from its spawn
  point (out of its tile's middle: the tile's half edge by default); a robot promoted past
  the last level is sent to a random level instead, so the hardest levels never hold
  everyone;
- otherwise it stays.

"Asked for" is the straight-line distance from the spawn point to the end of the path a
perfect tracker of the episode's commands would have walked (body-frame velocity and yaw
rate integrated from the spawn heading), so turning commands, which go round in circles,
ask for little, and a mid-episode command change is accounted for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Rules:
    """When a finished episode moves its robot up or down."""

    levels: int
    """Number of levels (0 .. levels - 1)."""
    promote_distance: float
    """Metres from the spawn point a robot must end at (without falling) to move up."""
    demote_fraction: float
    """A robot that ends nearer its spawn point than this fraction of the asked-for distance moves down."""


def next_levels(level: np.ndarray, walked: np.ndarray, asked: np.ndarray, fell: np.ndarray,
                rules: Rules, rng: np.random.Generator) -> np.ndarray:
    """The levels after episodes ending with distances `walked`, `asked` (m) and `fell` flags.

    A non-finite `walked` (a blown-up simulation) counts as a fall. Draws from `rng` only for
    robots promoted past the last level, one integer each.
    """
    level = np.asarray(level, dtype=np.int64)
    walked = np.asarray(walked, dtype=np.float64)
    fell = np.asarray(fell, dtype=bool) | ~np.isfinite(walked)
    walked = np.nan_to_num(walked, nan=0.0, posinf=0.0, neginf=0.0)
    down = fell | (walked < rules.demote_fraction * np.asarray(asked))
    up = ~down & (walked >= rules.promote_distance)
    out = level + up - down
    past_top = out >= rules.levels
    if past_top.any():
        out[past_top] = rng.integers(0, rules.levels, size=int(past_top.sum()))
    return np.clip(out, 0, rules.levels - 1)


class Curriculum:
    """Per-env level, spawn point and the perfect tracker's path, for `num_envs` envs.

    `fixed_level` >= 0 pins every robot to that level (evaluation); `adaptive` False draws
    a fresh random level at every reset instead of applying the rules.
    """

    def __init__(self, num_envs: int, rules: Rules, start_levels: int, *, adaptive: bool = True,
                 fixed_level: int = -1) -> None:
        self.rules, self.start_levels = rules, start_levels
        self.adaptive, self.fixed_level = adaptive, fixed_level
        self.level = np.zeros(num_envs, dtype=np.int64)
        """Current level of each env (where its running episode spawned)."""
        self.origin = np.zeros((num_envs, 2))
        self.ideal_xy = np.zeros((num_envs, 2))
        self.ideal_yaw = np.zeros(num_envs)
        self.fell = np.zeros(num_envs, dtype=bool)
        """Envs whose last step ended in a fall (set by the env after each step)."""
        self._started = np.zeros(num_envs, dtype=bool)
        self._carried = False

    def restart(self) -> None:
        """Forget every episode: the next reset draws start levels again (a new `init_state`),
        unless `restore` carried levels over."""
        self._started[:] = False

    def restore(self, levels: np.ndarray | list[int]) -> None:
        """Start from `levels` (a resumed run's, saved with its checkpoint) instead of drawing
        start levels; a different number of envs takes them in turn, a smaller grid clips them."""
        levels = np.asarray(levels, dtype=np.int64).ravel()
        if levels.size == 0:
            return
        self.level[:] = np.clip(np.resize(levels, self.level.size), 0, self.rules.levels - 1)
        self._carried = True

    def levels_for(self, ids: np.ndarray, final_xy: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Levels of the envs `ids` for their next episode, their last ones ending at `final_xy`."""
        ids = np.asarray(ids)
        if self.fixed_level >= 0:
            new = np.full(ids.size, self.fixed_level, dtype=np.int64)
        elif not self.adaptive:
            new = rng.integers(0, self.rules.levels, size=ids.size)
        else:
            new = self.level[ids].copy()
            started = self._started[ids]
            fresh = ~started
            if fresh.any() and not self._carried:
                new[fresh] = rng.integers(0, self.start_levels + 1, size=int(fresh.sum()))
            if started.any():
                done = ids[started]
                walked = np.linalg.norm(np.asarray(final_xy)[started] - self.origin[done], axis=1)
                asked = np.linalg.norm(self.ideal_xy[done] - self.origin[done], axis=1)
                new[started] = next_levels(self.level[done], walked, asked, self.fell[done], self.rules, rng)
        self.level[ids] = new
        self._carried = False  # carried levels start one set of episodes; a later restart draws again
        return new

    def spawned(self, ids: np.ndarray, xy: np.ndarray, yaw: np.ndarray) -> None:
        """Record where the envs `ids` start their new episode."""
        self.origin[ids] = xy
        self.ideal_xy[ids] = xy
        self.ideal_yaw[ids] = yaw
        self.fell[ids] = False
        self._started[ids] = True

    def track(self, command: np.ndarray, dt: float) -> None:
        """Advance every env's perfect tracker by one control step of `command` (vx, vy, yaw rate)."""
        yaw = self.ideal_yaw + 0.5 * dt * command[:, 2]  # midpoint heading over the step
        c, s = np.cos(yaw), np.sin(yaw)
        vx, vy = command[:, 0], command[:, 1]
        self.ideal_xy[:, 0] += (c * vx - s * vy) * dt
        self.ideal_xy[:, 1] += (s * vx + c * vy) * dt
        self.ideal_yaw += dt * command[:, 2]
