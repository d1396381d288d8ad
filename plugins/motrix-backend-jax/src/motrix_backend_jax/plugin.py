"""Entry point of motrix-backend-jax. Light: imports neither jax, flax nor skrl."""

from motrix.plugin import BackendSpec, hookimpl


@hookimpl
def motrix_backends():
    yield BackendSpec(
        name="jax",
        trainer="motrix_backend_jax.trainer:JaxTrainer",
        framework="skrl",
        requires=("jax", "flax", "optax", "skrl"),
        device_probe="motrix_backend_jax.device:has_gpu",
        description="PPO (skrl 2.x) on JAX + Flax; GPU when available, else CPU",
        checkpoint_suffix=".msgpack",
    )
