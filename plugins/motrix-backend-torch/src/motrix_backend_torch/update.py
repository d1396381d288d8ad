"""The torch backend's PPO update, written with ``ppo_math``'s functions.

``ppo_update(agent)`` runs on the agent's full rollout memory: the value of the last
observation, returns and advantages (GAE), then ``learning_epochs`` epochs of minibatches:
clipped surrogate, entropy bonus, clipped value loss, one Adam step each (gradients
averaged over the ranks of a data-parallel run, norm clipped), an epoch stopped early when
its approximate KL passes ``kl_threshold``, and the KL-adaptive learning rate after each
epoch. It computes what skrl 2.1's ``PPO.update`` computes, in the same order and from the
same random stream, so that trajectories are those of skrl's update bit for bit
(``tests/backends/test_torch_update.py``); skrl's pieces that serve are kept: the models
and their Gaussian mixin (log-probabilities, entropy), the rollout memory and its minibatch
sampler, the running scalers.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import torch
from skrl import config
from torch import nn

from motrix_backend_torch import ppo_math as pm

if TYPE_CHECKING:
    from motrix_backend_torch.agent import MotrixPPO

MEMORY_NAMES = ["observations", "states", "actions", "log_prob", "values", "returns", "advantages"]


def returns_and_advantages(agent: MotrixPPO) -> None:
    """GAE over the rollout; stores the scaled values and returns and the standardized advantages."""
    cfg, memory = agent.cfg, agent.memory
    with torch.no_grad():
        inputs = {"observations": agent._observation_preprocessor(agent._current_next_observations),
                  "states": agent._state_preprocessor(agent._current_next_states)}
        agent.value.enable_training_mode(False)
        last_values, _ = agent.value.act(inputs, role="value")
        agent.value.enable_training_mode(True)
        last_values = agent._value_preprocessor(last_values, inverse=True)
        values = memory.get_tensor_by_name("values")
        terminated = memory.get_tensor_by_name("terminated")
        done = terminated | memory.get_tensor_by_name("truncated") if cfg.time_limit_bootstrap else terminated
        advantages = pm.gae(memory.get_tensor_by_name("rewards"), values, done.logical_not(), last_values,
                            cfg.discount_factor, cfg.gae_lambda)
        returns = advantages + values
        memory.set_tensor_by_name("values", agent._value_preprocessor(values, train=True))
        memory.set_tensor_by_name("returns", agent._value_preprocessor(returns, train=True))
        memory.set_tensor_by_name("advantages", pm.standardize(advantages))


class TorchMirror:
    """A ``motrix.env.mirror.Mirror`` on torch tensors: ``x[..., perm] * sign``."""

    def __init__(self, mirror: Any, device: torch.device) -> None:
        self.perm = torch.as_tensor(mirror.perm, dtype=torch.long, device=device)
        self.sign = torch.as_tensor(mirror.sign, dtype=torch.float32, device=device)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return x[..., self.perm] * self.sign


def with_mirror_image(agent: MotrixPPO, batch: list[torch.Tensor]) -> list[torch.Tensor]:
    """The minibatch followed by its mirror image (symmetry augmentation): observations,
    critic observations and actions mirrored; the old log-probabilities, values, returns and
    advantages are the originals' (a symmetric task's mirrored sample is as good, and its
    probability under a symmetric old policy the same)."""
    observations, states, actions, old_log_prob, old_values, returns, advantages = batch
    mirror = agent.mirror
    return [torch.cat([observations, mirror["observation"](observations)]),
            None if states is None else torch.cat([states, mirror["critic"](states)]),
            torch.cat([actions, mirror["action"](actions)]),
            *(torch.cat([x, x]) for x in (old_log_prob, old_values, returns, advantages))]


def minibatch_losses(agent: MotrixPPO, batch: list[torch.Tensor], first_epoch: bool
                     ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(policy loss (with the mirror loss), entropy loss, value loss, approximate KL)`` of one
    minibatch; with mirror maps, of the minibatch and its mirror image (the KL of the originals)."""
    cfg = agent.cfg
    size = batch[0].shape[0]
    if agent.mirror is not None and agent.augment:
        batch = with_mirror_image(agent, batch)
    observations, states, actions, old_log_prob, old_values, returns, advantages = batch
    inputs = {"observations": agent._observation_preprocessor(observations, train=first_epoch),
              "states": agent._state_preprocessor(states, train=first_epoch)}
    _, outputs = agent.policy.act({**inputs, "taken_actions": actions}, role="policy")
    log_prob = outputs["log_prob"]
    with torch.no_grad():
        kl = pm.approx_kl(log_prob[:size], old_log_prob[:size])
    entropy_loss = (-cfg.entropy_loss_scale * agent.policy.get_entropy(role="policy").mean()
                    if cfg.entropy_loss_scale else torch.zeros((), device=log_prob.device))
    policy_loss = pm.clipped_policy_loss(log_prob, old_log_prob, advantages, cfg.ratio_clip)
    if agent.mirror is not None and agent.mirror_loss_scale:
        policy_loss = policy_loss + agent.mirror_loss_scale * mirror_loss(agent, observations, outputs, size)
    predicted, _ = agent.value.act(inputs, role="value")
    value_loss = pm.clipped_value_loss(predicted, old_values, returns, cfg.value_clip, cfg.value_loss_scale)
    return policy_loss, entropy_loss, value_loss, kl


def mirror_loss(agent: MotrixPPO, observations: torch.Tensor, outputs: dict[str, Any], size: int) -> torch.Tensor:
    """Mean squared gap between the mean action on mirrored observations and the mirror of the
    mean action on the originals (held fixed): zero for a symmetric policy. ``observations``
    are the raw ones of the minibatch (with their mirror images when augmented)."""
    mean = outputs["mean_actions"]
    if mean.shape[0] > size:  # augmented: the mirror images are the second half
        mirrored_mean = mean[size:]
    else:
        mirrored = agent._observation_preprocessor(agent.mirror["observation"](observations))
        mirrored_mean = agent.policy.act({"observations": mirrored, "states": None}, role="policy")[1]["mean_actions"]
    return ((mirrored_mean - agent.mirror["action"](mean[:size]).detach()) ** 2).mean()


def gradient_step(agent: MotrixPPO, loss: torch.Tensor) -> None:
    """Backward, gradients averaged over the ranks, their norm clipped, one optimizer step."""
    agent.optimizer.zero_grad()
    loss.backward()
    if config.torch.is_distributed:
        agent.policy.reduce_parameters()
        if agent.policy is not agent.value:
            agent.value.reduce_parameters()
    if agent.cfg.grad_norm_clip > 0:
        parameters = (agent.policy.parameters() if agent.policy is agent.value
                      else itertools.chain(agent.policy.parameters(), agent.value.parameters()))
        nn.utils.clip_grad_norm_(parameters, agent.cfg.grad_norm_clip)
    agent.optimizer.step()


def adapt_learning_rate(agent: MotrixPPO, kls: list[torch.Tensor]) -> None:
    """After an epoch: the KL-adaptive rule on the epoch's mean KL (averaged over the ranks)."""
    kl = torch.tensor(kls, device=agent.device).mean()
    if config.torch.is_distributed:
        torch.distributed.all_reduce(kl, op=torch.distributed.ReduceOp.SUM)
        kl /= config.torch.world_size
    scheduler = agent.scheduler
    rule = pm.KLRule(scheduler.kl_threshold, scheduler.min_lr, scheduler.max_lr, scheduler._kl_factor,
                     scheduler._lr_factor)
    kl = kl.item()
    for group in agent.optimizer.param_groups:
        group["lr"] = pm.kl_adaptive_lr(rule, group["lr"], kl)
    scheduler._last_lr = [group["lr"] for group in agent.optimizer.param_groups]


def ppo_update(agent: MotrixPPO) -> dict[str, float]:
    """One PPO update on the agent's full memory; the mean losses, the policy's std and the rate."""
    cfg = agent.cfg
    returns_and_advantages(agent)
    totals = {"policy": 0.0, "entropy": 0.0, "value": 0.0}
    for epoch in range(cfg.learning_epochs):
        kls = []
        for batch in agent.memory.sample(names=MEMORY_NAMES, batch_size=len(agent.memory),
                                         mini_batches=cfg.mini_batches):
            policy_loss, entropy_loss, value_loss, kl = minibatch_losses(agent, batch, first_epoch=epoch == 0)
            kls.append(kl)
            if cfg.kl_threshold and kl > cfg.kl_threshold:
                break
            gradient_step(agent, policy_loss + entropy_loss + value_loss)
            totals["policy"] += policy_loss.item()
            totals["value"] += value_loss.item()
            totals["entropy"] += entropy_loss.item()
        if agent.scheduler is not None:
            adapt_learning_rate(agent, kls)
    updates = cfg.learning_epochs * cfg.mini_batches
    metrics: dict[str, Any] = {"Loss / Policy loss": totals["policy"] / updates,
                               "Loss / Value loss": totals["value"] / updates}
    if cfg.entropy_loss_scale:
        metrics["Loss / Entropy loss"] = totals["entropy"] / updates
    metrics["Policy / Standard deviation"] = agent.policy.distribution(role="policy").stddev.mean().item()
    if agent.scheduler is not None:
        metrics["Learning / Learning rate"] = agent.optimizer.param_groups[0]["lr"]
    return metrics
