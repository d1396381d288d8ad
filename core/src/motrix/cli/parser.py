"""Argument parser of ``motrix`` (argparse: cheap to import, so ``motrix list`` stays fast)."""

from __future__ import annotations

import argparse

from motrix import __version__


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line, exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"motrix: error: {message} (see `{self.prog} --help`)\n")


def _add_train_options(command: argparse.ArgumentParser) -> None:
    """The options that decide a training run's configs (``train`` and ``config`` share them)."""
    command.add_argument("env", help="env name or alias (see `motrix list envs`)")
    command.add_argument("--backend", help="training backend (default: chosen by device)")
    command.add_argument("--num-envs", type=int, help="parallel envs (per process with --nproc)")
    seed = command.add_mutually_exclusive_group()
    seed.add_argument("--seed", type=int, help="random seed")
    seed.add_argument("--rand-seed", action="store_true", help="draw a random seed")
    command.add_argument("--steps", type=int, help="training budget in env-steps (all envs together)")
    command.add_argument("--config", metavar="FILE.toml",
                         help="[rl] and [env] values from a TOML file (e.g. a run's config.toml); "
                              "the other options override them")
    command.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                         help="override an RL config field (repeatable)")
    command.add_argument("--env-set", dest="env_sets", action="append", default=[], metavar="KEY=VALUE",
                         help="override an env config field (repeatable)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="motrix", description="Train and run robot-learning policies on MotrixSim.")
    parser.add_argument("--version", action="version", version=f"motrix {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    train = sub.add_parser("train", help="train a policy for an env")
    _add_train_options(train)
    train.add_argument("--runs-dir", help="where runs go (default: $MOTRIX_RUNS_DIR or ./runs)")
    train.add_argument("--resume", metavar="RUN", help="continue a run: 'latest' or a run directory")
    train.add_argument("--quiet", action="store_true", help="no progress lines")
    dist = train.add_argument_group(
        "data-parallel training",
        "N processes, each stepping its own --num-envs envs (num_envs is per process; "
        "--steps counts every process's env-steps); rank 0 writes the run. Several machines: "
        "the same command on each, with --nnodes, --node-rank, --master-addr and --master-port "
        "(or your own `torchrun --nproc-per-node N ... -m motrix train ENV ...`)")
    dist.add_argument("--nproc", type=int, metavar="N", help="training processes on this machine")
    dist.add_argument("--nnodes", type=int, default=1, metavar="M", help="machines taking part (default 1)")
    dist.add_argument("--node-rank", type=int, default=0, metavar="R", help="this machine's index, 0..M-1")
    dist.add_argument("--master-addr", default="127.0.0.1", metavar="HOST",
                      help="address of machine 0 (default 127.0.0.1)")
    dist.add_argument("--master-port", type=int, metavar="PORT",
                      help="rendezvous port on machine 0 (default: a free one; needed with --nnodes > 1)")

    play = sub.add_parser("play", help="run a trained policy and print its returns")
    play.add_argument("env")
    source = play.add_mutually_exclusive_group()
    source.add_argument("--run", help="'latest' (default) or a run directory")
    source.add_argument("--checkpoint", help="a checkpoint file")
    source.add_argument("--policy", metavar="FILE.onnx",
                        help="an exported policy, played through ONNX Runtime (see `motrix export`)")
    play.add_argument("--episodes", type=int, default=10, help="episodes to play (default 10)")
    play.add_argument("--num-envs", type=int, help="envs played in parallel")
    play.add_argument("--seed", type=int, default=0, help="seed of the env resets")
    play.add_argument("--backend", help="backend to load a bare checkpoint file with")
    play.add_argument("--runs-dir", help="where runs are (default: $MOTRIX_RUNS_DIR or ./runs)")
    play.add_argument("--video", metavar="FILE", help="also render to this video file (.mp4 or .gif)")
    play.add_argument("--video-size", default="320x240", metavar="WxH",
                      help="video frame size (default 320x240; CPU rendering slows with size)")
    play.add_argument("--video-seconds", type=float, default=10.0, metavar="S",
                      help="simulated seconds to film, from the start (default 10)")

    export = sub.add_parser("export", help="a trained policy as ONNX (parity-checked) with a deployment sidecar")
    export.add_argument("env")
    exported = export.add_mutually_exclusive_group()
    exported.add_argument("--run", help="'latest' (default) or a run directory; its latest checkpoint")
    exported.add_argument("--checkpoint", help="a checkpoint file")
    export.add_argument("--out", metavar="FILE.onnx",
                        help="where the model goes (default <run>/export/<checkpoint>.onnx); FILE.json beside it")
    export.add_argument("--backend", help="backend to load a bare checkpoint file with")
    export.add_argument("--runs-dir", help="where runs are (default: $MOTRIX_RUNS_DIR or ./runs)")

    runs = sub.add_parser("runs", help="runs under the runs directory: status (stale when dead), env-steps, returns")
    runs.add_argument("env", nargs="?", help="only this env's runs")
    runs.add_argument("--runs-dir", help="where runs are (default: $MOTRIX_RUNS_DIR or ./runs)")
    runs.add_argument("--json", action="store_true")

    view = sub.add_parser("view", help="look at an env under random actions")
    view.add_argument("env")
    view.add_argument("--num-envs", type=int, default=4)
    view.add_argument("--steps", type=int, default=1000)
    view.add_argument("--seed", type=int, default=0)
    view.add_argument("--video", metavar="FILE",
                      help="render --steps steps to this video file (.mp4 or .gif) instead of a window")
    view.add_argument("--video-size", default="320x240", metavar="WxH", help="video frame size (default 320x240)")

    config = sub.add_parser("config", help="the RL and env configs `motrix train` would use, as TOML")
    _add_train_options(config)
    config.add_argument("--json", action="store_true", help="JSON instead of TOML")

    listing = sub.add_parser("list", help="what the installed plugins provide")
    listing.add_argument("what", nargs="?", choices=("envs", "configs", "backends"), help="one section only")
    listing.add_argument("--json", action="store_true")

    plugins = sub.add_parser("plugins", help="installed plugins and their status")
    plugins.add_argument("--json", action="store_true")

    plot = sub.add_parser("plot", help="learning curves of runs as a PNG")
    plot.add_argument("runs", nargs="+", metavar="RUN", help="run directories or folders of runs")
    plot.add_argument("--out", default="curves.png", help="PNG file to write (default curves.png)")

    bench = sub.add_parser("bench", help="env-steps/s of an env against raw physics")
    bench.add_argument("env")
    bench.add_argument("--num-envs", type=int, default=1024)
    bench.add_argument("--steps", type=int, default=1000, help="batched steps to time")
    bench.add_argument("--seed", type=int, default=0)
    bench.add_argument("--json", action="store_true")
    return parser
