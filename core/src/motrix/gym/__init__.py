"""Gymnasium registration: ``import motrix.gym`` registers every installed env.

Each env ``NAME`` becomes ``motrix/NAME-v0``::

    import gymnasium, motrix.gym
    env = gymnasium.make("motrix/cartpole-v0")                       # one env
    vec = gymnasium.make_vec("motrix/cartpole-v0", num_envs=64,
                             vectorization_mode="vector_entry_point")  # the batched env
"""

from __future__ import annotations

import gymnasium

from motrix.registry import get_registry

NAMESPACE = "motrix"


def env_id(name: str) -> str:
    return f"{NAMESPACE}/{name}-v0"


def register_all() -> list[str]:
    """Register every discovered env (idempotent); returns the ids."""
    ids = []
    for name, sim_backend in get_registry().envs:
        if sim_backend != "np":
            continue
        gym_id = env_id(name)
        if gym_id not in gymnasium.registry:
            gymnasium.register(
                id=gym_id,
                entry_point="motrix.gym.adapters:MotrixGymEnv",
                vector_entry_point="motrix.gym.adapters:MotrixVectorEnv",
                kwargs={"env_name": name},
                disable_env_checker=True,  # our envs are checked by motrix.testing.check_env
            )
        ids.append(gym_id)
    return ids


register_all()
