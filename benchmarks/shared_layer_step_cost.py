"""Step cost of the Go1 env on the shared quadruped layer against the Go1-only env before it.

    python benchmarks/shared_layer_step_cost.py [--envs 1024] [--rounds 5] [--steps 50] [--before dec3dde]

The Go1 package as it was at commit ``--before`` is unpacked from git into a temporary folder
and imported beside the current one; both step the same random actions in interleaved
rounds in one process (so load hits them alike), and the median env-steps/s of each and
their ratio are printed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

OLD_FILES = ("__init__", "cfg", "env", "model", "rewards", "terrain", "levels", "curriculum")
GO1 = "plugins/motrix-envs-locomotion/src/motrix_envs_locomotion/go1"


def unpack_before(commit: str, into: Path) -> None:
    package = into / "go1_before"
    package.mkdir()
    for name in OLD_FILES:
        text = subprocess.run(["git", "show", f"{commit}:{GO1}/{name}.py"], check=True, capture_output=True,
                              text=True).stdout
        (package / f"{name}.py").write_text(text)
    xml = subprocess.run(["git", "show", f"{commit}:{GO1}/go1.xml"], check=True, capture_output=True, text=True)
    (package / "go1.xml").write_text(xml.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--before", default="dec3dde")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        unpack_before(args.before, Path(tmp))
        sys.path.insert(0, tmp)
        from go1_before.cfg import Go1Cfg as BeforeCfg
        from go1_before.env import Go1Env as Before

        from motrix_envs_locomotion.go1.cfg import Go1Cfg
        from motrix_envs_locomotion.go1.env import Go1Env

        envs = {"before": Before(BeforeCfg(), args.envs), "after": Go1Env(Go1Cfg(), args.envs)}
        for env in envs.values():
            env.seed(0)
            env.init_state()
        actions = np.random.default_rng(0).uniform(-0.3, 0.3, (args.steps, args.envs, 12)).astype(np.float32)
        rates: dict[str, list[float]] = {name: [] for name in envs}
        for _ in range(args.rounds):
            for name, env in envs.items():
                start = time.perf_counter()
                for action in actions:
                    env.step(action)
                rates[name].append(args.envs * args.steps / (time.perf_counter() - start))
    for name, values in rates.items():
        print(f"{name:7s} median {np.median(values):8.0f} env-steps/s, best {max(values):8.0f}")
    print(f"after / before (medians): {np.median(rates['after']) / np.median(rates['before']):.3f}")


if __name__ == "__main__":
    main()
