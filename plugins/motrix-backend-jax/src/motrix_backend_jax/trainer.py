"""``JaxTrainer``: PPO through skrl 2.x on JAX + Flax, for ``motrix train`` and ``motrix play``.

The loop is the core's (``motrix.training.skrl_loop``); this module imports no framework,
so that XLA's flags are set when a run starts, before jax creates its CPU client (``parts``).
The agent's three XLA programs (act, record, update) are compiled once per run: see
``MotrixPPO`` in ``agent.py``.
"""

from __future__ import annotations

from motrix.training.skrl_trainer import SkrlTrainer


class JaxTrainer(SkrlTrainer):
    """The ``trainer`` of ``BackendSpec(name="jax")``."""

    def check_settings(self) -> None:
        from motrix.training.env_vars import positive_int

        positive_int("MOTRIX_JAX_THREADS")

    def parts(self):
        from motrix_backend_jax.device import configure_threads

        threads = configure_threads()  # before jax starts its CPU client
        from motrix_backend_jax.parts import JaxParts

        return JaxParts(cpu_threads=threads)
