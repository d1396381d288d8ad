"""Training with the env's mirror: symmetry augmentation and the mirror loss (torch backend).

Each minibatch is trained together with its mirror image (observations, critic observations
and actions through the env's mirror maps; old log-probabilities, values, returns and
advantages as the originals'); the mirror loss pulls the policy towards acting
symmetrically. Real Go1 rollouts; the CLI runs are real ``motrix train`` processes.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("motrix_backend_torch.parts")

import motrix  # noqa: E402
from motrix.config import PPOCfg  # noqa: E402
from motrix.training.skrl_agent import AgentContext  # noqa: E402
from motrix_backend_torch.parts import build_agent  # noqa: E402
from motrix_backend_torch.update import MEMORY_NAMES, minibatch_losses, with_mirror_image  # noqa: E402
from motrix_backend_torch.wrapper import NpEnvWrapper  # noqa: E402

from tests.conftest import run_motrix  # noqa: E402


def _agent(mirror_loss_scale: float = 0.0, augment: bool = True):
    cfg = PPOCfg(num_envs=16, rollouts=8, learning_epochs=2, mini_batches=2, mirror_loss_scale=mirror_loss_scale,
                 symmetry_augmentation=augment)
    env = motrix.make("go1", num_envs=16, seed=0)
    critic_space = cfg.critic_space(env)
    maps = env.mirror_maps()
    context = AgentContext(num_envs=16, mirror=maps, mirror_loss_scale=mirror_loss_scale, augment=augment)
    agent = build_agent(cfg, env.observation_space, env.action_space, torch.device("cpu"), None, context,
                        critic_space)
    agent.init()
    agent.enable_training_mode(True)
    wrapped = NpEnvWrapper(env, torch.device("cpu"), critic=True)
    observations, _ = wrapped.reset()
    states = wrapped.state()
    for t in range(8):
        actions, _ = agent.act(observations, states, timestep=t, timesteps=8)
        next_observations, rewards, terminated, truncated, infos = wrapped.step(actions)
        next_states = wrapped.state()
        agent.record_transition(observations=observations, states=states, actions=actions, rewards=rewards,
                                next_observations=next_observations, next_states=next_states, terminated=terminated,
                                truncated=truncated, infos=infos, timestep=t, timesteps=8)
        observations, states = next_observations, next_states
    return agent, maps


def _batch(agent):
    agent.memory.set_tensor_by_name("returns", torch.randn_like(agent.memory.get_tensor_by_name("values")))
    agent.memory.set_tensor_by_name("advantages", torch.randn_like(agent.memory.get_tensor_by_name("values")))
    return agent.memory.sample(names=MEMORY_NAMES, batch_size=len(agent.memory), mini_batches=1)[0]


def test_a_minibatch_is_followed_by_its_mirror_image():
    agent, maps = _agent()
    batch = _batch(agent)
    augmented = with_mirror_image(agent, batch)
    n = batch[0].shape[0]
    for original, doubled in zip(batch, augmented):
        assert doubled.shape[0] == 2 * n
        assert torch.equal(doubled[:n], original)
    observations, states, actions = augmented[:3]
    assert torch.allclose(observations[n:], torch.as_tensor(maps.observation(batch[0].numpy())))
    assert torch.allclose(states[n:], torch.as_tensor(maps.critic(batch[1].numpy())))
    assert torch.allclose(actions[n:], torch.as_tensor(maps.action(batch[2].numpy())))
    for k in range(3, 7):  # log-probabilities, values, returns, advantages: the originals'
        assert torch.equal(augmented[k][n:], batch[k])


def _asymmetry(agent, maps, observations):
    with torch.no_grad():
        mean = agent.policy.act({"observations": agent._observation_preprocessor(observations)}, role="policy")[1]
        mirrored_obs = torch.as_tensor(maps.observation(observations.numpy()))
        mirrored = agent.policy.act({"observations": agent._observation_preprocessor(mirrored_obs)}, role="policy")[1]
        return float(((mirrored["mean_actions"] - torch.as_tensor(maps.action(mean["mean_actions"].numpy()))) ** 2)
                     .mean())


def test_the_mirror_loss_makes_the_policy_act_symmetrically():
    agent, maps = _agent(mirror_loss_scale=50.0, augment=False)
    observations = agent.memory.get_tensor_by_name("observations").reshape(-1, 48)
    before = _asymmetry(agent, maps, observations)
    batch = _batch(agent)
    for _ in range(30):
        policy_loss, entropy_loss, value_loss, _ = minibatch_losses(agent, batch, first_epoch=False)
        agent.optimizer.zero_grad()
        (policy_loss + entropy_loss + value_loss).backward()
        agent.optimizer.step()
    assert _asymmetry(agent, maps, observations) < 0.2 * before


def test_symmetry_trains_through_the_cli_and_is_refused_where_it_cannot_be(tmp_path):
    small = ["--set", "num_envs=16", "--set", "rollouts=8", "--set", "mini_batches=2", "--set", "learning_epochs=1",
             "--steps", "256", "--quiet", "--runs-dir", str(tmp_path)]
    trained = run_motrix("train", "go1", "--backend", "torch", "--set", "symmetry_augmentation=true",
                         "--set", "mirror_loss_scale=0.1", *small)
    assert trained.returncode == 0, trained.stderr
    from tests.backends.conftest import backend_installed

    if backend_installed("jax"):
        jax_refused = run_motrix("train", "go1", "--backend", "jax", "--set", "symmetry_augmentation=true", *small)
        assert jax_refused.returncode != 0 and "does not train with symmetry_augmentation" in jax_refused.stderr
        assert len(jax_refused.stderr.strip().splitlines()) == 1, jax_refused.stderr
    refused = run_motrix("train", "cartpole", "--set", "symmetry_augmentation=true", *small)
    assert refused.returncode != 0 and "declares no mirror maps" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
