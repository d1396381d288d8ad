"""The JAX agent's fused programs compute what skrl 2.x's own JAX PPO computes.

``MotrixPPO(fused=True)`` runs act / record / update as three XLA programs;
``MotrixPPO(fused=False)`` is skrl's ``PPO`` methods unchanged (plus motrix's bookkeeping).
Driven through skrl's ``SequentialTrainer`` on the same env with the same seeds, both must
end with the same weights, optimizer states, normalizer statistics and learning rates.
"""

from __future__ import annotations

import numpy as np
import pytest

jax = pytest.importorskip("jax")
pytest.importorskip("flax")
pytest.importorskip("skrl")

import jax.numpy as jnp  # noqa: E402
from skrl import config  # noqa: E402
from skrl.agents.jax import ExperimentCfg  # noqa: E402
from skrl.agents.jax.ppo import PPO_CFG  # noqa: E402
from skrl.memories.jax import RandomMemory  # noqa: E402
from skrl.resources.preprocessors.jax import RunningStandardScaler  # noqa: E402
from skrl.resources.schedulers.jax import KLAdaptiveLR  # noqa: E402
from skrl.trainers.jax import SequentialTrainer, SequentialTrainerCfg  # noqa: E402

import motrix  # noqa: E402
from motrix.config import PPOCfg  # noqa: E402
from motrix.training.skrl_agent import AgentContext  # noqa: E402
from motrix_backend_jax.agent import MotrixPPO  # noqa: E402
from motrix.training.checkpoint_header import model_spec  # noqa: E402
from motrix_backend_jax.models import build_models  # noqa: E402
from motrix_backend_jax.wrapper import NpEnvWrapper  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def _compilation_cache():
    """The backend's on-disk cache of compiled programs, as ``motrix train`` uses it."""
    from motrix_backend_jax.device import configure_compilation_cache

    configure_compilation_cache()


NUM_ENVS, ROLLOUTS = 32, 8


class StockPPO(MotrixPPO):
    """skrl's own methods; its sampling counter kept as if tracing had no side effects.

    skrl's ``_update_policy`` calls ``GaussianMixin.act`` inside ``jax.jit``: tracing it bumps
    the policy's sampling counter once more, which would shift every later key by one.
    """

    def update(self, *, timestep: int, timesteps: int) -> None:
        samples = self.policy._g_i
        super().update(timestep=timestep, timesteps=timesteps)
        self.policy._g_i = samples


def _agent(tmp_path, *, fused: bool, shared: bool = False, scheduler: bool = True, kl_threshold: float = 0.0,
           entropy: float = 0.0, bootstrap: bool = True, seed: int = 7):
    device = jax.devices("cpu")[0]
    config.jax.device = device
    config.jax.key = seed
    np.random.seed(seed)
    env = motrix.make("cartpole", num_envs=NUM_ENVS, seed=seed, max_episode_seconds=0.1)  # 10-step episodes
    cfg = PPOCfg(share_policy_value_features=shared)
    models = build_models(model_spec(cfg), env.observation_space, env.action_space, device)
    agent_cfg = PPO_CFG(
        rollouts=ROLLOUTS, learning_epochs=3, mini_batches=4, learning_rate=3e-4, grad_norm_clip=1.0,
        learning_rate_scheduler=KLAdaptiveLR if scheduler else None,
        learning_rate_scheduler_kwargs={"kl_threshold": 0.008, "max_lr": 1e-3} if scheduler else {},
        observation_preprocessor=RunningStandardScaler,
        observation_preprocessor_kwargs={"size": env.observation_space, "device": device},
        value_preprocessor=RunningStandardScaler, value_preprocessor_kwargs={"size": 1, "device": device},
        time_limit_bootstrap=bootstrap, value_clip=0.2, kl_threshold=kl_threshold, entropy_loss_scale=entropy,
        experiment=ExperimentCfg(directory=str(tmp_path), experiment_name=f"fused{fused}", write_interval=0,
                                 checkpoint_interval=0),
    )
    memory = RandomMemory(memory_size=ROLLOUTS, num_envs=NUM_ENVS, device=device)
    agent = (MotrixPPO if fused else StockPPO)(context=AgentContext(num_envs=NUM_ENVS), fused=fused, models=models, memory=memory,
                      observation_space=env.observation_space, action_space=env.action_space, device=device,
                      cfg=agent_cfg)
    trainer = SequentialTrainer(env=NpEnvWrapper(env, device), agents=agent,
                                cfg=SequentialTrainerCfg(timesteps=3 * ROLLOUTS, headless=True,
                                                         disable_progressbar=True, close_environment_at_exit=False))
    return agent, trainer


def _max_diff(a, b) -> float:
    diffs = jax.tree_util.tree_map(lambda x, y: float(jnp.max(jnp.abs(jnp.asarray(x) - jnp.asarray(y)))), a, b)
    return max(jax.tree_util.tree_leaves(diffs))


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"scheduler": False},
        {"entropy": 0.01, "bootstrap": False},
        {"kl_threshold": 0.002},
    ],
    ids=["kl-adaptive", "constant-lr", "entropy-no-bootstrap", "kl-early-stop"],
)
def test_fused_training_matches_skrl_ppo(tmp_path, options):
    fused, fused_trainer = _agent(tmp_path, fused=True, **options)
    fused_trainer.train()
    stock, stock_trainer = _agent(tmp_path, fused=False, **options)
    stock_trainer.train()
    assert fused.fused and not stock.fused

    assert fused.episode_stats.episodes == stock.episode_stats.episodes > 0
    assert _max_diff(fused.policy.state_dict.params, stock.policy.state_dict.params) < 1e-4
    assert _max_diff(fused.value.state_dict.params, stock.value.state_dict.params) < 1e-4
    assert _max_diff(fused.policy_optimizer.state, stock.policy_optimizer.state) < 1e-4
    assert _max_diff(fused.value_optimizer.state, stock.value_optimizer.state) < 1e-4
    for name in ("observation_preprocessor", "value_preprocessor"):
        a, b = fused.checkpoint_modules[name], stock.checkpoint_modules[name]
        np.testing.assert_allclose(a.running_mean, b.running_mean, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(a.running_variance, b.running_variance, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(a.current_count, b.current_count)
    assert fused.policy_learning_rate == pytest.approx(stock.policy_learning_rate, rel=1e-4)
    assert fused.value_learning_rate == pytest.approx(stock.value_learning_rate, rel=1e-4)


def test_shared_model_trains_both_heads_with_one_optimizer(tmp_path):
    agent, trainer = _agent(tmp_path, fused=True, shared=True)
    assert agent.shared and agent.fused
    before = jax.tree_util.tree_map(np.array, agent.policy.state_dict.params)
    trainer.train()
    after = agent.policy.state_dict.params
    for head in ("mean", "value"):
        assert _max_diff(before["params"][head], after["params"][head]) > 0
    assert int(agent.policy_optimizer.state[1].count) == 3 * 3 * 4  # updates × epochs × minibatches


def test_each_program_compiles_once(tmp_path):
    agent, trainer = _agent(tmp_path, fused=True)
    trainer.train()
    sizes = {name: getattr(agent, f"_{name}_program")._cache_size() for name in ("act", "record", "update")}
    assert sizes == {"act": 1, "record": 1, "update": 1}


def test_skrl_reward_curves_are_tracked_as_skrl_tracks_them(tmp_path):
    from skrl.agents.jax import Agent

    ours, _ = _agent(tmp_path, fused=True)
    theirs, _ = _agent(tmp_path, fused=True)
    for agent in (ours, theirs):
        agent.write_interval = 1  # _agent() turns TensorBoard off
    rng = np.random.default_rng(0)
    for step in range(60):
        reward = rng.standard_normal(NUM_ENVS).astype(np.float32)
        done = rng.random(NUM_ENVS) < 0.1
        ours.skrl_curves.track(reward, done)
        Agent.record_transition(theirs, observations=None, states=None, actions=None, rewards=reward.reshape(-1, 1),
                                next_observations=None, next_states=None, terminated=done.reshape(-1, 1),
                                truncated=np.zeros((NUM_ENVS, 1), bool), infos={}, timestep=step, timesteps=60)
        if step == 30:  # a TensorBoard write empties both
            for agent in (ours, theirs):
                agent._track_rewards.clear()
                agent._track_timesteps.clear()
                agent.tracking_data.clear()
    assert ours.tracking_data.keys() == theirs.tracking_data.keys()
    for tag, values in theirs.tracking_data.items():
        np.testing.assert_allclose(ours.tracking_data[tag], values, rtol=1e-6, err_msg=tag)
