"""The JAX agent's fused programs against skrl's own PPO methods, side by side in one run.

    python benchmarks/jax_fused_update.py [--envs cartpole go1] [--updates 6] [--json out.json]

For each env, two agents built from the env's default JAX config (cartpole: 100 envs;
go1: 1024 envs), ``MotrixPPO(fused=True)`` (one XLA program each for act, record and the
whole update) and ``MotrixPPO(fused=False)`` (skrl 2.x's ``PPO.act`` /
``record_transition`` / ``update``, unchanged), each on its own env, driven as skrl's
``SequentialTrainer`` drives them. They take turns one rollout and update at a time, so
that machine noise falls on both alike. The first rollout and update of each compile and
are left out; the figures are medians over the rest: the update (``post_interaction`` of
the rollout's last step, results on the host), and act + record per env step (until the
actions and the stored transition are ready). Physics is not in either figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

from motrix_backend_jax.device import configure_compilation_cache, configure_threads


def build(env_name: str, fused: bool, seed: int) -> tuple[Any, Any, Any]:
    """A seeded agent for ``env_name``'s default JAX config, its wrapped env and the config."""
    import jax
    import numpy as np
    from skrl import config
    from skrl.trainers.jax import SequentialTrainerCfg

    import motrix
    from motrix.registry.resolve import get_rl_config
    from motrix.training.checkpoint_header import model_spec
    from motrix.training.skrl_agent import AgentContext
    from motrix.training.skrl_parts import skrl_agent_cfg
    from motrix_backend_jax.agent import MotrixPPO
    from motrix_backend_jax.models import build_models
    from motrix_backend_jax.parts import SKRL_CLASSES
    from motrix_backend_jax.wrapper import NpEnvWrapper

    cfg = get_rl_config(env_name, "jax").load_cfg_class()()
    device = jax.devices("cpu")[0]
    config.jax.device, config.jax.key = device, seed
    np.random.seed(seed)
    env = NpEnvWrapper(motrix.make(env_name, num_envs=cfg.num_envs, seed=seed), device)
    models = build_models(model_spec(cfg), env.observation_space, env.action_space, device)
    agent_cfg, memory = skrl_agent_cfg(SKRL_CLASSES, cfg, env.observation_space, device, None)
    agent = MotrixPPO(context=AgentContext(num_envs=cfg.num_envs), fused=fused, models=models, memory=memory,
                      observation_space=env.observation_space, action_space=env.action_space, device=device,
                      cfg=agent_cfg)
    agent.init(trainer_cfg=SequentialTrainerCfg(timesteps=10**9, headless=True))
    agent.enable_training_mode(True)
    return agent, env, cfg


class Driver:
    """One agent on one env, stepped as skrl's ``SequentialTrainer`` steps it, with timings."""

    def __init__(self, agent: Any, env: Any, rollouts: int) -> None:
        self.agent, self.env, self.rollouts = agent, env, rollouts
        self.obs, _ = env.reset()
        self.timestep = 0
        self.step_s: list[float] = []
        self.update_s: list[float] = []

    def rollout_and_update(self, measured: bool) -> None:
        import jax

        agent, horizon = self.agent, 10**9
        for _ in range(self.rollouts):
            t = self.timestep
            agent.pre_interaction(timestep=t, timesteps=horizon)
            start = time.perf_counter()
            actions, _ = agent.act(self.obs, None, timestep=t, timesteps=horizon)
            jax.block_until_ready(actions)
            acted = time.perf_counter() - start
            next_obs, rewards, terminated, truncated, infos = self.env.step(actions)
            start = time.perf_counter()
            agent.record_transition(observations=self.obs, states=None, actions=actions, rewards=rewards,
                                    next_observations=next_obs, next_states=None, terminated=terminated,
                                    truncated=truncated, infos=infos, timestep=t, timesteps=horizon)
            jax.block_until_ready(dict(agent.memory.tensors))
            recorded = time.perf_counter() - start
            start = time.perf_counter()
            agent.post_interaction(timestep=t, timesteps=horizon)  # the update at the rollout's last step
            jax.block_until_ready(agent.policy.state_dict.params)
            post = time.perf_counter() - start
            self.obs, self.timestep = next_obs, t + 1
            if measured:
                self.step_s.append(acted + recorded)
        if measured:
            self.update_s.append(post)


def measure(env_name: str, updates: int, seed: int) -> dict[str, Any]:
    drivers = {}
    for fused in (True, False):
        agent, env, cfg = build(env_name, fused, seed)
        assert agent.fused is fused
        drivers[fused] = Driver(agent, env, cfg.rollouts)
    for i in range(updates + 1):  # the first round compiles
        for driver in drivers.values():
            driver.rollout_and_update(measured=i > 0)
    row: dict[str, Any] = {"env": env_name, "num_envs": cfg.num_envs,
                           "samples_per_update": cfg.num_envs * cfg.rollouts,
                           "epochs_x_minibatches": f"{cfg.learning_epochs}×{cfg.mini_batches}", "updates": updates}
    for fused, driver in drivers.items():
        name = "fused" if fused else "skrl"
        row[f"{name}_update_ms"] = 1000 * statistics.median(driver.update_s)
        row[f"{name}_step_us"] = 1e6 * statistics.median(driver.step_s)
    row["update_speedup"] = row["skrl_update_ms"] / row["fused_update_ms"]
    row["step_speedup"] = row["skrl_step_us"] / row["fused_step_us"]
    return row


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| env | envs | samples / update (epochs × minibatches) | update: fused | update: skrl | ratio "
        "| act + record per step: fused | skrl | ratio |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['env']} | {r['num_envs']:,} | {r['samples_per_update']:,} ({r['epochs_x_minibatches']}) "
            f"| {r['fused_update_ms']:,.0f} ms | {r['skrl_update_ms']:,.0f} ms | {r['update_speedup']:.1f}× "
            f"| {r['fused_step_us']:,.0f} µs | {r['skrl_step_us']:,.0f} µs | {r['step_speedup']:.1f}× |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", nargs="+", default=["cartpole", "go1"])
    parser.add_argument("--updates", type=int, default=6, help="measured updates per agent (after one to compile)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    configure_threads()  # as `motrix train` does, before jax starts
    configure_compilation_cache()
    rows = [measure(env, args.updates, args.seed) for env in args.envs]
    import jax

    print(f"jax {jax.__version__}, {jax.devices()[0].device_kind}, median of {args.updates} updates")
    print(table(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
