"""Left–right symmetry of a task: how an observation and an action look in the mirror.

A robot that is its own mirror image (a quadruped, a humanoid) should act on a mirrored
situation as the mirror image of how it acts on the original. An env says what the mirror
does to each number of its observation, action and critic observation (``NpEnv.mirror_maps``):
each is a ``Mirror``, a permutation and a sign per number (``y = x[perm] * sign``). The
trainer can then add each minibatch's mirror image to it (symmetry augmentation) and
penalise a policy that is not symmetric (a mirror loss): ``PPOCfg.symmetry``.

A mirror applied twice is the identity (``Mirror.is_involution``); that, and that the
physics agrees (a mirrored state stepped with the mirrored action gives the mirrored next
state), is what an env's symmetry tests check.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Mirror:
    """``mirrored = x[..., perm] * sign`` for vectors of ``len(perm)`` numbers."""

    perm: tuple[int, ...]
    """Where each number of the mirrored vector comes from."""
    sign: tuple[float, ...]
    """+1 or -1 per number of the mirrored vector."""

    def __post_init__(self) -> None:
        if len(self.perm) != len(self.sign) or sorted(self.perm) != list(range(len(self.perm))):
            raise ValueError(f"a mirror needs a permutation of 0..{len(self.perm) - 1} and one sign per number")

    @property
    def size(self) -> int:
        return len(self.perm)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The mirror image of ``x [..., size]``, same shape."""
        return x[..., list(self.perm)] * np.asarray(self.sign, dtype=x.dtype)

    def is_involution(self) -> bool:
        """Mirroring twice gives back every number with its sign."""
        twice = self(self(np.arange(1, self.size + 1, dtype=np.float64)))
        return bool(np.array_equal(twice, np.arange(1, self.size + 1)))

    @staticmethod
    def identity(size: int) -> Mirror:
        return Mirror(tuple(range(size)), (1.0,) * size)

    @staticmethod
    def signs(*sign: float) -> Mirror:
        """Each number stays where it is; some change sign (a vector in the mirror plane's frame)."""
        return Mirror(tuple(range(len(sign))), tuple(float(s) for s in sign))

    @staticmethod
    def concat(*parts: Mirror) -> Mirror:
        """One mirror for the concatenation of vectors mirrored part by part."""
        perm: list[int] = []
        sign: list[float] = []
        offset = 0
        for part in parts:
            perm += [offset + i for i in part.perm]
            sign += list(part.sign)
            offset += part.size
        return Mirror(tuple(perm), tuple(sign))

    @staticmethod
    def swap(pairs: dict[int, int], signs: tuple[float, ...]) -> Mirror:
        """Blocks of equal size swapped as ``pairs`` say (block ``i`` takes block ``pairs[i]``),
        each block's numbers multiplied by ``signs``: legs swapped left for right, say."""
        block, blocks = len(signs), len(pairs)
        perm = tuple(pairs[b] * block + k for b in range(blocks) for k in range(block))
        return Mirror(perm, tuple(signs) * blocks)


@dataclass(frozen=True)
class MirrorMaps:
    """An env's left–right mirror: of its observation, its action and its critic observation."""

    observation: Mirror
    """Of the policy's observation."""
    action: Mirror
    """Of the action."""
    critic: Mirror | None = None
    """Of the critic observation (None when the env has none)."""
