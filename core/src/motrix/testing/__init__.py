"""Test helpers for env plugin authors: ``check_env`` runs an env through the env contract."""

from motrix.testing.contract import check_env

__all__ = ["check_env"]
