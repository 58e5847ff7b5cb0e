"""Reading an answer from the service within bounds: its size after decompression, and its JSON.

A real CCC answer is a few KB. Anything far larger, compressed in a way we did not ask for, or JSON
nested deeper than any envelope is a fault of the service (or of what stands in front of it) and is
reported as such, never read into memory whole.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

MAX_ANSWER_BYTES = 1 << 20  # 1 MiB, after decompression
ACCEPT_ENCODING = "gzip, deflate"  # what `decode_body` can undo
MAX_ENCODINGS = 2  # layers undone at most: each one costs time on the GUI thread


class AnswerTooLarge(Exception):
    """The answer is over MAX_ANSWER_BYTES."""


class AnswerUnreadable(Exception):
    """The answer is not JSON, or is compressed in a way we cannot undo."""


def decode_body(raw: bytes, content_encoding: str, limit: int = MAX_ANSWER_BYTES) -> bytes:
    """Undo the Content-Encoding of `raw` without inflating more than `limit` bytes."""
    if not content_encoding:  # the usual answer: nothing to undo
        if len(raw) > limit:
            raise AnswerTooLarge
        return raw
    encodings = [part.strip().lower() for part in content_encoding.split(",") if part.strip()]
    if len([e for e in encodings if e != "identity"]) > MAX_ENCODINGS:
        raise AnswerUnreadable("more content encodings than any real answer has")
    body = raw
    for encoding in reversed(encodings):  # applied in order, so undone last-first
        if encoding == "identity":
            continue
        if encoding in ("gzip", "x-gzip"):
            body = _inflate(body, 16 + zlib.MAX_WBITS, limit, members=True)
        elif encoding == "deflate":
            # RFC 9110 deflate is zlib-wrapped; some servers send raw deflate.
            body = _inflate(body, zlib.MAX_WBITS if body[:1] == b"\x78" else -zlib.MAX_WBITS, limit, members=False)
        else:
            raise AnswerUnreadable(f"content encoding {encoding!r}")
    if len(body) > limit:
        raise AnswerTooLarge
    return body


def _inflate(data: bytes, window_bits: int, limit: int, *, members: bool) -> bytes:
    """Decompress at most `limit` bytes; a gzip body may be several members one after another."""
    out = bytearray()
    while data:
        decompressor = zlib.decompressobj(window_bits)
        try:
            out += decompressor.decompress(data, limit + 1 - len(out))
        except zlib.error as error:
            raise AnswerUnreadable("a damaged compressed body") from error
        if len(out) > limit or decompressor.unconsumed_tail:
            raise AnswerTooLarge
        data = decompressor.unused_data if members else b""
    return bytes(out)


def _null(_name: str) -> None:
    return None


# Built once: `json.loads` with any option builds a new decoder on every call.
_DECODER = json.JSONDecoder(parse_constant=_null)


def parse_json(body: bytes) -> Any:
    """JSON as the service sends it; NaN and Infinity (not JSON, but Python accepts them) become null."""
    try:
        # What `json.loads` does with bytes: UTF-8, -16 or -32, told apart by the first bytes.
        return _DECODER.decode(body.decode(json.detect_encoding(body), "surrogatepass"))
    except RecursionError as error:  # nested deeper than Python's parser goes: no envelope is
        raise AnswerUnreadable("JSON nested too deeply") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise AnswerUnreadable("not JSON") from error
