"""``Randomizer``: what ``NpEnv`` calls around each step when its config randomizes anything.

Hooks, in the order the base calls them:

- ``started(data)`` after ``init_state`` reset every env: draw every group, write overrides;
- ``delayed(actions)`` before ``apply_action``: the actions ``action_delay_steps`` ago;
- ``before_physics(data)`` after ``apply_action``: pushes and interval redraws that are due;
- ``noisy(obs, rows)`` on every observation handed out (step, reset rows, init);
- ``was_reset(data, idx)`` after the env reset the envs ``idx``: redraw what is drawn per
  reset, write every override of those envs again (``data.reset`` clears them), new delays.

All draws come from ``rng()`` (the env's ``np_random``, read at call time so ``env.seed``
applies) in a fixed order: same seed, same randomization. Every hook is vectorised over envs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from motrix.env.base import subset as _subset
from motrix.env.layout import ObsSlice
from motrix.env.randomization.cfg import RandomizationCfg
from motrix.env.randomization.physics import Quantity, build_quantities
from motrix.errors import UsageError


class Randomizer:
    """The randomization of one batched env (see the module docstring)."""

    def __init__(self, cfg: RandomizationCfg, model: Any, num_envs: int, ctrl_dt: float,
                 layout: tuple[ObsSlice, ...], action_fallback: np.ndarray, rng: Callable[[], np.random.Generator]):
        self.cfg, self.model, self.num_envs, self.rng = cfg, model, num_envs, rng
        self.quantities: list[Quantity] = build_quantities(cfg, model, ctrl_dt)
        self._all = np.arange(num_envs)
        # interval groups: control steps since each env's last draw
        self._since = {q.name: np.zeros(num_envs, np.int64) for q in self.quantities if q.when == "interval"}
        self._ctrl_dt = ctrl_dt
        self._push_base = self._floating_base(cfg.push.base) if cfg.push.velocity else None
        self._push_due = np.zeros(num_envs, np.int64)
        # each env's next push, drawn with its timer: an env's pushes do not depend on the batch
        self._push_vel = np.zeros((num_envs, 2), np.float32)
        self._noise_cols, self._noise_scale = self._noise_columns(cfg.obs_noise, layout)
        delay = cfg.action_delay_steps
        self._max_delay = int(delay[1]) if delay else 0
        self._delay = np.zeros(num_envs, np.int64)
        self._fallback = action_fallback
        self._history = np.broadcast_to(action_fallback, (self._max_delay + 1, num_envs, *action_fallback.shape)).copy()
        self._head = 0
        self._pushed = np.zeros((num_envs, 2), np.float32)  # the push of the last control step (0: none)
        self._privileged_layout = self._draws_layout()
        self.privileged_size = sum(piece.size for piece in self._privileged_layout)
        """Numbers per env in ``privileged()``."""

    def _draws_layout(self) -> tuple[ObsSlice, ...]:
        probe = np.random.default_rng(0)  # only the shapes of the draws; the env's generator is not touched
        pieces = [ObsSlice(f"randomized.{q.name}", int(np.prod(q.draw(probe, 1).shape[1:])),
                           f"this env's draw of randomization.{q.name}, as written to the model")
                  for q in self.quantities]
        if self._push_base is not None:
            pieces.append(ObsSlice("randomized.push", 2, "the push added to the base's world-frame x, y velocity "
                                                         "in the last control step, m/s (0 when none)"))
        if self._max_delay:
            pieces.append(ObsSlice("randomized.action_delay", 1, "this episode's action delay, control steps"))
        return tuple(pieces)

    # -- setup ---------------------------------------------------------------------------
    def _floating_base(self, name: str) -> Any:
        bases = list(self.model.floating_bases)
        if name:
            for base in bases:
                if base.name == name:
                    return base
            raise UsageError(f"randomization.push.base {name!r} is not a floating base of the model "
                             f"(floating bases: {', '.join(b.name for b in bases) or 'none'})")
        if len(bases) != 1:
            raise UsageError(f"randomization.push needs one floating base; the model has {len(bases)}"
                             + (" (name it in randomization.push.base)" if bases else ""))
        return bases[0]

    @staticmethod
    def _noise_columns(noise: dict[str, float], layout: tuple[ObsSlice, ...]) -> tuple[np.ndarray, np.ndarray]:
        starts, start = {}, 0
        for piece in layout:
            starts[piece.name] = (start, piece.size)
            start += piece.size
        cols, scale = [], []
        for name, size in noise.items():
            if name not in starts:
                raise UsageError(f"randomization.obs_noise: the observation has no slice {name!r} "
                                 f"(slices: {', '.join(starts)})")
            if size > 0:
                s, n = starts[name]
                cols.extend(range(s, s + n))
                scale.extend([size] * n)
        return np.array(cols, dtype=np.int64), np.array(scale, dtype=np.float32)

    # -- hooks ---------------------------------------------------------------------------
    def started(self, data: Any) -> None:
        rng = self.rng()
        for q in self.quantities:
            q.redraw(rng, self._all, self.num_envs)
            q.write(data, self._all)
        for since in self._since.values():
            since[:] = 0
        self._new_episodes(rng, self._all)
        self._history[:] = self._fallback

    def was_reset(self, data: Any, idx: np.ndarray) -> None:
        rng = self.rng()
        view = _subset(data, idx)
        for q in self.quantities:
            if q.when != "start":
                q.redraw(rng, idx, self.num_envs)
            q.write(view, idx)
            if q.name in self._since:
                self._since[q.name][idx] = 0
        self._new_episodes(rng, idx)
        self._history[:, idx] = self._fallback

    def _new_episodes(self, rng: np.random.Generator, idx: np.ndarray) -> None:
        if self._push_base is not None:
            self._next_push(rng, idx)
        if self.cfg.action_delay_steps:
            lo, hi = self.cfg.action_delay_steps
            self._delay[idx] = rng.integers(lo, hi + 1, size=idx.size)

    def _next_push(self, rng: np.random.Generator, idx: np.ndarray) -> None:
        """When (control steps from now) and how envs ``idx`` are pushed next."""
        lo, hi = self.cfg.push.interval_seconds
        self._push_due[idx] = np.maximum(1, np.round(rng.uniform(lo, hi, size=idx.size) / self._ctrl_dt))
        lo, hi = self.cfg.push.velocity
        size = rng.uniform(lo, hi, size=idx.size)
        angle = rng.uniform(-np.pi, np.pi, size=idx.size)
        self._push_vel[idx] = np.stack([size * np.cos(angle), size * np.sin(angle)], axis=1)

    # -- what a privileged critic observes ------------------------------------------------
    def privileged_layout(self) -> tuple[ObsSlice, ...]:
        """The slices of ``privileged()``: each randomized quantity, the last push, the delay."""
        return self._privileged_layout

    def privileged(self) -> np.ndarray:
        """``(num_envs, privileged_size)``: every env's current draws, the push of its last
        control step and its action delay: what a critic may know and a policy may not."""
        parts = [q.values.reshape(self.num_envs, -1) for q in self.quantities if q.values is not None]
        if self._push_base is not None:
            parts.append(self._pushed)
        if self._max_delay:
            parts.append(self._delay[:, None])
        if not parts:
            return np.zeros((self.num_envs, 0), np.float32)
        return np.concatenate(parts, axis=1, dtype=np.float32)

    def delayed(self, actions: np.ndarray) -> np.ndarray:
        if not self._max_delay:
            return actions
        self._head = (self._head + 1) % (self._max_delay + 1)
        self._history[self._head] = actions
        slot = (self._head - self._delay) % (self._max_delay + 1)
        return self._history[slot, self._all]

    def before_physics(self, data: Any) -> None:
        rng = self.rng()
        for q in self.quantities:
            since = self._since.get(q.name)
            if since is None:
                continue
            since += 1
            due = since >= q.interval_steps
            if due.any():
                idx = due.nonzero()[0]
                q.redraw(rng, idx, self.num_envs)
                q.write(_subset(data, idx), idx)
                since[idx] = 0
        if self._push_base is not None:
            self._push_due -= 1
            due = self._push_due <= 0
            self._pushed[:] = 0.0
            if due.any():
                idx = due.nonzero()[0]
                self.push(data, idx)
                self._next_push(rng, idx)

    def push(self, data: Any, idx: np.ndarray) -> None:
        """Add each env's drawn push (horizontal, size ``push.velocity``) to the base velocity of envs ``idx``."""
        view = _subset(data, idx)
        vel = np.array(self._push_base.get_global_linear_velocity(view), dtype=np.float32).reshape(idx.size, 3)
        vel[:, :2] += self._push_vel[idx]
        self._push_base.set_global_linear_velocity(view, vel)
        self._pushed[idx] = self._push_vel[idx]

    @property
    def draws_while_stepping(self) -> bool:
        """Whether steps draw from the generator (pushes, interval redraws, observation noise)."""
        return bool(self._push_base is not None or self._since or self._noise_cols.size)

    def steps_alike(self) -> int | None:
        """Control steps for which a lone copy of an env (``adopt``) draws what the batch drew:
        until the first interval redraw, or the draw of the second push (the first is
        drawn already); None when nothing is drawn at step time."""
        due = [q.interval_steps - int(self._since[q.name][0]) for q in self.quantities if q.name in self._since]
        if self._push_base is not None:
            due.append(int(self._push_due[0]) + 1)
        return min(due) if due else None

    def snapshot(self) -> dict[str, np.ndarray]:
        """Every env's drawn values, timers and delays (copies), for ``adopt``."""
        out = {f"value:{q.name}": q.values.copy() for q in self.quantities}
        out.update({f"since:{k}": v.copy() for k, v in self._since.items()})
        out.update(push_due=self._push_due.copy(), push_vel=self._push_vel.copy(), delay=self._delay.copy())
        return out

    def adopt(self, snapshot: dict[str, np.ndarray], i: int, data: Any) -> None:
        """Take env ``i`` of another env's ``snapshot`` as this (single-env) randomizer's env 0.

        Resets ``data`` first: MotrixSim derives some state from the previous override (an
        override written twice differs in the last bits from one written once), so a fresh
        env gets exactly what the other env got. Set the physics state after this.
        """
        data.reset(self.model)
        for q in self.quantities:
            q.values[0] = snapshot[f"value:{q.name}"][i]
            q.write(data, np.array([0]))
        for k, v in self._since.items():
            v[0] = snapshot[f"since:{k}"][i]
        self._push_due[0] = snapshot["push_due"][i]
        self._push_vel[0] = snapshot["push_vel"][i]
        self._delay[0] = snapshot["delay"][i]

    def noisy(self, obs: np.ndarray) -> np.ndarray:
        """``obs`` (rows, obs_size) with uniform noise on the configured slices, in place."""
        if self._noise_cols.size:
            flat = obs.reshape(obs.shape[0], -1)
            noise = self.rng().uniform(-1.0, 1.0, size=(obs.shape[0], self._noise_cols.size)).astype(np.float32)
            flat[:, self._noise_cols] += noise * self._noise_scale
        return obs
