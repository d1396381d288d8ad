"""What one PPO update costs on this CPU, and what would make it cheaper (torch backend).

    python benchmarks/update_cost.py [--env go1] [--repeats 5] [--json F]

Builds the env's default torch agent, fills its rollout memory from real env steps (the
default ``num_envs × rollouts``), then times ``agent.update`` (``learning_epochs`` epochs of
``mini_batches`` minibatches), median of ``--repeats``, from the same saved state each time, in
each variant, all in one sitting:

- ``fp32``: as trained today (every core when the minibatch is large, ``update_threads``);
- ``fp32, 1 thread``: the same on one core;
- ``bf16 autocast``: the forward and backward passes under ``torch.autocast("cpu", bfloat16)``
  (this machine's CPU has AVX-512 BF16; the weights and Adam stay float32);
- ``no privileged critic``: the value network on the policy's observation.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import statistics
import time
from pathlib import Path

import torch

import motrix
from motrix.registry import get_rl_config
from motrix_backend_torch.parts import agent_state, build_agent, restore_agent
from motrix_backend_torch.wrapper import NpEnvWrapper


def filled_agent(env_name: str, privileged: bool):
    cfg = get_rl_config(env_name, "torch").load_cfg_class()()
    cfg.privileged_critic = privileged
    env = motrix.make(env_name, num_envs=cfg.num_envs, seed=0)
    critic_space = cfg.critic_space(env)
    agent = build_agent(cfg, env.observation_space, env.action_space, torch.device("cpu"), None,
                        critic_space=critic_space)
    agent.init()
    agent.enable_training_mode(True)
    wrapped = NpEnvWrapper(env, torch.device("cpu"), critic=critic_space is not None)
    observations, _ = wrapped.reset()
    states = wrapped.state()
    for t in range(cfg.rollouts):
        actions, _ = agent.act(observations, states, timestep=t, timesteps=cfg.rollouts)
        next_observations, rewards, terminated, truncated, infos = wrapped.step(actions)
        next_states = wrapped.state()
        agent.record_transition(observations=observations, states=states, actions=actions, rewards=rewards,
                                next_observations=next_observations, next_states=next_states, terminated=terminated,
                                truncated=truncated, infos=infos, timestep=t, timesteps=cfg.rollouts)
        observations, states = next_observations, next_states
    return agent, cfg


def time_updates(agent, repeats: int, threads: int | None = None, bf16: bool = False) -> float:
    saved = copy.deepcopy(agent_state(agent))
    memory = {name: tensor.clone() for name, tensor in agent.memory.tensors.items()}
    agent.update_threads = threads or agent.update_threads
    seconds = []
    for _ in range(repeats):
        restore_agent(agent, copy.deepcopy(saved), path="<saved>")
        for name, tensor in memory.items():
            agent.memory.tensors[name].copy_(tensor)
        context = torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext()
        start = time.perf_counter()
        with context:
            agent.update(timestep=0, timesteps=1)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="go1")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()
    torch.set_num_threads(1)
    agent, cfg = filled_agent(args.env, privileged=True)
    threads = agent.update_threads
    figures = {"env": args.env, "samples": cfg.num_envs * cfg.rollouts, "epochs": cfg.learning_epochs,
               "mini_batches": cfg.mini_batches, "update_threads": threads,
               "bf16_supported": torch.backends.cpu.get_cpu_capability(), "seconds": {}}
    figures["seconds"]["fp32"] = time_updates(agent, args.repeats)
    figures["seconds"]["fp32, 1 thread"] = time_updates(agent, args.repeats, threads=1)
    agent.update_threads = threads
    figures["seconds"]["bf16 autocast"] = time_updates(agent, args.repeats, bf16=True)
    plain, _ = filled_agent(args.env, privileged=False)
    figures["seconds"]["no privileged critic"] = time_updates(plain, args.repeats)
    for name, value in figures["seconds"].items():
        print(f"{name:>22}: {value * 1e3:8.1f} ms per update")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
