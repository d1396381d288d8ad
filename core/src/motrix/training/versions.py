"""Versions recorded in a run's metadata."""

from __future__ import annotations

from importlib import metadata

from motrix.plugin.manager import MotrixPluginManager

THIRD_PARTY = ("motrixsim", "skrl", "torch", "jax", "jaxlib", "flax", "optax", "numpy", "gymnasium")


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def collect_versions(manager: MotrixPluginManager | None = None) -> dict[str, str | None]:
    """motrix-core, every plugin distribution, and the libraries training depends on."""
    versions: dict[str, str | None] = {"motrix-core": _version("motrix-core")}
    if manager is not None:
        for record in sorted(manager.records.values(), key=lambda r: r.distribution):
            versions[record.distribution] = record.version
    for dist in THIRD_PARTY:
        versions[dist] = _version(dist)
    return versions
