"""Core tests share the app's one aiohttp session, opened as the app opens it, and read English."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest

from app.core import i18n
from app.core.client import open_session


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Core tests assert English texts: whatever the machine's locale, and whatever a test switched to."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with open_session() as opened:
        yield opened
