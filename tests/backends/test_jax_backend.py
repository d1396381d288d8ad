"""What only the JAX backend has: its device probe, its checkpoint format and exact restore."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys

import msgpack
import numpy as np
import pytest

jax = pytest.importorskip("jax")
pytest.importorskip("motrix_backend_jax.parts")

import jax.numpy as jnp  # noqa: E402

from motrix.config import PPOCfg  # noqa: E402
from motrix.errors import CheckpointError  # noqa: E402
from motrix_backend_jax import checkpoint  # noqa: E402
from motrix.training.checkpoint_header import model_spec  # noqa: E402
from motrix_backend_jax.policy import MeanActions, TrainedPolicy, probe  # noqa: E402
from motrix_backend_jax.parts import agent_state as _agent_state  # noqa: E402
from motrix_backend_jax.parts import build_agent  # noqa: E402
from motrix_backend_jax.parts import restore_agent as _restore  # noqa: E402

DEVICE = jax.devices("cpu")[0]



@pytest.fixture(scope="module", autouse=True)
def _compilation_cache():
    """The backend's on-disk cache of compiled programs, as ``motrix train`` uses it."""
    from motrix_backend_jax.device import configure_compilation_cache

    configure_compilation_cache()


@pytest.fixture(scope="module")
def env():
    import motrix

    return motrix.make("cartpole", num_envs=8, seed=0)


def _fake_training(agent, obs_dim: int, updates: int = 2) -> None:
    """Fill the memory with random transitions and update: moves weights, optimizers and scalers."""
    agent.init()
    agent.enable_training_mode(True)
    n = agent.num_envs
    rng = np.random.default_rng(0)
    for _ in range(updates):
        for _ in range(agent.cfg.rollouts):
            obs = jnp.asarray(rng.standard_normal((n, obs_dim)), jnp.float32)
            actions, _ = agent.act(obs, None, timestep=0, timesteps=1)
            flags = jnp.zeros((n, 1), bool)
            agent.record_transition(observations=obs, states=None, actions=actions,
                                    rewards=jnp.asarray(rng.random((n, 1)), jnp.float32), next_observations=obs,
                                    next_states=None, terminated=flags, truncated=flags, infos={},
                                    timestep=0, timesteps=1)
        agent.update(timestep=0, timesteps=1)


def _leaves_equal(a, b) -> bool:
    la, lb = jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)
    return len(la) == len(lb) and all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(la, lb))


@pytest.mark.parametrize("shared", [False, True])
def test_checkpoint_round_trip_restores_everything_exactly(env, tmp_path, shared):
    cfg = PPOCfg(num_envs=8, rollouts=4, mini_batches=2, share_policy_value_features=shared)
    agent = build_agent(cfg, env.observation_space, env.action_space, DEVICE, None)
    _fake_training(agent, 4)
    agent.episode_stats.recent_returns.extend([10.0, 30.0])
    np.random.seed(5)
    path = tmp_path / "c.msgpack"
    checkpoint.save(path, {"env": "cartpole", "obs_dim": 4, "action_dim": 1, "env_steps": 64},
                    checkpoint.to_host(_agent_state(agent)))

    header, state = checkpoint.load(path)
    fresh = build_agent(cfg, env.observation_space, env.action_space, DEVICE, None)
    fresh.init()
    np.random.seed(99)
    _restore(fresh, state, path)
    a, b = _agent_state(agent), _agent_state(fresh)
    assert a.keys() == b.keys() and shared == ("value" not in a)
    for name in a:
        if name != "rng":
            assert _leaves_equal(a[name], b[name]), name
    assert fresh.policy_learning_rate == agent.policy_learning_rate != cfg.learning_rate  # KL-adapted
    assert fresh.policy._g_i == agent.policy._g_i > 0  # sampling continues where it stopped
    assert fresh.episode_stats.mean_recent_return() == 20.0  # the last episodes' mean carries over
    assert np.random.randint(1 << 30) == (np.random.seed(5) or np.random.randint(1 << 30))
    # and the restored agent runs its programs without recompiling for the restored arrays
    _fake_training(fresh, 4, updates=1)
    assert fresh._update_program._cache_size() == 1


def test_checkpoint_is_msgpack_and_loads_without_pickle(tmp_path, monkeypatch):
    path = tmp_path / "c.msgpack"
    state = {"policy": {"params": {"w": np.arange(6, dtype=np.float32).reshape(3, 2)}}, "learning_rate": {"policy": 1e-3}}
    checkpoint.save(path, {"env": "cartpole", "obs_dim": 4, "action_dim": 1, "env_steps": 1}, state)
    outer = msgpack.unpackb(path.read_bytes(), raw=False)
    assert outer["format"] == checkpoint.FORMAT and outer["format_version"] == checkpoint.FORMAT_VERSION
    assert b"\x80\x04" not in path.read_bytes()[:2]  # not a pickle stream

    def no_pickle(*args, **kwargs):
        raise AssertionError("pickle used while loading a checkpoint")

    monkeypatch.setattr(pickle, "loads", no_pickle)
    monkeypatch.setattr(pickle, "load", no_pickle)
    monkeypatch.setattr(pickle, "Unpickler", no_pickle)
    header, loaded = checkpoint.load(path)
    assert header["env"] == "cartpole"
    np.testing.assert_array_equal(loaded["policy"]["params"]["w"], state["policy"]["params"]["w"])
    assert loaded["learning_rate"]["policy"] == 1e-3


def test_a_modified_header_breaks_the_digest(tmp_path):
    path = tmp_path / "c.msgpack"
    checkpoint.save(path, {"env": "cartpole", "obs_dim": 4, "action_dim": 1, "env_steps": 1},
                    {"policy": {"w": np.ones(2, np.float32)}})
    outer = msgpack.unpackb(path.read_bytes(), raw=False)
    outer["payload"] = outer["payload"].replace(b"cartpole", b"cartpolf")
    path.write_bytes(msgpack.packb(outer, use_bin_type=True))
    with pytest.raises(CheckpointError, match="digest mismatch"):
        checkpoint.load(path)


@pytest.mark.parametrize("data", [b"", b"\x93\x01", b"garbage" * 10, msgpack.packb({"format": "other"})],
                         ids=["empty", "cut", "garbage", "other-format"])
def test_unreadable_files_are_one_checkpoint_error(tmp_path, data):
    path = tmp_path / "c.msgpack"
    path.write_bytes(data)
    with pytest.raises(CheckpointError) as info:
        checkpoint.load(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_a_checkpoint_of_another_env_is_refused(env, tmp_path):
    cfg = PPOCfg(num_envs=8, rollouts=4, mini_batches=2)
    agent = build_agent(cfg, env.observation_space, env.action_space, DEVICE, None)
    path = tmp_path / "go1.msgpack"
    checkpoint.save(path, {"env": "go1", "obs_dim": 48, "action_dim": 12, "env_steps": 1,
                           "model": model_spec(cfg)}, checkpoint.to_host(_agent_state(agent)))
    with pytest.raises(CheckpointError, match=r"trained on 'go1' \(obs 48, action 12\), not on 'cartpole'"):
        TrainedPolicy(path, "cartpole", env.observation_space, env.action_space)


def test_weights_of_other_networks_are_refused(env, tmp_path):
    small = PPOCfg(num_envs=8, rollouts=4, mini_batches=2, policy_hidden_layer_sizes=(16,))
    agent = build_agent(small, env.observation_space, env.action_space, DEVICE, None)
    path = tmp_path / "c.msgpack"
    checkpoint.save(path, {"env": "cartpole", "obs_dim": 4, "action_dim": 1, "env_steps": 1,
                           "model": model_spec(PPOCfg())}, checkpoint.to_host(_agent_state(agent)))
    with pytest.raises(CheckpointError, match="policy does not fit the networks"):
        TrainedPolicy(path, "cartpole", env.observation_space, env.action_space)


def test_a_reloaded_policy_reproduces_the_live_one(env, tmp_path):
    cfg = PPOCfg(num_envs=8, rollouts=4, mini_batches=2)
    agent = build_agent(cfg, env.observation_space, env.action_space, DEVICE, None)
    _fake_training(agent, 4)
    scaler = agent.checkpoint_modules["observation_preprocessor"]
    live = probe(MeanActions(agent.policy), agent.policy.state_dict.params, scaler, 4)
    path = tmp_path / "c.msgpack"
    checkpoint.save(path, {"env": "cartpole", "obs_dim": 4, "action_dim": 1, "env_steps": 64,
                           "model": model_spec(cfg), "probe": live}, checkpoint.to_host(_agent_state(agent)))
    policy = TrainedPolicy(path, "cartpole", env.observation_space, env.action_space)
    obs, actions = policy.recorded_probe
    np.testing.assert_allclose(policy(obs), actions, rtol=0, atol=1e-6)

    # a probe that the weights do not reproduce: the file was built from other networks
    bad = dict(live, actions=[[a[0] + 1.0] for a in live["actions"]])
    checkpoint.save(path, {"env": "cartpole", "obs_dim": 4, "action_dim": 1, "env_steps": 64,
                           "model": model_spec(cfg), "probe": bad}, checkpoint.to_host(_agent_state(agent)))
    with pytest.raises(CheckpointError, match="does not reproduce its recorded actions"):
        TrainedPolicy(path, "cartpole", env.observation_space, env.action_space)


def test_the_wrapper_hands_ppo_the_observation_a_truncated_episode_ended_on():
    import motrix
    from motrix_backend_jax.wrapper import NpEnvWrapper

    env = motrix.make("cartpole", num_envs=4, seed=0, max_episode_seconds=0.05)  # 5 steps, then truncation
    wrapped = NpEnvWrapper(env, DEVICE)
    obs, _ = wrapped.reset()
    assert obs.shape == (4, 4) and wrapped.num_envs == 4 and wrapped.state() is None
    for _ in range(5):
        obs, reward, terminated, truncated, info = wrapped.step(jnp.zeros((4, 1)))
    assert isinstance(obs, jax.Array) and obs.committed
    assert truncated.all() and not terminated.any() and reward.shape == (4, 1)
    final = info["final_observations"]
    np.testing.assert_array_equal(final, env.state.final_obs)
    assert not np.array_equal(final, obs)  # obs is already the post-reset observation

    cfg = PPOCfg(num_envs=4, rollouts=4, mini_batches=2, time_limit_bootstrap=True)
    agent = build_agent(cfg, env.observation_space, env.action_space, DEVICE, None)
    agent.init()
    agent.enable_training_mode(True)
    actions, _ = agent.act(obs, None, timestep=0, timesteps=1)
    agent.record_transition(observations=obs, states=None, actions=actions, rewards=reward,
                            next_observations=obs, next_states=None, terminated=terminated,
                            truncated=truncated, infos=info, timestep=0, timesteps=1)
    assert agent._current_next_observations is final  # what the truncation bootstrap values
    stored = agent.memory.get_tensor_by_name("rewards")[0]
    assert not np.array_equal(stored, reward)  # reward + gamma * V(final observation)


def test_gpu_probe_does_not_import_jax_without_a_gpu_plugin():
    code = (
        "import sys, importlib.util, json\n"
        "from motrix_backend_jax.device import has_gpu, _gpu_plugin_installed\n"
        "r = has_gpu()\n"
        "print(json.dumps({'gpu': r, 'plugin': _gpu_plugin_installed(), 'jax': 'jax' in sys.modules}))\n"
    )
    out = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                    check=True).stdout.strip().splitlines()[-1])
    if not out["plugin"]:
        assert out == {"gpu": False, "plugin": False, "jax": False}
    else:  # a CUDA/ROCm jax plugin is installed: the probe asks jax
        assert out["jax"] is True


def test_every_ppo_field_reaches_the_jax_ppo_cfg():
    import dataclasses

    from skrl.agents.jax.ppo import PPO_CFG

    from motrix.training.skrl_cfg import skrl_ppo_settings

    settings = skrl_ppo_settings(PPOCfg(clip_predicted_values=False, rewards_shaper_scale=0.5))
    cfg = PPO_CFG(**settings.agent_kwargs)
    assert cfg.value_clip == 0.0 and cfg.gae_lambda == 0.95
    np.testing.assert_array_equal(cfg.rewards_shaper(jnp.ones(2), 0, 1), [0.5, 0.5])
    assert {f.name for f in dataclasses.fields(PPO_CFG)} >= set(settings.agent_kwargs)


@pytest.mark.parametrize("shared", [False, True])
def test_models_get_the_parameter_tree_flax_would_build(env, shared):
    from motrix_backend_jax.models import build_models

    cfg = PPOCfg(share_policy_value_features=shared, policy_hidden_layer_sizes=(32, 16),
                 value_hidden_layer_sizes=(32, 16), initial_log_std=-0.5)
    models = build_models(model_spec(cfg), env.observation_space, env.action_space, DEVICE, key=jax.random.PRNGKey(3))
    x = {"observations": jnp.zeros((1, 4), jnp.float32)}
    for role, model in models.items():
        expected = jax.eval_shape(lambda: model.init(jax.random.PRNGKey(0), x, role))
        got = model.state_dict.params
        assert jax.tree_util.tree_structure(got) == jax.tree_util.tree_structure(expected), role
        assert [a.shape for a in jax.tree_util.tree_leaves(got)] == [a.shape for a in jax.tree_util.tree_leaves(expected)]
        out, _ = model.apply(got, x, role)
        assert out.shape == (1, 1)
    params = models["policy"].state_dict.params["params"]
    np.testing.assert_array_equal(params["log_std"], [-0.5])
    kernel = np.asarray(params["net"]["dense_1"]["kernel"])
    assert np.abs(kernel).max() <= 1 / np.sqrt(32) and kernel.std() > 0.5 / np.sqrt(3 * 32)  # U(±1/√fan_in)
    again = build_models(model_spec(cfg), env.observation_space, env.action_space, DEVICE, key=jax.random.PRNGKey(3))
    assert _leaves_equal(again["policy"].state_dict.params, models["policy"].state_dict.params)  # seeded


def test_play_episodes_and_the_iteration_monitor(tmp_path):
    """The framework-free loop helpers the JAX trainer uses (``motrix.training.loop``)."""
    import io

    import motrix
    from motrix.training.episode_stats import EpisodeStats
    from motrix.training.loop import IterationMonitor, play_episodes
    from motrix.training.progress import Progress, TargetTracker

    env = motrix.make("cartpole", num_envs=3, seed=0, max_episode_seconds=0.05)  # 5-step episodes
    result = play_episodes(env, lambda obs: np.zeros((obs.shape[0], 1), np.float32), episodes=4)
    assert result.lengths == [5, 5, 5, 5] and result.returns == [5.0] * 4  # the 4th from the second wave

    stats, saved, out = EpisodeStats(2), [], io.StringIO()
    monitor = IterationMonitor(num_envs=2, check_point_interval=3, progress=Progress("jax", 100, stream=out),
                               target=TargetTracker(1.5, 0.0), stats=stats, save=saved.append)
    for iteration in range(1, 7):
        stats.update(np.ones(2), np.array([iteration % 2 == 0, False]))
        monitor(iteration)
    assert saved == [3, 6]
    assert monitor.target.reached.env_steps == 4  # the first episode (return 2 >= 1.5) ends at iteration 2
