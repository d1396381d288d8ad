"""``motrix train ENV --nproc N``: start N training processes on this machine and watch them.

Each worker is ``python -m motrix train …`` (the user's own options, less the launch ones)
with torchrun's environment (``RANK``, ``LOCAL_RANK``, ``WORLD_SIZE``, ``LOCAL_WORLD_SIZE``,
``MASTER_ADDR``, ``MASTER_PORT``): a user's own ``torchrun --nproc-per-node N -m motrix train …``
starts the same processes. This launcher adds what torchrun's agent does not say in one
line, and what JAX has no launcher for:

- the machine's cores are shared out: physics (``RAYON_NUM_THREADS``) and the PPO update
  get ``cores // N`` threads each unless the user set them;
- a worker that fails (an exit other than 0 or a graceful stop's 130/143, or a signal) stops
  the others: SIGTERM, then SIGKILL after ``FAULT_GRACE_SECONDS`` (a rank blocked in a
  collective cannot act on a signal); one line names the rank; the run is marked failed and
  resumes from its last checkpoint;
- Ctrl-C (or SIGTERM) of the launcher is passed on once to every worker, which stop after
  the same iteration (the ranks agree on it), rank 0 writing one final checkpoint; a
  second Ctrl-C kills them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from motrix.errors import UsageError

FAULT_GRACE_SECONDS = 10.0
"""How long the other ranks get after a fault before they are killed."""
STOP_GRACE_SECONDS = 300.0
"""How long a graceful stop (final checkpoint included) may take before the workers are killed."""
GRACEFUL_EXITS = {0, 130, 143}
"""Exit codes of a worker that ended by itself or stopped gracefully on SIGINT / SIGTERM."""
RUN_PATH_FILE = "MOTRIX_RUN_PATH_FILE"
"""Rank 0 writes its run directory's path into this file (so a launcher can mark it failed)."""

#: The options that only the launcher reads; the workers get the rest of the command line.
LAUNCH_OPTIONS = ("--nproc", "--nnodes", "--node-rank", "--master-addr", "--master-port")


@dataclass(frozen=True)
class LaunchPlan:
    """How many processes, on how many machines, and where rank 0's rendezvous is."""

    nproc: int
    """Processes on this machine (``num_envs`` is per process)."""
    nnodes: int = 1
    """Machines taking part, each running its own launcher."""
    node_rank: int = 0
    """This machine's index; the machine of node rank 0 holds global rank 0."""
    master_addr: str = "127.0.0.1"
    """Address of node 0, reachable from every machine."""
    master_port: int | None = None
    """Port of the rendezvous on node 0 (a free one when a single machine and none given)."""

    @property
    def world_size(self) -> int:
        return self.nproc * self.nnodes

    def check(self) -> None:
        if self.nproc < 1:
            raise UsageError(f"--nproc must be >= 1, got {self.nproc}")
        if self.nnodes < 1:
            raise UsageError(f"--nnodes must be >= 1, got {self.nnodes}")
        if not 0 <= self.node_rank < self.nnodes:
            raise UsageError(f"--node-rank must be in 0..{self.nnodes - 1} for --nnodes {self.nnodes}, "
                             f"got {self.node_rank}")
        if self.nnodes > 1 and self.master_port is None:
            raise UsageError("--master-port is needed with --nnodes > 1 (the same on every machine)")
        if self.master_port is not None and not 0 < self.master_port < 65536:
            raise UsageError(f"--master-port must be a port number (1-65535), got {self.master_port}")


def worker_argv(argv: Sequence[str]) -> list[str]:
    """``argv`` (``motrix``'s arguments) without the launch options and their values."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        name = arg.split("=", 1)[0]
        if name in LAUNCH_OPTIONS:
            skip = "=" not in arg
            continue
        out.append(arg)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def worker_env(plan: LaunchPlan, local_rank: int, port: int, base: dict[str, str]) -> dict[str, str]:
    """The environment of the worker of ``local_rank``: torchrun's variables and its share of the cores."""
    env = dict(base)
    env.update(RANK=str(plan.node_rank * plan.nproc + local_rank), LOCAL_RANK=str(local_rank),
               WORLD_SIZE=str(plan.world_size), LOCAL_WORLD_SIZE=str(plan.nproc),
               MASTER_ADDR=plan.master_addr, MASTER_PORT=str(port))
    share = str(max(1, _cores() // plan.nproc))
    for name in ("RAYON_NUM_THREADS", "MOTRIX_TORCH_UPDATE_THREADS"):
        env.setdefault(name, share)
    return env


def _relay(stream) -> None:
    """Rank 0's standard output, less the connection notes gloo's C++ prints there."""
    for line in stream:
        if not line.startswith("[Gloo] "):
            sys.stdout.write(line)
            sys.stdout.flush()


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


class _Workers:
    """The worker processes of one launch, each in its own session (a terminal's Ctrl-C reaches
    only the launcher, which passes it on exactly once)."""

    def __init__(self, plan: LaunchPlan, argv: list[str], port: int, run_path_file: Path) -> None:
        self.plan = plan
        self.procs: list[subprocess.Popen] = []
        self.relay: threading.Thread | None = None
        for local_rank in range(plan.nproc):
            env = worker_env(plan, local_rank, port, dict(os.environ))
            main = plan.node_rank == 0 and local_rank == 0
            if main:
                env[RUN_PATH_FILE] = str(run_path_file)
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "motrix", *argv], env=env, start_new_session=True,
                stdout=subprocess.PIPE if main else subprocess.DEVNULL,  # the other ranks print nothing but errors
                text=main or None,
            ))
            if main:
                self.relay = threading.Thread(target=_relay, args=(self.procs[-1].stdout,), daemon=True)
                self.relay.start()

    def global_rank(self, local_rank: int) -> int:
        return self.plan.node_rank * self.plan.nproc + local_rank

    def signal_all(self, signum: int) -> None:
        for p in self.procs:
            if p.poll() is None:
                try:
                    p.send_signal(signum)
                except ProcessLookupError:
                    pass

    def wait_all(self, seconds: float) -> bool:
        """True when every worker ended within ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if all(p.poll() is not None for p in self.procs):
                return True
            time.sleep(0.1)
        return all(p.poll() is not None for p in self.procs)

    def stop(self, signum: int, grace: float) -> None:
        """``signum`` to the live workers, then SIGKILL to those still alive after ``grace`` seconds."""
        self.signal_all(signum)
        if not self.wait_all(grace):
            self.signal_all(signal.SIGKILL)
            self.wait_all(10.0)


def launch(plan: LaunchPlan, argv: Sequence[str], env_name: str, say: Callable[[str], None],
           mark_failed: Callable[[Path, str], None]) -> int:
    """Run the workers of this machine to the end; the exit status ``motrix train`` returns.

    ``argv``: ``motrix``'s arguments (launch options are removed here); ``mark_failed(run,
    why)`` records a fault in the run's metadata.
    """
    plan.check()
    port = plan.master_port or _free_port()  # only when a single machine: check() asks for one otherwise
    with tempfile.TemporaryDirectory(prefix="motrix-launch-") as tmp:
        run_path_file = Path(tmp) / "run"
        workers = _Workers(plan, worker_argv(argv), port, run_path_file)
        stops = {"count": 0}

        def on_signal(signum: int, _frame: object) -> None:
            stops["count"] += 1
            workers.signal_all(signum if stops["count"] == 1 else signal.SIGKILL)

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            return _watch(workers, plan, env_name, run_path_file, stops, say, mark_failed)
        finally:
            if any(p.poll() is None for p in workers.procs):  # the launcher itself failed: leave no orphans
                workers.stop(signal.SIGKILL, 0.0)
            for s, h in previous.items():
                signal.signal(s, h)


def _watch(workers: _Workers, plan: LaunchPlan, env_name: str, run_path_file: Path, stops: dict,
           say: Callable[[str], None], mark_failed: Callable[[Path, str], None]) -> int:
    stop_deadline: float | None = None
    while True:
        codes = [p.poll() for p in workers.procs]
        failed = [(i, c) for i, c in enumerate(codes) if c is not None and c not in GRACEFUL_EXITS]
        if failed and not stops["count"]:
            local_rank, code = failed[0]
            others = sum(1 for c in codes if c is None)
            workers.stop(signal.SIGTERM, FAULT_GRACE_SECONDS)
            run = run_path_file.read_text().strip() if run_path_file.exists() else None
            why = f"rank {workers.global_rank(local_rank)} {_describe_exit(code)}"
            if run:
                mark_failed(Path(run), why)
                how = f"; resume with `motrix train {env_name} --resume {run} --nproc {plan.nproc}`"
            else:
                how = ""
            stopped = f"; stopped the other {others} rank{'s' if others != 1 else ''}" if others else ""
            say(f"motrix: error: {why}{stopped}{how}")
            return 1
        if all(c is not None for c in codes):
            if workers.relay is not None:
                workers.relay.join(timeout=5.0)  # rank 0's last line (the run directory)
            return codes[0] if plan.node_rank == 0 else max(codes, key=abs)
        if stops["count"] and stop_deadline is None:
            stop_deadline = time.monotonic() + STOP_GRACE_SECONDS
        if stop_deadline is not None and time.monotonic() > stop_deadline:
            workers.stop(signal.SIGKILL, 0.0)
            say("motrix: error: the ranks did not stop in time and were killed; the last complete checkpoint stands")
            return 130
        time.sleep(0.2)
