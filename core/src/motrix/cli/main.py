"""Entry point of the ``motrix`` command: parse, dispatch, turn errors into one line."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence

from motrix.errors import MotrixError


def _dispatch(args) -> int:
    from motrix.cli import commands, listing

    if args.command == "list":
        return listing.cmd_list(args.what, args.json)
    if args.command == "plugins":
        return listing.cmd_plugins(args.json)
    if args.command == "config":
        from motrix.cli.config_cmd import cmd_config

        return cmd_config(args)
    return {
        "train": commands.cmd_train,
        "play": commands.cmd_play,
        "export": commands.cmd_export,
        "runs": commands.cmd_runs,
        "view": commands.cmd_view,
        "bench": commands.cmd_bench,
        "plot": commands.cmd_plot,
    }[args.command](args)


def main(argv: Sequence[str] | None = None) -> int:
    from motrix.cli.parser import build_parser

    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.argv = argv  # `train --nproc` hands the workers the same command line
    debug = args.debug or bool(os.environ.get("MOTRIX_DEBUG"))
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return _dispatch(args)
    except MotrixError as exc:
        if debug:
            traceback.print_exc()
        print(f"motrix: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("motrix: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - last resort: one line unless --debug
        if debug:
            traceback.print_exc()
        else:
            print(f"motrix: error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)",
                  file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
