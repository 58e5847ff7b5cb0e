"""The signature scheme an AccessKey signs with (the API's two, see docs): a plain type, so that the
settings can name it without loading the AccessKey's record or the signing code's hashing (OpenSSL)."""

from __future__ import annotations

from enum import StrEnum


class SignatureScheme(StrEnum):
    V2 = "v2"
    V3 = "v3"
