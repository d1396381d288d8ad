"""``TorchTrainer``: PPO through skrl 2.x on PyTorch, for ``motrix train`` and ``motrix play``.

The loop is the core's (``motrix.training.skrl_loop``); this module imports no framework,
so that what must be set before torch loads is set when a run starts (``parts``).
"""

from __future__ import annotations

from motrix.training.skrl_trainer import SkrlTrainer


class TorchTrainer(SkrlTrainer):
    """The ``trainer`` of ``BackendSpec(name="torch")``."""

    def check_settings(self) -> None:
        from motrix_backend_torch.device import check_settings

        check_settings()

    def parts(self):
        from motrix_backend_torch.device import prepare_process

        prepare_process()  # before torch loads
        from motrix_backend_torch.parts import TorchParts

        return TorchParts()
