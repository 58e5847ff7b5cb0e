"""A pseudo-locale for tests: every core message becomes ⟦its English⟧, so text that bypasses the
catalogue shows up unbracketed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo

from app.core import i18n

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "resources" / "translations"
BABEL_CONFIG = TRANSLATIONS / "ccc-break-core-babel.cfg"
# The keywords README's `pybabel extract` command uses.
KEYWORDS: dict[str, tuple[int, ...] | None] = {"_": None, "N_": None, "n_": (1, 2)}
PSEUDO = "qps"
OPEN, CLOSE = "⟦", "⟧"


def fresh_extraction() -> Catalog:
    """What `pybabel extract` finds in the source now."""
    with BABEL_CONFIG.open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def forms(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def write_pseudo_catalogue(directory: Path) -> Path:
    """ccc-break-core_qps.mo in `directory`, for i18n.set_language(PSEUDO, directory)."""
    catalogue = Catalog(locale="en")
    for message in fresh_extraction():
        if message.id:
            shown = tuple(OPEN + text + CLOSE for text in forms(message.id))
            catalogue.add(message.id, shown if message.pluralizable else shown[0], context=message.context)
    path = directory / f"{i18n.DOMAIN}_{PSEUDO}.mo"
    with path.open("wb") as file:
        write_mo(file, catalogue)
    return path


def bypassed(text: str, data: Iterable[str] = ()) -> list[str]:
    """English words in `text` that are neither translated (inside ⟦⟧) nor data (paths, codes, hosts)."""
    rest = text
    while True:  # innermost first: a translated message may quote another
        stripped = re.sub(r"⟦[^⟦⟧]*⟧", " ", rest)
        if stripped == rest:
            break
        rest = stripped
    for value in sorted(data, key=len, reverse=True):
        if value:
            rest = rest.replace(value, " ")
    return re.findall(r"[A-Za-z]{2,}", rest)
