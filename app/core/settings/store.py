"""The one owner of the settings files: loads built-in defaults, the organisation's files, the agent's
own file and command-line overrides into one Settings, and saves the agent's own choices.

Precedence, highest first:

1. locked organisation values: keys named in ``locked`` of a system file that an administrator owns
   (paths.is_admin_owned) take that file's value, or the built-in default when it sets none, whatever
   the agent sets (own file, environment, flags); a flag that loses to a lock is reported;
2. command-line overrides (``ConfigStore.load(overrides=...)``);
3. the agent's own settings (the user file);
4. organisation defaults (values of any system file, first file wins per key);
5. built-in defaults.

A locked region also locks the endpoint (the region's endpoint, or the one the organisation set), and a
locked endpoint the organisation leaves empty also locks the region, so neither lock can be stepped
around with the other key. Bad input never crashes and never loses data: a damaged user file is kept as
a ``.corrupt-<time>`` backup, a bad value is ignored with a message naming key and file. Unknown
sections and keys are reported for the organisation's files and ignored (but kept on save) in the user
file. Credentials never go into these files (see app.core.credentials).
"""

from __future__ import annotations

import configparser
import logging
import re
import shutil
import threading
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from app.core.errors import ConfigError
from app.core.i18n import N_, _
from app.core.private_files import private_dir
from app.core.settings import ini
from app.core.settings.model import BUILT_IN, DEVICE_ID_PREFIX, POLICY_KEYS, SETTING_KEYS, Settings
from app.core.settings.paths import ConfigPaths, is_admin_owned
from app.core.settings.values import coerce_value, format_value, parse_setting, parse_value, value_problem

logger = logging.getLogger(__name__)

SECTION = ini.SECTION
LOCKED_KEY = "locked"

# Names that look like credentials: never read from, and dropped from, the settings files.
_CREDENTIAL_KEYS = frozenset(
    {"access_key_id", "access_key_secret", "accesskeyid", "accesskeysecret", "security_token", "secret"}
)


class Origin(StrEnum):
    """Where a setting's value came from (shown next to each setting): a stable English value, shown
    translated with `_(origin)`."""

    COMMAND_LINE = N_("command line")
    LOCKED = N_("locked by organisation")
    USER = N_("user")
    SYSTEM = N_("organisation default")
    BUILT_IN = N_("built-in")


# Which origin is more specific: a value from a higher one replaces a lower one's.
_RANK = {Origin.BUILT_IN: 0, Origin.SYSTEM: 1, Origin.USER: 2, Origin.COMMAND_LINE: 3, Origin.LOCKED: 4}


class LoadedConfig(NamedTuple):
    settings: Settings
    locked: frozenset[str]
    sources: tuple[Path, ...]
    origins: Mapping[str, str]
    problems: tuple[str, ...] = ()

    def is_locked(self, key: str) -> bool:
        return key in self.locked


# Plain classes, not dataclasses: Python compiles a dataclass's methods when its module loads, and
# this one loads before the widget's first window (tests/ui/test_lazy_start.py).
class _Layer:
    __slots__ = ("locked", "values")

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.locked: set[str] = set()


class _System:
    """What the organisation's files say: defaults from any of them, locks only from admin-owned ones."""

    __slots__ = ("defaults", "locked", "sources", "trusted")

    def __init__(self) -> None:
        self.defaults: dict[str, object] = {}
        self.trusted: dict[str, object] = {}  # values of admin-owned files only
        self.locked: set[str] = set()
        self.sources: list[Path] = []

    def locked_value(self, key: str) -> object:
        return self.trusted.get(key, getattr(BUILT_IN, key))


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


def _flag(key: str) -> str:
    return "--" + key.replace("_", "-")


class ConfigStore:
    """The one owner of the settings files. `is_admin_owned` decides which system files may lock;
    keys in `never_locked` (the demo's connection) are never locked, whatever a file says."""

    def __init__(
        self,
        paths: ConfigPaths,
        *,
        is_admin_owned: Callable[[Path], bool] = is_admin_owned,
        never_locked: frozenset[str] = frozenset(),
    ) -> None:
        self.paths = paths
        self._is_admin_owned = is_admin_owned
        self._never_locked = never_locked
        self._lock = threading.RLock()
        self._last_overrides: dict[str, object] = {}

    # -- load --

    def load(self, overrides: Mapping[str, object] | None = None, *, persist: bool = True) -> LoadedConfig:
        """`persist` False only reads: no device ID is written (the entry point's early look at the
        language setting, before anything is shown)."""
        with self._lock:
            return self._load(overrides or {}, persist)

    def _load(self, overrides: Mapping[str, object], persist: bool) -> LoadedConfig:
        problems: list[str] = []
        override_values = self._parse_overrides(overrides)
        system = self._read_system(problems)
        sources = list(system.sources)

        user = self._read_user_file(problems)
        if user is not None:
            sources.append(self.paths.user_file)
        user_layer = user or _Layer()

        values: dict[str, object] = {}
        origins: dict[str, Origin] = {}
        for key in SETTING_KEYS:
            if key in POLICY_KEYS:
                # The organisation's rule for its agents: never the agent's own choice.
                if key in system.trusted:
                    values[key], origins[key] = system.trusted[key], Origin.LOCKED
                else:
                    values[key], origins[key] = getattr(BUILT_IN, key), Origin.BUILT_IN
                if key in user_layer.values or key in override_values:
                    problems.append(
                        _("'{key}' is a policy only your organisation's settings file can set; ignored.").format(
                            key=key
                        )
                    )
            elif key in system.locked:
                values[key], origins[key] = system.locked_value(key), Origin.LOCKED
                if key in override_values and override_values[key] != values[key]:
                    problems.append(
                        _("{flag} was ignored: {key} is locked by your organisation").format(flag=_flag(key), key=key)
                    )
            elif key in override_values:
                values[key], origins[key] = override_values[key], Origin.COMMAND_LINE
            elif key in user_layer.values:
                values[key], origins[key] = user_layer.values[key], Origin.USER
            elif key in system.defaults:
                values[key], origins[key] = system.defaults[key], Origin.SYSTEM
            else:
                values[key], origins[key] = getattr(BUILT_IN, key), Origin.BUILT_IN

        # Region and endpoint name the same thing: a region given more specifically (a flag over a
        # file, the agent's file over the organisation's default) wins over a less specific endpoint.
        if values.get("endpoint") and _RANK[origins["region"]] > _RANK[origins["endpoint"]]:
            values["endpoint"], origins["endpoint"] = "", origins["region"]
        settings = Settings(**values)  # type: ignore[arg-type]
        # Persist a new device ID only where that cannot hide an existing file we failed to read.
        writable = persist and (user is not None or not self.paths.user_file.exists())
        if settings.device_id == "":
            settings, problem = self._generate_device_id(settings, persist=writable)
            if problem is not None:
                problems.append(problem)
            elif writable:
                origins["device_id"] = Origin.USER
                if self.paths.user_file not in sources:
                    sources.append(self.paths.user_file)

        self._last_overrides = {key: value for key, value in override_values.items() if key not in system.locked}
        return LoadedConfig(
            settings=settings,
            locked=frozenset(system.locked),
            sources=tuple(sources),
            origins=MappingProxyType(dict(origins)),
            problems=tuple(problems),
        )

    @staticmethod
    def _parse_overrides(overrides: Mapping[str, object]) -> dict[str, object]:
        # The command line is interactive input: a bad value fails at once instead of being ignored.
        parsed: dict[str, object] = {}
        for key, value in overrides.items():
            if value is None:
                continue  # an option that was not given
            if key not in SETTING_KEYS:
                raise ConfigError(_("There is no setting called '{key}'.").format(key=key))
            if isinstance(value, str):
                parsed[key] = parse_setting(key, value)
                continue
            try:
                value = coerce_value(key, value)
            except ConfigError as error:
                raise ConfigError(
                    _("{message} (setting '{key}')").format(message=error.user_message, key=key)
                ) from None
            problem = value_problem(key, value, required=False)
            if problem is not None:
                raise ConfigError(_("{message} (setting '{key}')").format(message=problem, key=key))
            parsed[key] = value
        return parsed

    def _read_system(self, problems: list[str]) -> _System:
        system = _System()
        for path in self.paths.system_files:
            # Read and check the same symlink-free path, so a link swapped in between cannot pass a
            # file of the agent's own off as the administrator's.
            real = _resolved(path)
            layer = self._read_system_file(path, problems, real)
            if layer is None:
                continue
            system.sources.append(path)
            for key, value in layer.values.items():
                system.defaults.setdefault(key, value)  # the first file that sets a key wins
            if self._is_admin_owned(real) and path not in self.paths.defaults_only:
                for key, value in layer.values.items():
                    system.trusted.setdefault(key, value)
                system.locked |= layer.locked
            elif layer.locked:
                problems.append(
                    _(
                        "{path} is not owned by an administrator (or others can change it), so its 'locked' "
                        "was ignored; its values are used as defaults only."
                    ).format(path=path)
                )
        # Region and endpoint steer the same thing: a lock on one must not be escaped through the other.
        if "region" in system.locked:
            system.locked.add("endpoint")
        if "endpoint" in system.locked and system.locked_value("endpoint") == "":
            system.locked.add("region")
        system.locked -= self._never_locked
        for key in SETTING_KEYS:
            if key not in system.locked:
                continue
            problem = value_problem(key, system.locked_value(key), required=True)
            if problem is not None:
                problems.append(
                    _(
                        "The setting '{key}' is locked by your organisation but has no usable value there: "
                        "{problem} Tell IT."
                    ).format(key=key, problem=problem)
                )
        return system

    def _layer_from(
        self, parser: configparser.ConfigParser, path: Path, problems: list[str], *, system: bool
    ) -> _Layer:
        layer = _Layer()
        if system:
            for section in parser.sections():
                if section != SECTION:
                    problems.append(
                        _(
                            "In {path}, the section [{section}] is not known, so its settings were ignored; "
                            "CCC Break reads only [{known}]."
                        ).format(path=path, section=section, known=SECTION)
                    )
        for key, text in ini.section_items(parser):
            if key == LOCKED_KEY:
                if not system:
                    logger.info("Ignoring 'locked' in %s: only the organisation's file can lock settings", path)
                    continue
                for name in filter(None, re.split(r"[\s,;]+", text.strip().lower())):
                    if name in SETTING_KEYS:
                        layer.locked.add(name)
                    else:
                        problems.append(
                            _("In {path}, 'locked' names an unknown setting '{name}'; it was ignored.").format(
                                path=path, name=name
                            )
                        )
                continue
            if key in _CREDENTIAL_KEYS:
                problems.append(
                    _(
                        "{path} contains '{key}'. Credentials are kept only in the system keyring, so it was "
                        "ignored; remove it from the file."
                    ).format(path=path, key=key)
                )
                continue
            if key not in SETTING_KEYS:
                if system:
                    problems.append(
                        _("In {path}, '{key}' is not a known setting; it was ignored.").format(path=path, key=key)
                    )
                else:  # perhaps written by a newer version: kept on save
                    logger.debug("Ignoring unknown setting %r in %s", key, path)
                continue
            try:
                layer.values[key] = parse_value(key, text)
            except ConfigError as error:
                problems.append(
                    _("In {path}, the setting '{key}' was ignored: {message}").format(
                        path=path, key=key, message=error.user_message
                    )
                )
        return layer

    def _read_system_file(self, path: Path, problems: list[str], real: Path) -> _Layer | None:
        try:
            parser = ini.read_parser(real)
        except ini.Unreadable as error:
            logger.warning("Skipping damaged organisation settings file %s: %s", path, error)
            problems.append(
                _(
                    "The organisation's settings file {path} is damaged and was skipped. Tell IT; "
                    "your own settings and the defaults are used."
                ).format(path=path)
            )
            return None
        except OSError as error:
            logger.warning("Cannot read organisation settings file %s: %s", path, error)
            problems.append(
                _("The organisation's settings file {path} cannot be read ({reason}) and was skipped. Tell IT.").format(
                    path=path, reason=error.strerror or error
                )
            )
            return None
        if parser is None:
            return None
        return self._layer_from(parser, path, problems, system=True)

    def _move_earlier_user_file(self) -> None:
        """An earlier version's settings file (Windows: %LOCALAPPDATA%) moves to where settings live now,
        once; should the move fail, it stays the agent's file, so nothing they set is lost."""
        earlier, path = self.paths.earlier_user_file, self.paths.user_file
        if earlier is None or earlier == path or path.exists() or not earlier.is_file():
            return
        try:
            private_dir(path.parent)
            shutil.move(earlier, path)
        except OSError as error:
            logger.warning("Cannot move the settings file %s to %s (%s); using it where it is", earlier, path, error)
            self.paths = self.paths._replace(user_file=earlier)
            return
        logger.info("Moved the settings file from %s to %s", earlier, path)

    def _read_user_file(self, problems: list[str]) -> _Layer | None:
        self._move_earlier_user_file()
        path = self.paths.user_file
        try:
            parser = ini.read_parser(path)
        except ini.Unreadable as error:
            logger.warning("User settings file %s is damaged: %s", path, error)
            backup = ini.back_up_damaged(path)
            if backup is None:
                problems.append(
                    _(
                        "Your settings file {path} is damaged and could not be moved aside; defaults are used "
                        "and it will not be overwritten until you save."
                    ).format(path=path)
                )
            else:
                problems.append(
                    _("Your settings file was damaged; it was kept as {backup} and defaults are used.").format(
                        backup=backup
                    )
                )
            return None
        except OSError as error:
            logger.warning("Cannot read user settings file %s: %s", path, error)
            problems.append(
                _("Your settings file {path} cannot be read ({reason}); defaults are used.").format(
                    path=path, reason=error.strerror or error
                )
            )
            return None
        if parser is None:
            return None
        return self._layer_from(parser, path, problems, system=False)

    def _generate_device_id(self, settings: Settings, *, persist: bool) -> tuple[Settings, str | None]:
        import uuid  # with platform: once per desktop, not at every start

        device_id = DEVICE_ID_PREFIX + uuid.uuid4().hex
        settings = settings.replace(device_id=device_id)
        if not persist:
            return settings, None
        try:
            self._write_user_file({"device_id": device_id}, set())
        except ConfigError as error:
            return settings, error.user_message
        logger.info("Generated a device ID for this installation")
        return settings, None

    # -- save --

    def save(self, settings: Settings) -> None:
        """Write the user's own choices: keys that differ from the organisation/built-in value.

        Locked keys are never written; keys given on the command line at the last load keep whatever
        the user file had, so a trainer's flags do not become the agent's own settings.
        """
        with self._lock:
            system = self._read_system([])
            updates: dict[str, str] = {}
            removals: set[str] = set()
            for key in SETTING_KEYS:
                value = getattr(settings, key)
                if key in system.locked or key in POLICY_KEYS:
                    removals.add(key)
                    continue
                if key in self._last_overrides and self._last_overrides[key] == value:
                    continue
                baseline = system.defaults.get(key, getattr(BUILT_IN, key))
                if value == baseline:
                    removals.add(key)
                else:
                    updates[key] = format_value(key, value)
            if "region" in updates and settings.endpoint and "endpoint" not in system.locked:
                # An endpoint kept as the organisation's default would lose to the agent's own region
                # on reload: keep it the agent's own too, as Settings showed it.
                updates["endpoint"] = format_value("endpoint", settings.endpoint)
                removals.discard("endpoint")
            self._write_user_file(updates, removals)

    def _write_user_file(self, updates: Mapping[str, str], removals: set[str]) -> None:
        """Merge into the user file and replace it atomically; unknown keys and sections are kept."""
        path = self.paths.user_file
        try:
            parser = ini.read_parser(path) or ini.new_parser()
        except (ini.Unreadable, OSError):
            # Never overwrite what cannot be read: move it aside first, or give up.
            backup = ini.back_up_damaged(path)
            if backup is None:
                raise ConfigError(
                    _("Your settings could not be saved: {path} cannot be read or moved aside.").format(path=path)
                ) from None
            logger.warning("Moved unreadable user settings file %s aside to %s", path, backup)
            parser = ini.new_parser()
        if not parser.has_section(SECTION):
            parser.add_section(SECTION)
        for key in list(parser.options(SECTION)):
            normalised = key.strip().lower()
            if normalised in removals or normalised in updates or normalised in _CREDENTIAL_KEYS:
                parser.remove_option(SECTION, key)
        for key in SETTING_KEYS:  # display order
            if key in updates:
                parser.set(SECTION, key, updates[key])
        try:
            private_dir(path.parent)
            ini.replace_atomically(path, parser)
        except OSError as error:
            raise ConfigError(
                _("Your settings could not be saved to {path} ({reason}).").format(
                    path=path, reason=error.strerror or error
                )
            ) from None
