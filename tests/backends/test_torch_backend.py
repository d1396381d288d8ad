"""What only the torch backend has: its checkpoint file format and exact restore."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("motrix_backend_torch.parts")

from motrix.config import PPOCfg  # noqa: E402
from motrix.errors import CheckpointError  # noqa: E402
from motrix_backend_torch import checkpoint  # noqa: E402
from motrix_backend_torch.policy import TrainedPolicy  # noqa: E402
from motrix_backend_torch.parts import agent_state as _agent_state  # noqa: E402
from motrix_backend_torch.parts import build_agent  # noqa: E402
from motrix_backend_torch.parts import restore_agent as _restore  # noqa: E402


@pytest.fixture(scope="module")
def env():
    import motrix

    return motrix.make("cartpole", num_envs=8, seed=0)


def _fake_training(agent, obs_dim: int, updates: int = 2) -> None:
    """Fill the memory with random transitions and update: moves weights, optimizer and scalers."""
    agent.init()
    agent.enable_training_mode(True)
    n = agent.num_envs
    for _ in range(updates):
        for _ in range(agent.cfg.rollouts):
            obs = torch.randn(n, obs_dim)
            with torch.no_grad():
                actions, _ = agent.act(obs, None, timestep=0, timesteps=1)
            agent.memory.add_samples(
                observations=obs, states=None, actions=actions, rewards=torch.rand(n, 1),
                terminated=torch.zeros(n, 1, dtype=torch.bool), truncated=torch.zeros(n, 1, dtype=torch.bool),
                log_prob=agent._current_log_prob, values=agent._current_values,
            )
        agent._current_next_observations, agent._current_next_states = torch.randn(n, obs_dim), None
        agent.update(timestep=0, timesteps=1)


@pytest.mark.parametrize("shared", [False, True])
def test_checkpoint_round_trip_restores_everything_exactly(env, tmp_path, shared):
    cfg = PPOCfg(num_envs=8, rollouts=4, mini_batches=2, share_policy_value_features=shared)
    device = torch.device("cpu")
    agent = build_agent(cfg, env.observation_space, env.action_space, device, None)
    _fake_training(agent, 4)
    path = tmp_path / "c.pt"
    header = {"env": "cartpole", "obs_dim": 4, "action_dim": 1, "env_steps": 64}
    checkpoint.save(path, header, _agent_state(agent))

    header, state = checkpoint.load(path)
    fresh = build_agent(cfg, env.observation_space, env.action_space, device, None)
    _restore(fresh, state, path)
    a, b = _agent_state(agent), _agent_state(fresh)
    for name in ("policy", "value", "observation_preprocessor", "value_preprocessor"):
        if name in a:
            assert a[name].keys() == b[name].keys()
            for key in a[name]:
                assert torch.equal(a[name][key], b[name][key]), (name, key)
    assert a["optimizer"]["param_groups"] == b["optimizer"]["param_groups"]  # includes the KL-adapted lr
    for k, st in a["optimizer"]["state"].items():
        for field, value in st.items():
            assert torch.equal(value, b["optimizer"]["state"][k][field]), (k, field)
    assert shared == ("value" not in a)


def test_checkpoint_is_plain_tensors_loadable_with_weights_only(tmp_path):
    state = {"policy": {"w": torch.randn(3, 2)}, "optimizer": {"state": {0: {"step": torch.tensor(3.0)}},
                                                               "param_groups": [{"lr": 1e-3, "params": [0]}]}}
    path = tmp_path / "c.pt"
    checkpoint.save(path, {"env": "cartpole", "obs_dim": 4, "action_dim": 1, "env_steps": 1}, state)
    raw = torch.load(path, weights_only=True)
    assert raw["format"] == checkpoint.FORMAT and raw["format_version"] == checkpoint.FORMAT_VERSION
    assert torch.equal(raw["state"]["policy"]["w"], state["policy"]["w"])
    header, loaded = checkpoint.load(path)
    assert header["env"] == "cartpole" and loaded["optimizer"]["param_groups"][0]["lr"] == 1e-3


def test_a_checkpoint_of_another_env_is_refused(env, tmp_path):
    cfg = PPOCfg(num_envs=8, rollouts=4, mini_batches=2)
    agent = build_agent(cfg, env.observation_space, env.action_space, torch.device("cpu"), None)
    from motrix.training.checkpoint_header import model_spec

    path = tmp_path / "go1.pt"
    checkpoint.save(path, {"env": "go1", "obs_dim": 48, "action_dim": 12, "env_steps": 1,
                           "model": model_spec(cfg)}, _agent_state(agent))
    with pytest.raises(CheckpointError, match=r"trained on 'go1' \(obs 48, action 12\), not on 'cartpole'"):
        TrainedPolicy(path, "cartpole", env.observation_space, env.action_space)


def test_a_modified_header_breaks_the_digest(tmp_path):
    path = tmp_path / "c.pt"
    checkpoint.save(path, {"env": "cartpole", "obs_dim": 4, "action_dim": 1, "env_steps": 1},
                    {"policy": {"w": torch.ones(2)}})
    raw = torch.load(path, weights_only=True)
    raw["header"]["env_steps"] = 10**9
    torch.save(raw, path)
    with pytest.raises(CheckpointError, match="digest mismatch"):
        checkpoint.load(path)


def test_every_ppo_field_has_a_skrl_mapping_and_ppo_cfg_accepts_it():
    from skrl.agents.torch.ppo import PPO_CFG

    from motrix.training.skrl_cfg import skrl_ppo_settings, unmapped_fields

    assert unmapped_fields() == []
    settings = skrl_ppo_settings(PPOCfg(clip_predicted_values=False, rewards_shaper_scale=0.5))
    cfg = PPO_CFG(**settings.agent_kwargs)
    assert cfg.value_clip == 0.0 and cfg.gae_lambda == 0.95
    assert cfg.rewards_shaper(torch.ones(2), 0, 1).tolist() == [0.5, 0.5]
    assert settings.kl_scheduler_kwargs == {"kl_threshold": 0.008, "min_lr": 1e-6, "max_lr": 1e-3}
    assert {f.name for f in dataclasses.fields(PPO_CFG)} >= set(settings.agent_kwargs)


def test_the_wrapper_hands_ppo_the_observation_a_truncated_episode_ended_on():
    import motrix
    from motrix_backend_torch.wrapper import NpEnvWrapper

    env = motrix.make("cartpole", num_envs=4, seed=0, max_episode_seconds=0.05)  # 5 steps, then truncation
    wrapped = NpEnvWrapper(env, torch.device("cpu"))
    obs, _ = wrapped.reset()
    assert obs.shape == (4, 4) and wrapped.num_envs == 4 and wrapped.state() is None
    for _ in range(5):
        obs, reward, terminated, truncated, info = wrapped.step(torch.zeros(4, 1))
    assert truncated.all() and not terminated.any() and reward.shape == (4, 1)
    final = info["final_observations"]
    assert torch.equal(final, torch.as_tensor(env.state.final_obs))
    assert not torch.equal(final, obs)  # obs is already the post-reset observation

    cfg = PPOCfg(num_envs=4, rollouts=4, mini_batches=2, time_limit_bootstrap=True)
    agent = build_agent(cfg, env.observation_space, env.action_space, torch.device("cpu"), None)
    agent.init()
    agent.enable_training_mode(True)
    with torch.no_grad():
        actions, _ = agent.act(obs, None, timestep=0, timesteps=1)
        agent.record_transition(observations=obs, states=None, actions=actions, rewards=reward.clone(),
                                next_observations=obs, next_states=None, terminated=terminated,
                                truncated=truncated, infos=info, timestep=0, timesteps=1)
    assert agent._current_next_observations is final  # what the truncation bootstrap values
    stored = agent.memory.get_tensor_by_name("rewards")[0]
    assert not torch.equal(stored, reward)  # reward + gamma * V(final observation)


def test_updates_run_on_the_update_threads_and_acting_keeps_its_count(env, monkeypatch):
    cfg = PPOCfg(num_envs=8, rollouts=4, mini_batches=2, learning_epochs=1)
    agent = build_agent(cfg, env.observation_space, env.action_space, torch.device("cpu"), None)
    seen = []
    import motrix_backend_torch.agent as agent_module

    original = agent_module.ppo_update  # the update the agent runs
    monkeypatch.setattr(agent_module, "ppo_update",
                        lambda agent: (seen.append(torch.get_num_threads()), original(agent))[1])
    torch.set_num_threads(1)
    agent.update_threads = 2
    _fake_training(agent, env.observation_space.shape[0], updates=1)
    assert seen == [2]
    assert torch.get_num_threads() == 1
    assert agent.clock.seconds["update"] > 0 and agent.clock.seconds["act"] > 0


def test_skrl_reward_curves_are_tracked_as_skrl_tracks_them(env):
    from skrl.agents.torch import Agent

    cfg = PPOCfg(num_envs=8, rollouts=4, mini_batches=2)
    ours, theirs = (build_agent(cfg, env.observation_space, env.action_space, torch.device("cpu"), None)
                    for _ in range(2))
    for agent in (ours, theirs):
        agent.write_interval = 1
    rng = np.random.default_rng(0)
    for step in range(60):
        reward = rng.standard_normal(8).astype(np.float32)
        done = rng.random(8) < 0.1
        ours.skrl_curves.track(reward, done)
        Agent.record_transition(theirs, observations=None, states=None, actions=None,
                                rewards=torch.as_tensor(reward).view(-1, 1), next_observations=None, next_states=None,
                                terminated=torch.as_tensor(done).view(-1, 1), truncated=torch.zeros(8, 1, dtype=torch.bool),
                                infos={}, timestep=step, timesteps=60)
        if step == 30:  # a TensorBoard write empties both
            for agent in (ours, theirs):
                agent._track_rewards.clear()
                agent._track_timesteps.clear()
                agent.tracking_data.clear()
    assert ours.tracking_data.keys() == theirs.tracking_data.keys()
    for tag, values in theirs.tracking_data.items():
        np.testing.assert_allclose(ours.tracking_data[tag], values, rtol=1e-6, atol=1e-6, err_msg=tag)


@pytest.mark.parametrize("preset, expected", [
    ({}, "10000"), ({"GOMP_SPINCOUNT": "5"}, "5"), ({"OMP_WAIT_POLICY": "ACTIVE"}, "unset"),
])
def test_openmp_workers_spin_briefly_unless_the_user_said_otherwise(preset, expected):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    env.update(preset)
    # set when a run starts (and by the device probe), before torch loads: the setting is in time
    code = ("import os, sys; from motrix_backend_torch.device import prepare_process; prepare_process(); "
            "assert 'torch' not in sys.modules; print(os.environ.get('GOMP_SPINCOUNT', 'unset'))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == expected


def test_only_large_minibatches_are_updated_on_every_core(monkeypatch, env):
    import os

    from motrix_backend_torch.device import PARALLEL_UPDATE_MIN_WORK, update_threads

    cores = len(os.sched_getaffinity(0))
    cpu = torch.device("cpu")
    assert update_threads(cpu, PARALLEL_UPDATE_MIN_WORK - 1) == 1
    assert update_threads(cpu, PARALLEL_UPDATE_MIN_WORK) == cores
    monkeypatch.setenv("MOTRIX_TORCH_UPDATE_THREADS", "3")
    assert update_threads(cpu, 1) == 3
    # cartpole's default networks and minibatches are small; Go1-sized ones are large
    small = build_agent(PPOCfg(num_envs=100, rollouts=32, mini_batches=8, policy_hidden_layer_sizes=(32, 32),
                               value_hidden_layer_sizes=(32, 32)), env.observation_space, env.action_space, cpu, None)
    large = build_agent(PPOCfg(num_envs=1024, rollouts=24, mini_batches=4, policy_hidden_layer_sizes=(256, 128, 64),
                               value_hidden_layer_sizes=(256, 128, 64)), env.observation_space, env.action_space, cpu, None)
    assert small.minibatch_work() < PARALLEL_UPDATE_MIN_WORK <= large.minibatch_work()
