"""Parsing and validation of single setting values: the text of the INI files and of the forms, turned
into typed values or a message an agent can act on."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from app.core.endpoint import endpoint_problem
from app.core.errors import ConfigError
from app.core.i18n import LANGUAGES, N_, _
from app.core.models import BreakCode
from app.core.settings.model import (
    MAX_BREAK_MINUTES,
    MAX_POLL_INTERVAL,
    MAX_REMINDER_MINUTES,
    MAX_REQUEST_TIMEOUT,
    MIN_POLL_INTERVAL,
    MIN_REQUEST_TIMEOUT,
    SETTING_KEYS,
    Settings,
)
from app.core.signature_scheme import SignatureScheme

# Marked for the catalogue here, translated (and their limits filled in) by _msg where they are shown.
_MSG_INSTANCE_REQUIRED = N_(
    "Enter the contact centre instance ID (it looks like ccc-xxxx). Ask IT if you do not know it."
)
_MSG_INSTANCE = N_("The instance ID must be one word without spaces, e.g. ccc-test.")
_MSG_USER_ID = N_("User ID must look like name@domain, e.g. user-test@ccc-test.")
_MSG_USER_DOMAIN = N_("User domain is the part after @ in your user ID, e.g. ccc-test.")
_MSG_REGION = N_("Region must look like cn-shanghai or ap-southeast-1.")
_MSG_DEVICE_ID = N_("The device ID must be one word without spaces, at most 128 characters.")
_MSG_SIGNATURE = N_("Signature must be v2 or v3.")
_MSG_POLL = N_(
    "The status check interval must be a whole number of seconds, at least {min_poll} (and at most {max_poll})."
)
_MSG_TIMEOUT = N_("The request timeout must be a number of seconds from {min_timeout} to {max_timeout}.")
_MSG_LAUNCH = N_("Start at login must be true or false.")
_MSG_LANGUAGE = N_("Language must be empty (the system's language), en or zh_CN.")
_MSG_THEME = N_("Theme must be empty (follow the system), light or dark.")
_MSG_SOUND = N_("The overrun sound must be true or false.")
_MSG_REMINDER = N_("Reminders of an overrun break must come every 1 to {max_reminder} minutes.")
_MSG_AUTO_READY = N_(
    "Setting Ready after an overrun takes the minutes over the maximum, 1 to {max_minutes}, or 0 for never."
)
_LIMITS = {
    "min_poll": MIN_POLL_INTERVAL,
    "max_poll": MAX_POLL_INTERVAL,
    "min_timeout": f"{MIN_REQUEST_TIMEOUT:g}",
    "max_timeout": f"{MAX_REQUEST_TIMEOUT:g}",
    "max_reminder": MAX_REMINDER_MINUTES,
    "max_minutes": MAX_BREAK_MINUTES,
}


def _msg(template: str) -> str:
    """A marked message in the active language, with the limits it names."""
    return _(template).format(**_LIMITS)


_WORD = re.compile(r"^[^\s|;]+$")
_REGION = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_TRUE = frozenset({"true", "yes", "1", "on"})
_FALSE = frozenset({"false", "no", "0", "off"})


def _endpoint_problem(endpoint: str) -> str | None:
    # Empty means "use the region's endpoint"; the rule itself lives in app.core.endpoint.
    return endpoint_problem(endpoint) if endpoint else None


def _break_code_problem(codes: tuple[BreakCode, ...]) -> str | None:
    if not codes:
        return _("Add at least one break code.")
    seen: set[str] = set()
    for entry in codes:
        if not isinstance(entry, BreakCode):
            return _("Break codes must be entries like: lunch | Lunch | 60 | 90.")
        code = entry.code
        if not isinstance(code, str) or not code.strip():
            return _("Every break code needs a code (the text before the first |).")
        if any(ch in code for ch in "|;") or any(ch in code for ch in "\r\n\t") or code != code.strip():
            return _("The break code '{code}' must not contain | or ; or line breaks.").format(code=code.strip())
        label = entry.label
        if not isinstance(label, str) or any(ch in label for ch in "|;\r\n"):
            return _("The label of break code '{code}' must not contain | or ; or line breaks.").format(code=code)
        minutes = entry.max_minutes
        if not _is_minutes(minutes):
            return _(
                "The break code '{code}' must have its maximum minutes as a whole number from 1 to {max_minutes}, "
                "or nothing."
            ).format(code=code, max_minutes=MAX_BREAK_MINUTES)
        if not _is_minutes(entry.daily_minutes):
            return _(
                "The break code '{code}' must have its daily allowance as a whole number of minutes "
                "from 1 to {max_minutes}, or nothing."
            ).format(code=code, max_minutes=MAX_BREAK_MINUTES)
        if code in seen:
            return _("The break code '{code}' is listed twice; each code may appear only once.").format(code=code)
        seen.add(code)
    return None


def _is_minutes(minutes: object) -> bool:
    """Nothing, or a whole number of minutes a day can hold."""
    if minutes is None:
        return True
    return isinstance(minutes, int) and not isinstance(minutes, bool) and 1 <= minutes <= MAX_BREAK_MINUTES


def _entry_minutes(code: str, text: str, daily: bool) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        if daily:
            message = _(
                "The break code '{code}' has '{text}' as its daily allowance; use a whole number or leave it empty."
            )
        else:
            message = _(
                "The break code '{code}' has '{text}' as its maximum minutes; use a whole number or leave it empty."
            )
        raise ConfigError(message.format(code=code, text=text)) from None


def parse_break_codes(text: str) -> tuple[BreakCode, ...]:
    """Parse ``code | label | max minutes | daily minutes`` entries, one per line or separated by ``;``."""
    codes: list[BreakCode] = []
    for raw in re.split(r"[;\r\n]", text):
        entry = raw.strip()
        if not entry:
            continue
        parts = [part.strip() for part in entry.split("|")]
        if len(parts) > 4:
            raise ConfigError(
                _(
                    "The break code entry '{entry}' has too many | separators; "
                    "use: code | label | minutes | daily minutes."
                ).format(entry=entry)
            )
        code = parts[0]
        if not code:
            raise ConfigError(_("The break code entry '{entry}' has no code before the first |.").format(entry=entry))
        parts += [""] * (4 - len(parts))
        minutes = _entry_minutes(code, parts[2], daily=False)
        daily = _entry_minutes(code, parts[3], daily=True)
        codes.append(BreakCode(code, parts[1], minutes, daily))
    result = tuple(codes)
    problem = _break_code_problem(result)
    if problem is not None:
        raise ConfigError(problem)
    return result


def format_break_codes(codes: tuple[BreakCode, ...], separator: str = "\n") -> str:
    """The INI form of break codes; `separator` "; " gives the one-line form IT tools can write."""
    entries = []
    for entry in codes:
        parts = [entry.code, entry.label]
        parts += ["" if minutes is None else str(minutes) for minutes in (entry.max_minutes, entry.daily_minutes)]
        while len(parts) > 1 and parts[-1] == "":
            parts.pop()
        entries.append("|".join(parts))
    return separator.join(entries)


def _parse_bool(text: str, message: str = _MSG_LAUNCH) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ConfigError(_msg(message))


def _parse_int(text: str, message: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ConfigError(_msg(message)) from None


def _parse_float(text: str, message: str) -> float:
    try:
        number = float(text.strip())
    except ValueError:
        raise ConfigError(_msg(message)) from None
    if not math.isfinite(number):
        raise ConfigError(_msg(message))
    return number


def _parse_signature(text: str) -> SignatureScheme:
    try:
        return SignatureScheme(text.strip().lower())
    except ValueError:
        raise ConfigError(_msg(_MSG_SIGNATURE)) from None


def _parse_language(text: str) -> str:
    """ "" (the system's language) or one of LANGUAGES, whatever the case or separator it is typed with."""
    wanted = text.strip().replace("-", "_").lower()
    for language in ("", *LANGUAGES):
        if wanted == language.lower():
            return language
    raise ConfigError(_msg(_MSG_LANGUAGE))


THEMES = ("", "light", "dark")


def _parse_choice(text: str, choices: tuple[str, ...], message: str) -> str:
    wanted = text.strip().lower()
    if wanted in choices:
        return wanted
    raise ConfigError(_msg(message))


_PARSERS: dict[str, Callable[[str], object]] = {
    "region": lambda text: text.strip(),
    "endpoint": lambda text: text.strip().rstrip("/"),
    "instance_id": lambda text: text.strip(),
    "user_id": lambda text: text.strip(),
    "user_domain": lambda text: text.strip().lstrip("@"),
    "device_id": lambda text: text.strip(),
    "signature": _parse_signature,
    "poll_interval": lambda text: _parse_int(text, _MSG_POLL),
    "request_timeout": lambda text: _parse_float(text, _MSG_TIMEOUT),
    "launch_at_login": _parse_bool,
    "language": _parse_language,
    "theme": lambda text: _parse_choice(text, THEMES, _MSG_THEME),
    "overrun_sound": lambda text: _parse_bool(text, _MSG_SOUND),
    "overrun_reminder_minutes": lambda text: _parse_int(text, _MSG_REMINDER),
    "auto_ready_after_overrun": lambda text: _parse_int(text, _MSG_AUTO_READY),
    "break_codes": parse_break_codes,
}


def _user_id_problem(value: str, required: bool) -> str | None:
    if value == "":
        return None  # optional: a RAM user mapped to an agent acts as that agent
    if not _WORD.match(value):
        return _msg(_MSG_USER_ID)
    if "@" in value:
        name, _at, domain = value.partition("@")
        if not name or not domain or "@" in domain:
            return _msg(_MSG_USER_ID)
    return None


def _instance_id_problem(value: str, required: bool) -> str | None:
    if value == "":
        return _msg(_MSG_INSTANCE_REQUIRED) if required else None
    return None if _WORD.match(value) else _msg(_MSG_INSTANCE)


_TEXT_CHECKS: dict[str, Callable[[str, bool], str | None]] = {
    "region": lambda value, _required: None if _REGION.match(value) else _msg(_MSG_REGION),
    "endpoint": lambda value, _required: _endpoint_problem(value),
    "instance_id": _instance_id_problem,
    "user_id": _user_id_problem,
    "user_domain": lambda value, _required: (
        None if value == "" or (_WORD.match(value) and "@" not in value) else _msg(_MSG_USER_DOMAIN)
    ),
    "device_id": lambda value, _required: (
        None if value == "" or (_WORD.match(value) and len(value) <= 128) else _msg(_MSG_DEVICE_ID)
    ),
}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def value_problem(key: str, value: object, *, required: bool) -> str | None:
    """What is wrong with one typed value; `required` adds the checks only a connection needs."""
    text_check = _TEXT_CHECKS.get(key)
    if text_check is not None:
        if not isinstance(value, str):
            return _("The setting '{key}' must be text.").format(key=key)
        return text_check(value, required)
    if key == "signature":
        return None if isinstance(value, SignatureScheme) else _msg(_MSG_SIGNATURE)
    if key == "poll_interval":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok and MIN_POLL_INTERVAL <= value <= MAX_POLL_INTERVAL else _msg(_MSG_POLL)  # type: ignore[operator]
    if key == "request_timeout":
        ok = _is_number(value) and MIN_REQUEST_TIMEOUT <= value <= MAX_REQUEST_TIMEOUT  # type: ignore[operator]
        return None if ok else _msg(_MSG_TIMEOUT)
    if key == "launch_at_login":
        return None if isinstance(value, bool) else _msg(_MSG_LAUNCH)
    if key == "language":
        return None if value in ("", *LANGUAGES) else _msg(_MSG_LANGUAGE)
    if key == "theme":
        return None if value in THEMES else _msg(_MSG_THEME)
    if key == "overrun_sound":
        return None if isinstance(value, bool) else _msg(_MSG_SOUND)
    if key == "overrun_reminder_minutes":
        ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_REMINDER_MINUTES
        return None if ok else _msg(_MSG_REMINDER)
    if key == "auto_ready_after_overrun":
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_BREAK_MINUTES
        return None if ok else _msg(_MSG_AUTO_READY)
    if key == "break_codes":
        if not isinstance(value, tuple | list):
            return _("Break codes must be entries like: lunch | Lunch | 60.")
        return _break_code_problem(tuple(value))
    return _("There is no setting called '{key}'.").format(key=key)


def coerce_value(key: str, value: object) -> object:
    if key == "request_timeout" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if key == "break_codes" and isinstance(value, list):
        return tuple(value)
    if key == "signature" and isinstance(value, str) and not isinstance(value, SignatureScheme):
        return _parse_signature(value)
    return value


def parse_value(key: str, text: str) -> object:
    parser = _PARSERS.get(key)
    if parser is None:
        raise ConfigError(_("There is no setting called '{key}'.").format(key=key))
    value = parser(text)
    problem = value_problem(key, value, required=False)
    if problem is not None:
        raise ConfigError(problem)
    return value


def parse_setting(key: str, text: str) -> object:
    """Turn the text of one setting into its typed value; ConfigError names the key when it is invalid.

    An empty instance or user ID is accepted here (it means "not set up yet"); validate_settings reports
    it before connecting.
    """
    try:
        return parse_value(key, text)
    except ConfigError as error:
        raise ConfigError(_("{message} (setting '{key}')").format(message=error.user_message, key=key)) from None


def validate_setting(key: str, value: object) -> str | None:
    """None when `value` (typed, or text as typed in a form) is acceptable for `key`, else a message."""
    if isinstance(value, str) and key in _PARSERS:
        try:
            value = _PARSERS[key](value)
        except ConfigError as error:
            return error.user_message
    else:
        try:
            value = coerce_value(key, value)
        except ConfigError as error:
            return error.user_message
    return value_problem(key, value, required=True)


def validate_settings(settings: Settings) -> dict[str, str]:
    """Everything that must be fixed before connecting, as key -> message (empty when all is well)."""
    problems: dict[str, str] = {}
    for key in SETTING_KEYS:
        if key == "device_id" and settings.device_id == "":
            continue  # generated on load
        problem = value_problem(key, getattr(settings, key), required=True)
        if problem is not None:
            problems[key] = problem
    if "user_id" not in problems and settings.user_id and "@" not in settings.full_user_id():
        problems["user_id"] = _msg(_MSG_USER_ID)
    return problems


def format_value(key: str, value: object) -> str:
    if key == "break_codes":
        assert isinstance(value, tuple)
        return format_break_codes(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
