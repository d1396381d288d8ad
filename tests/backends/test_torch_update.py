"""The torch backend's PPO update (``update.py``, written with ``ppo_math``) is skrl's ``PPO.update``, bit for bit.

One agent fills its rollout memory from real cartpole steps; its whole state (weights,
Adam moments, scalers, learning rate, memory, random stream) is saved; skrl 2.1's own
``PPO.update`` runs on it; the state is put back and motrix's update runs instead. Both
must end with identical weights, optimizer moments, scaler statistics, learning rate and
curves, over configs that reach every branch: separate and shared networks, normalizers,
the KL-adaptive rate, an entropy bonus, value clipping on and off, early stopping on KL,
a privileged critic (the Go1's critic observation as skrl's ``states``).
"""

from __future__ import annotations

import copy

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("motrix_backend_torch.parts")

import motrix  # noqa: E402
from motrix.config import PPOCfg  # noqa: E402
from motrix_backend_torch.parts import agent_state, build_agent, restore_agent  # noqa: E402
from motrix_backend_torch.wrapper import NpEnvWrapper  # noqa: E402
from skrl.agents.torch.ppo import PPO  # noqa: E402

CONFIGS = {
    "separate, KL-adaptive rate, normalizers": PPOCfg(num_envs=16, rollouts=8, learning_epochs=3, mini_batches=4),
    "privileged critic (go1)": PPOCfg(num_envs=16, rollouts=8, learning_epochs=2, mini_batches=2),
    "shared, entropy bonus, value clip off": PPOCfg(
        num_envs=16, rollouts=8, learning_epochs=2, mini_batches=2, share_policy_value_features=True,
        entropy_loss_scale=0.01, clip_predicted_values=False),
    "early stop on KL, constant rate": PPOCfg(
        num_envs=16, rollouts=8, learning_epochs=4, mini_batches=4, kl_threshold=0.01, learning_rate=3e-2,
        learning_rate_scheduler_kl_threshold=0.0, value_normalizer=False),
}


def _filled_agent(cfg: PPOCfg, env_name: str = "cartpole"):
    env = motrix.make(env_name, num_envs=cfg.num_envs, seed=0)
    critic_space = cfg.critic_space(env)
    wrapped = NpEnvWrapper(env, torch.device("cpu"), critic=critic_space is not None)
    agent = build_agent(cfg, env.observation_space, env.action_space, torch.device("cpu"), None,
                        critic_space=critic_space)
    agent.init()
    agent.enable_training_mode(True)
    torch.manual_seed(0)
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
    return agent


def _everything(agent) -> dict:
    state = copy.deepcopy(agent_state(agent))
    state["memory"] = {name: tensor.clone() for name, tensor in agent.memory.tensors.items()}
    return state


def _put_back(agent, state: dict) -> None:
    restore_agent(agent, copy.deepcopy(state), path="<saved>")
    for name, tensor in state["memory"].items():
        agent.memory.tensors[name].copy_(tensor)


def _assert_identical(a, b, where: str = "") -> None:
    if isinstance(a, torch.Tensor):
        assert torch.equal(a, b), where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _assert_identical(a[key], b[key], f"{where}/{key}")
    elif isinstance(a, (list, tuple)):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_identical(x, y, f"{where}/{i}")
    else:
        assert a == b, where


@pytest.mark.parametrize("name", list(CONFIGS))
def test_motrix_update_is_skrls_ppo_update_bit_for_bit(name):
    agent = _filled_agent(CONFIGS[name], "go1" if "go1" in name else "cartpole")
    assert (agent.state_space is not None) == ("critic" in name)
    before = _everything(agent)

    agent.tracking_data.clear()
    agent.enable_models_training_mode(True)
    PPO.update(agent, timestep=0, timesteps=1)  # skrl 2.1's own update, on the same agent
    by_skrl, skrl_curves = _everything(agent), dict(agent.tracking_data)

    _put_back(agent, before)
    agent.tracking_data.clear()
    agent.update(timestep=0, timesteps=1)  # motrix's
    by_motrix, motrix_curves = _everything(agent), dict(agent.tracking_data)

    assert not torch.equal(before["policy"]["net.0.weight"], by_motrix["policy"]["net.0.weight"])  # it learnt
    _assert_identical(by_skrl, by_motrix)
    skrl_curves = {k: v for k, v in skrl_curves.items() if not k.startswith("Stats /")}
    assert skrl_curves.keys() == motrix_curves.keys()
    for tag in skrl_curves:
        assert list(skrl_curves[tag]) == list(motrix_curves[tag]), tag
