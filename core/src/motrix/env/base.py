"""``NpEnv``: a batch of envs stepped together in one MotrixSim ``SceneData``.

A subclass says what the task is (spaces, ``apply_action``, ``update_state``, ``reset``);
this base owns everything around it: the model and its timestep, substeps, step counting
and truncation, validation of actions and results, auto-reset of finished envs, and seeding.
"""

from __future__ import annotations

import abc
import math
from typing import Any

import gymnasium as gym
import motrixsim
import numpy as np

from motrix.env.cfg import EnvCfg
from motrix.env.critic import critic_rows
from motrix.env.info import merge_reset_info
from motrix.env.layout import ObsSlice
from motrix.env.mirror import MirrorMaps
from motrix.env.model import load_model
from motrix.env.state import NpEnvState
from motrix.errors import UsageError


def subset(data: motrixsim.SceneData, idx: np.ndarray) -> motrixsim.SceneData:
    """A writable view of the envs ``idx`` (sorted, unique) of a batched ``SceneData``.

    An index view rather than ``data[bool_mask]``: in motrixsim 0.10 a mask costs time
    proportional to the whole batch (~0.1 µs per env), an index list only per selected env.
    """
    return data[motrixsim.DisjointIndices(idx.tolist())]


class NpEnv(abc.ABC):
    """Base class of batched MotrixSim envs, constructed as ``Env(cfg, num_envs=N)``.

    Drive it with ``state = env.init_state()`` and then ``state = env.step(actions)``, with
    actions of shape ``(num_envs, *action_space.shape)``. Finished envs are reset inside
    ``step``; ``state.final_obs`` keeps the observation their episode ended on.

    Subclasses define:

    - ``observation_space`` / ``action_space``: gymnasium ``Box`` for one env;
    - ``apply_action(actions, state) -> state``: write the (clipped, finite) actions into
      ``state.data``, e.g. ``state.data.actuator_ctrls = actions``;
    - ``update_state(state) -> state``: after physics, set ``obs``, ``reward`` and
      ``terminated`` for all envs; per-term rewards go in ``state.info["Reward"]``, other
      per-env values in ``state.info["metrics"]``;
    - ``reset(data) -> (obs, info)``: put every env of ``data`` (a view of the envs being
      reset, shape ``(k,)``) in a fresh initial state, typically with
      ``data.reset(self.model, dof_pos=..., dof_vel=...)`` (``forward_kinematic=True`` if the
      observation needs link poses), drawing randomness from ``self.np_random``; return
      their observations ``(k, *obs_shape)`` and per-env info values ``(k, ...)``, which are
      merged into the rows of ``state.info`` of the envs reset.

    Each step hands ``apply_action`` and ``update_state`` a state object (and ``info`` dict)
    of its own: set fields directly or return ``state.replace(...)``. The base copies obs,
    reward and terminated, so they may be views of buffers the env reuses (e.g. a
    ``compile_query`` program's buffer). The base adds ``info["steps"]`` (control steps since
    each env's reset) and ``info["invalid"]`` (envs whose episode it ended because an action,
    observation or reward was not finite).

    ``cfg.randomization`` (off by default) is applied here too, around the subclass's methods:
    MotrixSim overrides after every reset, pushes, observation noise, action delay (see
    ``motrix.env.randomization``); ``apply_action`` then receives the delayed actions.
    """

    refresh_kinematics: bool = False
    """Run forward kinematics after each control step's physics, so that link poses read in
    ``update_state`` are current (they lag one step otherwise). Costs about a third of a
    cartpole physics step; envs that only read ``dof_pos`` / ``dof_vel`` leave it off."""

    def __init__(self, cfg: EnvCfg, num_envs: int = 1) -> None:
        if int(num_envs) != num_envs or num_envs <= 0:
            raise UsageError(f"num_envs must be a positive integer, got {num_envs!r}")
        cfg.validate()
        self.cfg = cfg
        """The env config (validated)."""
        self.num_envs = int(num_envs)
        """Envs stepped together."""
        self.model: motrixsim.SceneModel = self.build_model()
        """The MotrixSim model, its timestep set to ``cfg.sim_dt``."""
        self.model.options.timestep = cfg.sim_dt
        self.data = motrixsim.SceneData(self.model, batch=(self.num_envs,))
        """All envs' physics state, one batched ``SceneData``."""
        self.np_random = np.random.default_rng()
        """Generator for initial states and any other randomness; set by ``seed``."""
        self.reset_ids = np.arange(self.num_envs)
        """Indices of the envs the running ``reset`` call handles (all of them in
        ``init_state``): for envs that keep per-env state across episodes, e.g. a terrain
        curriculum that moves a robot to a harder level after a good episode."""
        self._state: NpEnvState | None = None
        self._substeps = cfg.sim_substeps
        self._max_steps = cfg.max_episode_steps
        self._steps = np.zeros(self.num_envs, dtype=np.int64)
        self._action_bounds: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._obs_shape: tuple[int, ...] | None = None
        # Shared by every state in which no env was invalid; read-only so nobody writes into it.
        self._no_invalid = np.zeros(self.num_envs, dtype=bool)
        self._no_invalid.flags.writeable = False
        self.randomizer = None
        """The ``Randomizer`` applying ``cfg.randomization`` (built by ``init_state``); None when it is off."""
        self.training_progress = 1.0
        """Share of the training budget done, in [0, 1], for a curriculum over training: the
        trainer sets it before the first rollout and after every iteration
        (``set_training_progress``). Anywhere else (play, evaluation, export) it stays 1: the
        finished task."""

    # -- what subclasses define ------------------------------------------------------
    def build_model(self) -> motrixsim.SceneModel:
        """Load the scene; by default ``cfg.model_file``.

        Override to generate a scene at runtime (e.g. procedural terrain as MJCF text for
        ``motrixsim.load_mjcf_str``); ``self.cfg`` is already set when this is called.
        """
        return load_model(self.cfg.model_file)

    @property
    @abc.abstractmethod
    def observation_space(self) -> gym.spaces.Box:
        """Observation space of one env."""

    @property
    @abc.abstractmethod
    def action_space(self) -> gym.spaces.Box:
        """Action space of one env; ``step`` clips actions to it."""

    @abc.abstractmethod
    def apply_action(self, actions: np.ndarray, state: NpEnvState) -> NpEnvState:
        """Write ``actions`` ``(num_envs, *action_shape)`` float32 into ``state.data``."""

    @abc.abstractmethod
    def update_state(self, state: NpEnvState) -> NpEnvState:
        """Set ``obs``, ``reward`` and ``terminated`` from the physics state after a step."""

    @abc.abstractmethod
    def reset(self, data: motrixsim.SceneData) -> tuple[np.ndarray, dict[str, Any]]:
        """Reset the envs of ``data`` (a sub-batch view); return their obs and info."""

    # -- optional: what a deployed policy needs to know (motrix export) ------------------
    def observation_layout(self) -> tuple[ObsSlice, ...]:
        """Named slices of one env's observation, in order; their sizes sum to its size.

        Override to document the observation; the default is one slice, ``observation``.
        """
        size = int(np.prod(self.observation_space.shape))
        return (ObsSlice("observation", size),)

    def action_meaning(self) -> dict[str, Any]:
        """What one env's action does (JSON-able): override with joint order, scaling, gains...

        The default gives the action's size and the bounds ``step`` clips it to.
        """
        space = self.action_space
        return {"size": int(np.prod(space.shape)), "low": np.asarray(space.low).tolist(),
                "high": np.asarray(space.high).tolist()}

    # -- optional: a privileged critic (asymmetric actor-critic) -------------------------
    def privileged_layout(self) -> tuple[ObsSlice, ...]:
        """Named slices of what the critic observes beyond the policy's observation: true
        quantities a deployed robot cannot measure (contact forces, the terrain around it,
        its true velocity). Default: none. The critic's observation is the policy's (without
        sensor noise), then these, then the randomization's draws when it is on
        (``critic_observation_layout``); ``motrix export`` carries the policy alone.
        """
        return ()

    def privileged_observation(self, state: NpEnvState) -> np.ndarray:
        """``(num_envs, P)`` values of ``privileged_layout`` from the physics state, called after
        ``update_state`` (every env) and again after resets (the rows of the envs reset)."""
        raise NotImplementedError(f"{type(self).__name__} declares a privileged_layout but no privileged_observation")

    def critic_observation_layout(self) -> tuple[ObsSlice, ...] | None:
        """What the critic observes, in order: the policy's observation, the env's privileged
        slices, the randomization's draws; None when the env declares nothing beyond the policy's."""
        extra = tuple(self.privileged_layout())
        if self.cfg.randomization.enabled:
            extra += self._randomizer_for_layout().privileged_layout()
        return (*self.observation_layout(), *extra) if extra else None

    @property
    def critic_observation_space(self) -> gym.spaces.Box | None:
        """The critic's observation space for one env (None: it observes what the policy does)."""
        layout = self.critic_observation_layout()
        if layout is None:
            return None
        return gym.spaces.Box(-np.inf, np.inf, (sum(piece.size for piece in layout),), dtype=np.float32)

    def mirror_maps(self) -> MirrorMaps | None:
        """The task's left–right mirror (``motrix.env.mirror``): of the observation, the action
        and the critic observation, for symmetry augmentation. Default: None (not symmetric)."""
        return None

    # -- what the base owns ----------------------------------------------------------
    @property
    def state(self) -> NpEnvState:
        """The state returned by the last ``init_state`` or ``step``."""
        if self._state is None:
            raise RuntimeError(f"{type(self).__name__}: call init_state() before using the state")
        return self._state

    def seed(self, seed: int | None = None) -> None:
        """Reseed ``np_random``; the next resets draw from it. Same seed, same trajectories."""
        self.np_random = np.random.default_rng(seed)

    def set_training_progress(self, fraction: float) -> None:
        """Called by the trainer: ``fraction`` of the env-step budget is done (resume included)."""
        if not 0.0 <= fraction <= 1.0:
            raise ValueError(f"training progress must be in [0, 1], got {fraction}")
        self.training_progress = float(fraction)

    def training_state(self) -> dict[str, Any]:
        """What a resumed training run must carry over besides the agent: JSON-able data that
        each checkpoint's header keeps, e.g. a terrain curriculum's per-env levels. Default: none."""
        return {}

    def load_training_state(self, state: dict[str, Any]) -> None:
        """Take back a ``training_state()`` from the checkpoint being resumed; called before
        the first ``init_state``. The default has nothing to take back and ignores it."""

    def init_state(self) -> NpEnvState:
        """Reset every env and return the initial state."""
        self._cache_spaces()
        self.reset_ids = np.arange(self.num_envs)
        obs, info = self.reset(self.data)
        obs = self._checked_obs(obs, self.num_envs, "reset")
        clean = obs.copy() if self._critic_size else None
        if self.cfg.randomization.enabled:
            self._start_randomization()
            obs = self.randomizer.noisy(obs)
        info = dict(info)
        self._steps[:] = 0
        info["steps"] = self._steps.copy()
        n = self.num_envs
        info["invalid"] = self._no_invalid
        self._state = NpEnvState(
            data=self.data, obs=obs, reward=np.zeros(n, np.float32),
            terminated=np.zeros(n, bool), truncated=np.zeros(n, bool), info=info, final_obs=obs,
        )
        if clean is not None:
            critic = self._critic_rows(clean, self._state, self._all_ids)
            self._state.critic_obs = self._state.final_critic_obs = critic
        return self._state

    def physics_step(self) -> None:
        """Advance the physics by one control step (``cfg.sim_substeps`` physics steps)."""
        if self._substeps == 1:
            self.model.step(self.data)
        else:
            self.model.step_n(self.data, self._substeps)
        if self.refresh_kinematics:
            self.model.forward_kinematic(self.data)

    def step(self, actions: np.ndarray) -> NpEnvState:
        """Apply one action per env, advance one control step, reset envs that finished."""
        prev = self.state
        # A fresh state (and info dict) per step: the env may set fields and write into
        # info, while the state returned last time stays as it was.
        state = NpEnvState(prev.data, prev.obs, prev.reward, prev.terminated, prev.truncated,
                           dict(prev.info), prev.final_obs, prev.critic_obs, prev.final_critic_obs)
        actions, bad_action = self._prepare_actions(actions)
        randomizer = self.randomizer
        if randomizer is not None:
            actions = randomizer.delayed(actions)
        state = self._returned(self.apply_action(actions, state), "apply_action")
        if randomizer is not None:
            randomizer.before_physics(self.data)
        self.physics_step()
        state = self._returned(self.update_state(state), "update_state")

        obs = self._checked_obs(state.obs, self.num_envs, "update_state")
        reward = self._checked_flat(state.reward, np.float32, "reward")
        terminated = self._checked_flat(state.terminated, bool, "terminated")
        invalid = self._no_invalid
        # One reduction each: a NaN or inf anywhere makes the sum non-finite (so may an
        # overflow, which the exact per-env check below then clears).
        if bad_action is not None or not (math.isfinite(obs.sum()) and math.isfinite(reward.sum())):
            # Blow-ups and bad actions end that env's episode instead of poisoning the batch.
            invalid = ~np.isfinite(obs.reshape(self.num_envs, -1)).all(axis=1) | ~np.isfinite(reward)
            if bad_action is not None:
                invalid |= bad_action
            obs[invalid] = 0.0
            reward[invalid] = 0.0
            terminated |= invalid
        final_critic = critic = None
        if self._critic_size:  # before the sensor noise: the critic sees the true observation
            final_critic = critic = self._critic_rows(obs.copy(), state, self._all_ids)
            if invalid is not self._no_invalid:
                final_critic[invalid] = 0.0
        if randomizer is not None:
            obs = randomizer.noisy(obs)  # final_obs too: the observation the step ended on, as sensed

        self._steps += 1
        truncated = self._steps >= self._max_steps
        truncated &= ~terminated
        done = terminated | truncated
        info = state.info
        info["invalid"] = invalid
        final_obs = obs
        if done.any():
            idx = done.nonzero()[0]
            self.reset_ids = idx
            reset_obs, reset_info = self.reset(subset(self.data, idx))
            if np.shape(reset_obs) != (idx.size, *self._obs_shape):  # type: ignore[misc]
                raise ValueError(f"{type(self).__name__}.reset returned obs of shape {np.shape(reset_obs)}, "
                                 f"expected {(idx.size, *self._obs_shape)}")  # type: ignore[misc]
            reset_obs = np.array(reset_obs, dtype=np.float32)
            clean_reset = reset_obs.copy() if final_critic is not None else None
            if randomizer is not None:
                randomizer.was_reset(self.data, idx)
                reset_obs = randomizer.noisy(reset_obs)
            obs = obs.copy()
            obs[idx] = reset_obs
            merge_reset_info(info, reset_info, idx, self.num_envs)
            self._steps[idx] = 0
            if final_critic is not None:
                critic = final_critic.copy()
                critic[idx] = self._critic_rows(clean_reset, state, idx)
        info["steps"] = self._steps.copy()
        self._state = NpEnvState(self.data, obs, reward, terminated, truncated, info, final_obs, critic, final_critic)
        return self._state

    # -- helpers ---------------------------------------------------------------------
    def _critic_rows(self, clean_obs: np.ndarray, state: NpEnvState, ids: np.ndarray) -> np.ndarray:
        return critic_rows(self, clean_obs, state, ids)

    def _randomizer_for_layout(self):
        """The randomizer (built now if ``init_state`` has not yet), for its privileged layout."""
        if self.randomizer is None:
            if self._action_bounds is None:
                self._cache_spaces()
            if self.randomizer is None:
                self._build_randomizer()
        return self.randomizer

    def _build_randomizer(self) -> None:
        from motrix.env.randomization.runtime import Randomizer

        layout = tuple(self.observation_layout())
        self.randomizer = Randomizer(self.cfg.randomization, self.model, self.num_envs, self.cfg.ctrl_dt,
                                     layout, self._action_bounds[2], lambda: self.np_random)  # type: ignore[index]

    def _start_randomization(self) -> None:
        if self.randomizer is None:
            self._build_randomizer()
        self.randomizer.started(self.data)

    def _cache_spaces(self) -> None:
        # Spaces may be properties that build a new Box per call; read them once.
        for name in ("observation_space", "action_space"):
            space = getattr(self, name)
            if not isinstance(space, gym.spaces.Box):
                raise TypeError(f"{type(self).__name__}.{name} must be a gymnasium Box, got {space!r}")
        self._obs_shape = tuple(self.observation_space.shape)
        space = self.action_space
        low = np.asarray(space.low, dtype=np.float32)
        high = np.asarray(space.high, dtype=np.float32)
        # Stands in for non-finite actions: zero, moved inside the bounds.
        fallback = np.clip(np.zeros_like(low), low, high)
        self._action_bounds = (low, high, fallback)
        self._privileged_size = sum(piece.size for piece in self.privileged_layout())
        critic = self.critic_observation_space
        self._critic_size = int(critic.shape[0]) if critic is not None else 0
        self._all_ids = np.arange(self.num_envs)

    def _prepare_actions(self, actions: Any) -> tuple[np.ndarray, np.ndarray | None]:
        low, high, fallback = self._action_bounds  # type: ignore[misc]
        actions = np.asarray(actions, dtype=np.float32)
        expected = (self.num_envs, *low.shape)
        if actions.shape != expected:
            raise ValueError(f"actions must have shape {expected} (num_envs, *action_shape), got {actions.shape}")
        bad = None
        if not math.isfinite(actions.sum()):  # NaN/inf somewhere (or an overflowing sum)
            finite = np.isfinite(actions)
            bad = ~finite.reshape(self.num_envs, -1).all(axis=1)
            actions = np.where(finite, actions, fallback)
            actions[bad] = fallback
        return np.clip(actions, low, high), bad

    def _checked_obs(self, obs: Any, rows: int, source: str) -> np.ndarray:
        # A fresh float32 copy: the state owns it, and reset rows can be written into it.
        out = np.array(obs, dtype=np.float32)
        expected = (rows, *self._obs_shape)  # type: ignore[misc]
        if out.shape != expected:
            raise ValueError(f"{type(self).__name__}.{source} returned obs of shape {out.shape}, expected {expected}")
        return out

    def _returned(self, state: NpEnvState | None, method: str) -> NpEnvState:
        if not isinstance(state, NpEnvState):
            raise TypeError(f"{type(self).__name__}.{method} must return the NpEnvState, got {type(state).__name__}")
        return state

    def _checked_flat(self, values: Any, dtype: type, name: str) -> np.ndarray:
        out = np.array(values, dtype=dtype)  # a copy the state owns
        if out.shape != (self.num_envs,):
            raise ValueError(
                f"{type(self).__name__}.update_state set {name} of shape {out.shape}, expected ({self.num_envs},)"
            )
        return out
