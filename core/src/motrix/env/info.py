"""Merging what ``reset`` returns for a few envs into the batch-wide ``state.info``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


def merge_reset_info(info: dict[str, Any], reset_info: Mapping[str, Any], idx: np.ndarray, num_envs: int) -> None:
    """Write ``reset_info`` (values for the envs ``idx``) into ``info`` (values for all envs).

    Arrays whose first axis has one row per reset env are scattered into rows ``idx`` of
    the batch-wide array (created, zero-filled, when ``info`` lacks the key); nested dicts
    are merged the same way; anything else replaces the old value.
    """
    for key, value in reset_info.items():
        if isinstance(value, Mapping):
            target = info.get(key)
            if not isinstance(target, dict):
                target = info[key] = {}
            merge_reset_info(target, value, idx, num_envs)
            continue
        if isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == idx.size:
            target = info.get(key)
            if not (isinstance(target, np.ndarray) and target.shape[1:] == value.shape[1:]
                    and target.shape[0] == num_envs):
                target = info[key] = np.zeros((num_envs, *value.shape[1:]), dtype=value.dtype)
            target[idx] = value
            continue
        info[key] = value
