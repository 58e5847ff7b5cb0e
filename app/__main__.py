"""Entry point: parse the command line, then run a headless command or the widget. Nothing else."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from app import PRODUCT_NAME, __version__


def _common_options() -> argparse.ArgumentParser:
    # SUPPRESS keeps an option given before the subcommand from being reset by the subparser.
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("connection (overrides settings for this run)")
    where = group.add_mutually_exclusive_group()
    where.add_argument("--endpoint", default=argparse.SUPPRESS, help="full endpoint URL (https, or http to loopback)")
    where.add_argument("--region", default=argparse.SUPPRESS, help="region, e.g. cn-shanghai or ap-southeast-1")
    group.add_argument("--instance-id", default=argparse.SUPPRESS, help="contact centre instance ID")
    group.add_argument("--user-id", default=argparse.SUPPRESS, help="agent user ID, name@domain")
    group.add_argument("--device-id", default=argparse.SUPPRESS, help="device ID sent with every request")
    group.add_argument("--signature", choices=["v2", "v3"], default=argparse.SUPPRESS, help="signing scheme")
    group.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    group.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="debug logging")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="ccc-break",
        parents=[common],
        description=f"{PRODUCT_NAME}: take a break and get ready on Alibaba Cloud Contact Center.",
        epilog="Without a command, the tray widget starts. Credentials: the OS keyring, or "
        "ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET / ALIBABA_CLOUD_SECURITY_TOKEN.",
    )
    parser.add_argument("--version", action="version", version=f"ccc-break {__version__}")
    parser.add_argument("--demo", action="store_true", help="run against the embedded CCC simulator")
    parser.add_argument("--minimized", action="store_true", help="start in the tray without opening the window")
    parser.add_argument("--qt-probe", action="store_true", help=argparse.SUPPRESS)  # used by `doctor`
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    take = commands.add_parser("take-break", parents=[common], help="put the agent on a break")
    take.add_argument("--code", required=True, help="break code, e.g. default or lunch")
    commands.add_parser("ready", parents=[common], help="end the break: the agent becomes READY")
    commands.add_parser("status", parents=[common], help="show the agent's live state")
    sim = commands.add_parser("simulator", help="run the embedded CCC simulator on loopback")
    sim.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sim.add_argument("--port", type=int, default=8787, help="port (default 8787; 0 picks a free one)")
    commands.add_parser("doctor", parents=[common], help="check this desktop for IT")
    return parser


EXIT_UNEXPECTED = 3  # as for an answer that is not CCC's: the documented codes stay 0-3


def main(argv: Sequence[str] | None = None) -> int:
    """Never a traceback on the terminal: a broken pipe is a reader that stopped reading, anything
    else unexpected is one line (the traceback goes to the log with -v)."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # `ccc-break status | head -1`: the reader left. Point stdout at nothing so the interpreter's
        # final flush cannot raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        logging.getLogger("app").debug("Unexpected error", exc_info=True)
        print(
            f"Error: something unexpected went wrong ({type(error).__name__}). Run again with -v for details.",
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED


def _main(argv: Sequence[str] | None) -> int:
    from app.core.hardening import forbid_core_dumps

    forbid_core_dumps()  # before any secret is read into memory
    parser = build_parser()
    args = parser.parse_args(argv)
    args.json = getattr(args, "json", False)
    args.verbose = getattr(args, "verbose", False)
    if args.qt_probe:
        from app.ui.probe import qt_probe_main

        return qt_probe_main()

    from app.core.logs import configure_logging

    configure_logging(verbose=args.verbose, to_file=args.command is None)

    if args.command == "simulator":
        from app.cli import command_simulator

        return command_simulator(args, sys.stdout)

    from app.cli import settings_overrides
    from app.core.errors import CccBreakError
    from app.core.startup import build_context

    try:
        context = build_context(settings_overrides(args), demo=args.demo)
    except CccBreakError as error:
        print(f"Error: {error.user_message}", file=sys.stderr)
        return 2

    if args.command in ("take-break", "ready", "status"):
        from app.cli import command_action

        return command_action(args, context, sys.stdout, sys.stderr)
    if args.command == "doctor":
        from app.core.doctor import run_doctor_command

        return run_doctor_command(args, context, sys.stdout)

    from app.ui.application import run_gui

    return run_gui(context, minimized=args.minimized)


if __name__ == "__main__":
    sys.exit(main())
