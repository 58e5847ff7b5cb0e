"""The AccessKey and the signature scheme it signs with: plain types, so that the settings and the
credential store can name them without loading the signing code's hashing (OpenSSL) before the window
is painted."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SignatureScheme(StrEnum):
    V2 = "v2"
    V3 = "v3"


@dataclass(frozen=True, repr=False)
class Credentials:
    access_key_id: str
    access_key_secret: str
    security_token: str | None = None

    def __repr__(self) -> str:
        # The secret and token must never reach a log line or a traceback through repr().
        return f"Credentials(access_key_id={self.access_key_id!r}, access_key_secret=<hidden>)"
