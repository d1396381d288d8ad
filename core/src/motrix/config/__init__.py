"""Training configuration dataclasses (public plugin API)."""

from motrix.config.rl import BaseRLCfg, PPOCfg

__all__ = ["BaseRLCfg", "PPOCfg"]
