"""Bytes to text, refusing what is not text rather than coding garbage."""

from __future__ import annotations

from charset_normalizer import from_bytes


class DecodeError(ValueError):
    """The bytes are not usable text; the message is the user-facing reason."""


def looks_binary(raw: bytes) -> bool:
    """NUL bytes or many control characters in the head mean a binary file."""
    head = raw[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > 0.05


def decode(raw: bytes) -> tuple[str, str | None]:
    """Return (text, note). The note says which legacy encoding was used, if any."""
    if not raw.strip():
        raise DecodeError("empty file")
    if looks_binary(raw):
        raise DecodeError("binary content, not text")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        raise DecodeError("undecodable: not UTF-8 and no other encoding fits")
    text = str(best)
    if not text.strip() or best.chaos > 0.3:
        raise DecodeError(f"undecodable: best guess {best.encoding} gives garbled text")
    return text, f"not UTF-8, decoded as {best.encoding}"
