"""Reading text files in the encodings Thai users actually have.

UTF-8 (with or without BOM) and UTF-16 with BOM are recognised by their bytes; TIS-620 / cp874 is
accepted only when the bytes decode as Thai text (most non-ASCII bytes fall in the Thai block and
decode to Thai letters), so a Latin-1 or binary file is refused instead of being read as garbage.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from fivep.errors import InputError

_THAI_BYTES = range(0xA1, 0xFC)


def _thai_share(text: str) -> float:
    letters = [c for c in text if not c.isascii()]
    if not letters:
        return 0.0
    return sum("\u0e00" <= c <= "\u0e7f" for c in letters) / len(letters)


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode_bytes(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding_name)``.

    Raises :class:`InputError` naming the file and line of the first undecodable byte.
    """
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    if b"\x00" in data[:4096] and encoding == "utf-8":
        raise InputError(
            "this looks like a binary file, not text (it contains NUL bytes)",
            path=path,
            hint="save the transcript as UTF-8 text, .docx, .odt or .pdf",
        )
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as utf_error:
        if encoding != "utf-8":
            raise InputError(
                f"cannot decode as {encoding}: {utf_error.reason}",
                path=path,
                line=_line_of(data, utf_error.start),
                hint="re-save the file as UTF-8",
            ) from None
        high = [b for b in data if b >= 0x80]
        in_thai_block = sum(b in _THAI_BYTES for b in high)
        if high and in_thai_block / len(high) >= 0.95:
            try:
                text = data.decode("cp874")
            except UnicodeDecodeError:
                pass
            else:
                if _thai_share(text) >= 0.9:
                    return text, "cp874"
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[utf_error.start]:02x}) and not TIS-620/cp874 Thai either",
            path=path,
            line=_line_of(data, utf_error.start),
            hint="re-save the file as UTF-8",
        ) from None


def read_text(path: str | Path) -> tuple[str, str]:
    """Read a text file, detecting its encoding. Returns ``(text, encoding_name)``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", path=path) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path=path) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", path=path) from None
    return decode_bytes(data, path)
