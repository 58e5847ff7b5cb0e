"""Entry point: parse the command line, then run a headless command or the widget. Nothing else."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NoReturn

from app import PRODUCT_NAME, __version__
from app.core.i18n import LANGUAGES, N_, _


class _HelpFormatter(argparse.HelpFormatter):
    def add_usage(
        self, usage: str | None, actions: Iterable[argparse.Action], groups: Any, prefix: str | None = None
    ) -> None:
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with its own words (usage, options, help, error) in the user's language; what argparse
    says about a wrong option stays English (its catalogue is not ours)."""

    def __init__(self, *args: Any, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = _("positional arguments")
        self._optionals.title = _("options")
        if add_help:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help=_("show this help message and exit")
            )

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, _("{prog}: error: {message}").format(prog=self.prog, message=_argparse_words(message)) + "\n")


# argparse's own complaints (Python 3.11's words), matched by shape so they can be said in the user's
# language; any other stays as argparse wrote it.
_ARGPARSE_COMPLAINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"the following arguments are required: (?P<arguments>.+)"),
        N_("the following arguments are required: {arguments}"),
    ),
    (re.compile(r"unrecognized arguments: (?P<arguments>.+)"), N_("unrecognized arguments: {arguments}")),
    (
        re.compile(r"argument (?P<argument>\S+): expected one argument"),
        N_("argument {argument}: expected one argument"),
    ),
    (
        re.compile(r"argument (?P<argument>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"),
        N_("argument {argument}: invalid choice: {value} (choose from {choices})"),
    ),
    (
        re.compile(r"argument (?P<argument>\S+): invalid (?P<kind>\w+) value: (?P<value>.+)"),
        N_("argument {argument}: invalid {kind} value: {value}"),
    ),
    (
        re.compile(r"argument (?P<argument>\S+): not allowed with argument (?P<other>\S+)"),
        N_("argument {argument}: not allowed with argument {other}"),
    ),
)


def _argparse_words(message: str) -> str:
    for shape, words in _ARGPARSE_COMPLAINTS:
        found = shape.fullmatch(message)
        if found:
            return _(words).format(**found.groupdict())
    return message


def _common_options() -> argparse.ArgumentParser:
    # SUPPRESS keeps an option given before the subcommand from being reset by the subparser.
    common = _Parser(add_help=False)
    group = common.add_argument_group(_("connection (overrides settings for this run)"))
    where = group.add_mutually_exclusive_group()
    where.add_argument(
        "--endpoint", default=argparse.SUPPRESS, help=_("full endpoint URL (https, or http to loopback)")
    )
    where.add_argument("--region", default=argparse.SUPPRESS, help=_("region, e.g. cn-shanghai or ap-southeast-1"))
    group.add_argument("--instance-id", default=argparse.SUPPRESS, help=_("contact centre instance ID"))
    group.add_argument("--user-id", default=argparse.SUPPRESS, help=_("agent user ID, name@domain"))
    group.add_argument("--device-id", default=argparse.SUPPRESS, help=_("device ID sent with every request"))
    group.add_argument("--signature", choices=["v2", "v3"], default=argparse.SUPPRESS, help=_("signing scheme"))
    group.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=_("print JSON"))
    group.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=_("debug logging"))
    shown = common.add_argument_group(_("language"))
    shown.add_argument(
        "--lang",
        default=argparse.SUPPRESS,
        metavar="LANG",
        help=_("language of messages: {languages}; empty for the system's (overrides the setting)").format(
            languages=", ".join(LANGUAGES)
        ),
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The command line, its help in the language already chosen (see choose_language)."""
    common = _common_options()
    parser = _Parser(
        prog="ccc-break",
        parents=[common],
        description=_("{product}: take a break and get ready on Alibaba Cloud Contact Center.").format(
            product=PRODUCT_NAME
        ),
        epilog=_(
            "Without a command, the tray widget starts. Credentials: the OS keyring, or "
            "ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET / ALIBABA_CLOUD_SECURITY_TOKEN."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"ccc-break {__version__}", help=_("show the version and exit")
    )
    parser.add_argument("--demo", action="store_true", help=_("run against the embedded CCC simulator"))
    parser.add_argument("--minimized", action="store_true", help=_("start in the tray without opening the window"))
    parser.add_argument("--qt-probe", action="store_true", help=argparse.SUPPRESS)  # used by `doctor`
    commands = parser.add_subparsers(dest="command", metavar=_("COMMAND"))
    take = commands.add_parser("take-break", parents=[common], help=_("put the agent on a break"))
    take.add_argument("--code", required=True, help=_("break code, e.g. default or lunch"))
    commands.add_parser("ready", parents=[common], help=_("end the break: the agent becomes READY"))
    commands.add_parser("status", parents=[common], help=_("show the agent's live state"))
    sim = commands.add_parser("simulator", help=_("run the embedded CCC simulator on loopback"))
    sim.add_argument("--host", default="127.0.0.1", help=_("address to listen on (default 127.0.0.1)"))
    sim.add_argument("--port", type=int, default=8787, help=_("port (default 8787; 0 picks a free one)"))
    commands.add_parser("doctor", parents=[common], help=_("check this desktop for IT"))
    return parser


def _early_option(argv: Sequence[str], name: str) -> str | None:
    """An option's value before the command line is parsed (its help is written in the language)."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == name:
            return argv[index + 1] if index + 1 < len(argv) else None
        if arg.startswith(name + "="):
            return arg.partition("=")[2]
    return None


def choose_language(argv: Sequence[str]) -> str:
    """--lang, else the `language` setting, else the system's; before anything is printed."""
    from app.core.i18n import set_language

    wanted = _early_option(argv, "--lang")
    if wanted is None:
        try:
            from app.core.settings.paths import default_config_paths
            from app.core.settings.store import ConfigStore

            profile = "demo" if "--demo" in argv else "default"
            wanted = ConfigStore(default_config_paths(profile)).load(persist=False).settings.language
        except Exception:  # a settings problem is reported once the settings are really loaded
            logging.getLogger("app").debug("Could not read the language setting", exc_info=True)
            wanted = ""
    return set_language(wanted)


# The widget's own starts: from the menu, at login, the demo. Building the whole command line (six
# subcommands, every option's help in the user's language) is about 1.5 ms of each; these are read
# without it. Any other command line goes through the parser, which also reports its mistakes.
_PLAIN_WIDGET_OPTIONS = frozenset({"--demo", "--minimized"})


def plain_widget_start(argv: Sequence[str]) -> argparse.Namespace | None:
    """What the parser would make of `argv` when it only starts the widget (no command, only --demo and
    --minimized), else None."""
    if not _PLAIN_WIDGET_OPTIONS.issuperset(argv):
        return None
    return argparse.Namespace(demo="--demo" in argv, minimized="--minimized" in argv, qt_probe=False, command=None)


def harden_at_start(widget_in_this_process: bool) -> None:
    """Before any secret is read into memory: no core file, and (Linux) no debugger of the same user.
    The widget reads the keyring only once its window is painted and forbids debuggers then
    (WidgetApp.start_connecting): its first window goes without ctypes, which prctl needs."""
    from app.core.hardening import forbid_core_dumps, forbid_core_files

    if widget_in_this_process:
        forbid_core_files()
    else:
        forbid_core_dumps()


EXIT_UNEXPECTED = 3  # as for an answer that is not CCC's: the documented codes stay 0-3


def main(argv: Sequence[str] | None = None, *, widget_launcher: Callable[[list[str]], int] | None = None) -> int:
    """Never a traceback on the terminal: a broken pipe is a reader that stopped reading, anything
    else unexpected is one line (the traceback goes to the log with -v). `widget_launcher` starts the
    widget elsewhere (the bundle's Qt-free console command hands it to the windowed executable)."""
    try:
        return _main(argv, widget_launcher)
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
            _("Error: something unexpected went wrong ({kind}). Run again with -v for details.").format(
                kind=type(error).__name__
            ),
            file=sys.stderr,
        )
        return EXIT_UNEXPECTED


def _main(argv: Sequence[str] | None, widget_launcher: Callable[[list[str]], int] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    collecting = gc.isenabled()
    try:
        return _run(argv, widget_launcher)
    finally:
        if collecting:
            gc.enable()  # a widget paused it for its start (pause_collector_until_first_paint)


def pause_collector_until_first_paint() -> None:
    """No cyclic garbage collection while the widget starts: with PySide6's classes being made, Python
    collected some fifty times before the first window (about 15 million instructions, and more time
    than that, as it walks every object made so far). WidgetApp.finish_first turns it on again."""
    gc.disable()


def _run(argv: list[str], widget_launcher: Callable[[list[str]], int] | None) -> int:
    plain_widget = plain_widget_start(argv)
    harden_at_start(plain_widget is not None and widget_launcher is None)
    if argv == ["--keyring-helper"]:  # the widget's keyring reader (app.core.keyring_helper): no CLI around it
        from app.core.keyring_helper import run_helper

        return run_helper()
    choose_language(argv)
    args = plain_widget or build_parser().parse_args(argv)
    if getattr(args, "lang", None) is not None and args.lang != _early_option(argv, "--lang"):
        from app.core.i18n import set_language

        set_language(args.lang)  # given abbreviated (--lan): the rest of the output follows it
    args.json = getattr(args, "json", False)
    args.verbose = getattr(args, "verbose", False)
    if widget_launcher is not None and (args.qt_probe or args.command is None):
        return widget_launcher(argv)  # Qt lives in the other executable
    if args.command is None and not args.qt_probe:
        pause_collector_until_first_paint()  # the widget starts in this process
    if args.qt_probe:
        from app.ui.probe import qt_probe_main

        return qt_probe_main()

    from app.core.logs import configure_logging

    configure_logging(verbose=args.verbose, to_file=args.command is None)

    if args.command == "simulator":
        from app.cli import command_simulator

        return command_simulator(args, sys.stdout)

    from app.core.errors import CccBreakError
    from app.core.startup import build_context, settings_overrides

    try:
        # The widget runs all day: it reads the keyring in a helper process (Linux; see keyring_helper).
        context = build_context(settings_overrides(args), demo=args.demo, keyring_in_helper=args.command is None)
    except CccBreakError as error:
        from app.cli import error_line

        print(error_line(error.user_message), file=sys.stderr)
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
