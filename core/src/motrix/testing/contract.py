"""``check_env``: the contract every env plugin's env must meet, runnable from any test suite.

    from motrix.testing import check_env

    def test_my_env_meets_the_contract():
        check_env("my-env")

A violation raises ``AssertionError`` saying what broke, for which env and at which step.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from motrix.env.actions import sample_actions
from motrix.env.base import NpEnv
from motrix.env.make import make_env_cfg, make_from_spec
from motrix.env.state import NpEnvState
from motrix.plugin.specs import EnvSpec


@dataclass
class _Trace:
    """What a run of ``steps`` steps produced, per step (copies)."""

    obs: list[np.ndarray]
    final_obs: list[np.ndarray]
    reward: list[np.ndarray]
    terminated: list[np.ndarray]
    truncated: list[np.ndarray]
    dof_pos: list[np.ndarray]
    dof_vel: list[np.ndarray]


def _fail(name: str, message: str) -> None:
    raise AssertionError(f"env {name!r}: {message}")


def _spec(env: str | EnvSpec) -> EnvSpec:
    if isinstance(env, EnvSpec):
        return env
    from motrix.registry import get_env

    return get_env(env)


def check_env(
    env: str | EnvSpec,
    num_envs: int = 8,
    steps: int = 200,
    seed: int = 0,
    env_overrides: dict[str, Any] | None = None,
    stochastic_steps: bool = False,
) -> None:
    """Run ``env`` (a registered name or an ``EnvSpec``) through the env contract.

    Checks that it builds as an ``NpEnv``; its spaces are gymnasium ``Box``es; ``init_state``
    and ``steps`` steps with random actions keep shapes and dtypes (float32 observations,
    bool flags) and finite values; episodes end (episodes are shortened to at most
    ``steps // 4`` control steps unless ``env_overrides`` sets ``max_episode_seconds``),
    are truncated exactly at the time limit and are reset automatically, ``final_obs``
    agreeing with ``obs`` for unfinished envs; the same seed reproduces the same trajectories;
    and env *i* of a batch matches the same env run alone from the same initial state, up
    to and including the end of its first episode.

    ``stochastic_steps``: set it for envs that draw from ``np_random`` while stepping
    (observation noise, command changes, pushes): their env *i* cannot match a lone env, so
    that comparison then covers only the physics state before the first episode end. It is
    on by itself when the config's randomization draws while stepping; the lone env takes
    env *i*'s randomized parameters, timers and action delay.
    """
    spec = _spec(env)
    if num_envs < 2:
        raise ValueError("check_env needs num_envs >= 2 to compare a batch with a lone env")
    try:
        _check(spec, num_envs, steps, seed, env_overrides, stochastic_steps)
    except AssertionError:
        raise
    except Exception as exc:  # an env that raises breaks the contract too; say where
        raise AssertionError(f"env {spec.name!r}: raised {type(exc).__name__}: {exc}") from exc


def _check(
    spec: EnvSpec, num_envs: int, steps: int, seed: int, env_overrides: dict[str, Any] | None,
    stochastic_steps: bool,
) -> None:
    name = spec.name
    overrides = dict(env_overrides or {})
    cfg = make_env_cfg(spec, overrides)
    if "max_episode_seconds" not in overrides:
        short = max(2, steps // 4)
        if cfg.max_episode_steps > short:
            cfg = dataclasses.replace(cfg, max_episode_seconds=short * cfg.ctrl_dt)
            cfg.validate()

    def build(n: int) -> NpEnv:
        return make_from_spec(spec, copy.deepcopy(cfg), n, seed=seed)

    batch = build(num_envs)
    _check_build(name, batch, num_envs)
    actions = sample_actions(batch.action_space, num_envs, np.random.default_rng(seed + 1), count=steps)
    initial = _snapshot(batch.init_state(), batch)
    if batch.randomizer is not None:
        initial["randomizer"] = batch.randomizer.snapshot()
        stochastic_steps = stochastic_steps or batch.randomizer.draws_while_stepping
    trace = _run(name, batch, actions, cfg.max_episode_steps, check=True)

    # Same seed, same actions: the same trajectories, bit for bit.
    again = build(num_envs)
    if not np.array_equal(again.init_state().obs, initial["obs"]):
        _fail(name, f"not reproducible: with seed {seed}, init_state() gives different observations")
    repeat = _run(name, again, actions, cfg.max_episode_steps, check=False)
    for t in range(steps):
        for field in ("obs", "reward", "terminated", "truncated"):
            if not np.array_equal(getattr(trace, field)[t], getattr(repeat, field)[t]):
                _fail(name, f"not reproducible: with seed {seed} and the same actions, {field} differs at step {t}")

    _check_alone(name, build, initial, actions, trace, stochastic_steps)


def _check_build(name: str, env: Any, num_envs: int) -> None:
    if not isinstance(env, NpEnv):
        _fail(name, f"built a {type(env).__name__}, not an NpEnv subclass")
    if env.num_envs != num_envs:
        _fail(name, f"num_envs is {env.num_envs}, asked for {num_envs}")
    for attr in ("observation_space", "action_space"):
        space = getattr(env, attr)
        if not isinstance(space, gym.spaces.Box):
            _fail(name, f"{attr} must be a gymnasium Box, got {space!r}")
        if not space.shape:
            _fail(name, f"{attr} has an empty shape")
    if env.observation_space.dtype != np.float32:
        _fail(name, f"observation_space.dtype must be float32 (observations are), got {env.observation_space.dtype}")
    critic = env.critic_observation_layout()
    if critic is not None:
        sizes = [piece.size for piece in critic]
        if env.critic_observation_space is None or sum(sizes) != env.critic_observation_space.shape[0]:
            _fail(name, f"critic_observation_layout sizes sum to {sum(sizes)}, not the critic observation's size")
        if any(size <= 0 for size in sizes):
            _fail(name, "privileged_layout has a slice of size 0 or less")


def _check_state(name: str, env: NpEnv, state: Any, where: str) -> None:
    n = env.num_envs
    if not isinstance(state, NpEnvState):
        _fail(name, f"{where}: returned {type(state).__name__}, not an NpEnvState")
    obs_shape = (n, *env.observation_space.shape)
    for field, shape, dtype in (
        ("obs", obs_shape, np.float32), ("final_obs", obs_shape, np.float32),
        ("reward", (n,), np.float32), ("terminated", (n,), np.bool_), ("truncated", (n,), np.bool_),
    ):
        value = getattr(state, field)
        if not isinstance(value, np.ndarray) or value.shape != shape or value.dtype != dtype:
            got = f"{type(value).__name__} {getattr(value, 'shape', '')} {getattr(value, 'dtype', '')}"
            _fail(name, f"{where}: state.{field} must be {np.dtype(dtype)} of shape {shape}, got {got}")
    critic_space = env.critic_observation_space
    if critic_space is not None:
        for field in ("critic_obs", "final_critic_obs"):
            value = getattr(state, field)
            shape = (n, *critic_space.shape)
            if not isinstance(value, np.ndarray) or value.shape != shape or value.dtype != np.float32:
                _fail(name, f"{where}: state.{field} must be float32 of shape {shape} (the env declares a "
                            f"privileged critic observation), got {getattr(value, 'shape', value)}")
    for field in ("obs", "final_obs", "reward", *(("critic_obs",) if critic_space is not None else ())):
        if not np.isfinite(getattr(state, field)).all():
            _fail(name, f"{where}: state.{field} has non-finite values")
    if not isinstance(state.info, dict):
        _fail(name, f"{where}: state.info must be a dict")
    for group in ("Reward", "metrics"):
        for key, value in state.info.get(group, {}).items():
            if np.shape(value) != (n,) or not np.isfinite(value).all():
                _fail(name, f"{where}: info[{group!r}][{key!r}] must be finite values of shape ({n},), "
                            f"got shape {np.shape(value)}")


def _snapshot(state: NpEnvState, env: NpEnv) -> dict[str, Any]:
    return {
        "dof_pos": env.data.dof_pos, "dof_vel": env.data.dof_vel,
        "ctrls": env.data.actuator_ctrls, "obs": state.obs.copy(), "info": copy.deepcopy(state.info),
    }


def _run(name: str, env: NpEnv, actions: np.ndarray, max_steps: int, check: bool) -> _Trace:
    """Step ``env`` through ``actions``; with ``check``, verify each step on the way."""
    trace = _Trace([], [], [], [], [], [], [])
    n = env.num_envs
    if check:
        _check_state(name, env, env.state, "init_state()")
        if env.state.done.any():
            _fail(name, "init_state() reports finished episodes")
    length = np.zeros(n, dtype=np.int64)
    finished = 0
    for t, action in enumerate(actions):
        state = env.step(action)
        length += 1
        if check:
            where = f"step {t}"
            _check_state(name, env, state, where)
            done = state.done
            if (state.terminated & state.truncated).any():
                _fail(name, f"{where}: an env is both terminated and truncated")
            if not np.array_equal(state.final_obs[~done], state.obs[~done]):
                _fail(name, f"{where}: final_obs differs from obs for envs that did not finish")
            if (length > max_steps).any():
                _fail(name, f"{where}: an episode ran past max_episode_steps ({max_steps}) without ending")
            if not np.array_equal(state.truncated, (length == max_steps) & ~state.terminated):
                _fail(name, f"{where}: truncated must be set exactly when an unterminated episode reaches "
                            f"max_episode_steps ({max_steps})")
            steps_info = state.info.get("steps")
            if steps_info is not None and not np.array_equal(steps_info, np.where(done, 0, length)):
                _fail(name, f"{where}: info['steps'] does not count control steps since the last reset")
            length[done] = 0
            finished += int(done.sum())
        else:
            length[state.done] = 0
        trace.obs.append(state.obs.copy())
        trace.final_obs.append(state.final_obs.copy())
        trace.reward.append(state.reward.copy())
        trace.terminated.append(state.terminated.copy())
        trace.truncated.append(state.truncated.copy())
        trace.dof_pos.append(env.data.dof_pos)
        trace.dof_vel.append(env.data.dof_vel)
    if check and finished == 0:
        _fail(name, f"no episode ended in {len(actions)} steps (with max_episode_steps {max_steps})")
    return trace


def _check_alone(
    name: str, build: Any, initial: dict[str, Any], actions: np.ndarray, trace: _Trace, stochastic: bool,
) -> None:
    """Env i of the batch, replayed alone from the same initial state, must do the same."""
    done = np.array([t | u for t, u in zip(trace.terminated, trace.truncated)])  # (steps, N)
    steps, n = done.shape
    first_done = np.where(done.any(axis=0), done.argmax(axis=0), steps - 1)
    # The env whose first episode lasts longest: other envs reset around it meanwhile.
    i = int(n - 1 - np.argmax(first_done[::-1]))
    end = int(first_done[i])

    alone = build(1)
    state = alone.init_state()
    model = alone.model
    if "randomizer" in initial:  # env i's randomized parameters, before its physics state
        alone.randomizer.adopt(initial["randomizer"], i, alone.data)
        alike = alone.randomizer.steps_alike()  # interval redraws differ from the batch's after this
        if alike is not None:
            end = min(end, alike - 1)
    alone.data.set_dof_pos(initial["dof_pos"][i:i + 1], model)
    alone.data.set_dof_vel(initial["dof_vel"][i:i + 1])
    alone.data.actuator_ctrls = initial["ctrls"][i:i + 1]
    model.forward_kinematic(alone.data)
    state.obs[:] = initial["obs"][i:i + 1]
    _copy_row(state.info, initial["info"], i, n)

    what = f"env {i} of a batch of {n} and the same env alone"
    for t in range(end + 1):
        s = alone.step(actions[t, i:i + 1])
        last = t == end
        if t < end:
            for field, value in (("dof_pos", alone.data.dof_pos), ("dof_vel", alone.data.dof_vel)):
                if not np.allclose(value[0], getattr(trace, field)[t][i], rtol=1e-5, atol=1e-6):
                    _fail(name, f"{what} diverge at step {t}: physics state {field} differs")
        if stochastic:
            continue
        pairs = [("reward", s.reward[0], trace.reward[t][i]),
                 ("terminated", s.terminated[0], trace.terminated[t][i]),
                 ("truncated", s.truncated[0], trace.truncated[t][i]),
                 ("final_obs", s.final_obs[0], trace.final_obs[t][i])]
        if not last:
            pairs.append(("obs", s.obs[0], trace.obs[t][i]))
        for field, mine, theirs in pairs:
            if not np.allclose(mine, theirs, rtol=1e-5, atol=1e-6):
                _fail(name, f"{what} diverge at step {t}: {field} {mine} != {theirs}")


def _copy_row(target: dict[str, Any], source: dict[str, Any], i: int, n: int) -> None:
    """Set ``target``'s per-env arrays (one env) to row ``i`` of ``source``'s (``n`` envs)."""
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _copy_row(target[key], value, i, n)
        elif isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == n:
            target[key] = value[i:i + 1].copy()
