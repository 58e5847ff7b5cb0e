"""Core tests share the app's one aiohttp session, opened as the app opens it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from app.core.client import open_session


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with open_session() as opened:
        yield opened
