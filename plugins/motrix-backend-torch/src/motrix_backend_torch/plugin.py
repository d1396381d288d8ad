"""Entry point of motrix-backend-torch. Light: imports neither torch nor skrl."""

from motrix.plugin import BackendSpec, hookimpl


@hookimpl
def motrix_backends():
    yield BackendSpec(
        name="torch",
        trainer="motrix_backend_torch.trainer:TorchTrainer",
        framework="skrl",
        requires=("torch", "skrl"),
        device_probe="motrix_backend_torch.device:has_gpu",
        description="PPO (skrl 2.x) on PyTorch; CUDA when available, else CPU",
        checkpoint_suffix=".pt",
    )
