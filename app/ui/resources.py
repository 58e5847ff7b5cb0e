"""Finds the top-level resources/ folder in a source checkout, a PyInstaller bundle or an install."""

from __future__ import annotations

import sys
from pathlib import Path


def _candidates() -> list[Path]:
    places = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        places.append(Path(bundle) / "resources")
    places.append(Path(__file__).resolve().parents[2] / "resources")
    places.append(Path(sys.prefix) / "share" / "ccc-break" / "resources")
    return places


def resource_path(*parts: str) -> Path | None:
    """The resource, or None when this installation has no copy of it (callers fall back)."""
    for base in _candidates():
        path = base.joinpath(*parts)
        if path.exists():
            return path
    return None
