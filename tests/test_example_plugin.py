"""The example third-party plugin (``examples/motrix-envs-example``) works once pip-installed.

It is installed the way a user installs a plugin, ``pip install ./examples/motrix-envs-example``
(``requirements-dev.txt`` does it), not put on the path: these tests check that motrix then
finds it with no change anywhere else: ``motrix list`` shows it, its env meets the contract,
and ``motrix train`` runs it.
"""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path

import pytest

from motrix.testing import check_env
from tests.conftest import REPO, run_motrix

EXAMPLE = REPO / "examples" / "motrix-envs-example"
DIST = "motrix-envs-example"
INSTALL = f"pip install {EXAMPLE.relative_to(REPO)} (requirements-dev.txt does it)"


@pytest.fixture(scope="module")
def installed() -> importlib.metadata.Distribution:
    """The installed distribution; fails, saying how to install it, when it is missing."""
    try:
        return importlib.metadata.distribution(DIST)
    except importlib.metadata.PackageNotFoundError:
        pytest.fail(f"{DIST} is not installed: {INSTALL}")


def test_it_is_a_real_install_of_the_current_sources(installed):
    (entry,) = [ep for ep in installed.entry_points if ep.group == "motrix.plugins"]
    assert (entry.name, entry.value) == (DIST, "motrix_envs_example.plugin")
    sources = sorted(p for p in (EXAMPLE / "src" / "motrix_envs_example").iterdir() if p.suffix in (".py", ".xml"))
    assert sources
    for source in sources:
        copy = Path(installed.locate_file(f"motrix_envs_example/{source.name}"))
        # A regular install copies the files next to its metadata (an editable one does not).
        assert copy.is_file() and EXAMPLE not in copy.resolve().parents, (
            f"{DIST} is not installed as a regular package: {INSTALL}")
        assert copy.read_bytes() == source.read_bytes(), (
            f"the installed {DIST} is out of date ({source.name} changed): {INSTALL}")


def test_motrix_list_shows_its_env_and_rl_config(installed):
    result = run_motrix("list", "--json")
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    env = next(e for e in listing["envs"] if e["name"] == "planar-reach")
    assert (env["plugin"], env["version"]) == (DIST, installed.version)
    config = next(c for c in listing["configs"] if c["env"] == "planar-reach")
    assert (config["plugin"], config["backend"]) == (DIST, "(all)")


def test_its_env_meets_the_env_contract(installed):
    check_env("planar-reach")


def test_motrix_train_runs_it(installed, tmp_path):
    result = run_motrix("train", "planar-reach", "--steps", "2048", "--num-envs", "16", "--seed", "1",
                        "--runs-dir", str(tmp_path), "--quiet")
    assert result.returncode == 0, result.stderr
    metadata = json.loads((Path(result.stdout.strip().splitlines()[-1]) / "metadata.json").read_text())
    assert metadata["status"] == "completed" and metadata["env_steps"] >= 2048
    assert metadata["versions"][DIST] == installed.version
