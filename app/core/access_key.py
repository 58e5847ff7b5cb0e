"""The AccessKey: a plain record, so that the credential store can name it without loading the signing
code's hashing (OpenSSL). A dataclass, whose methods Python compiles when the module loads: nothing
loads it before the widget's first window (tests/ui/test_lazy_start.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, repr=False)
class Credentials:
    access_key_id: str
    access_key_secret: str
    security_token: str | None = None

    def __repr__(self) -> str:
        # The secret and token must never reach a log line or a traceback through repr().
        return f"Credentials(access_key_id={self.access_key_id!r}, access_key_secret=<hidden>)"
