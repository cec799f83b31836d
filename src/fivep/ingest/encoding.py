"""Reading text files in the encodings Thai users actually have.

UTF-8 (with or without BOM) and UTF-16 with BOM are recognised by their bytes; TIS-620 / cp874 is
accepted only when the bytes decode as Thai text: most non-ASCII bytes fall in the Thai block, decode
to Thai letters, and read as Thai words (:func:`plausible_thai`: no tone mark or vowel sign after a
Latin letter, no Thai letters alone between Latin ones). A Latin-1 / Windows-1252 file ("café" would
read as "caf้") or a binary file is refused with the line and word, instead of being read as garbage.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from fivep.errors import InputError

_THAI_BYTES = range(0xA1, 0xFC)


def _thai_share(text: str) -> float:
    letters = [c for c in text if not c.isascii()]
    if not letters:
        return 0.0
    return sum("\u0e00" <= c <= "\u0e7f" for c in letters) / len(letters)


# Thai marks that sit above or below a letter (sara am, sara i-ue, mai han-akat, tone marks, ...):
# in Thai text they always follow a Thai letter. Read as cp874, Latin-1's "é" (0xE9) is one of them.
_COMBINING = re.compile("(?<![\u0e01-\u0e4e])[\u0e31\u0e33-\u0e3a\u0e47-\u0e4e]")
_THAI_RUN = re.compile("[\u0e01-\u0e5b]+")


def plausible_thai(text: str) -> bool:
    """Does ``text`` (bytes decoded as cp874) read as Thai, or as another 8-bit text read wrongly?

    Thai marks never follow a non-Thai character, and Thai letters come in words, not one or two at a
    time glued to Latin letters ("caf้", "na๏ve", "Espa๑a").
    """
    if _COMBINING.search(text):
        return False
    runs = list(_THAI_RUN.finditer(text))
    glued = [r for r in runs if len(r.group()) <= 2 and _latin_next_to(text, r.start(), r.end())]
    return bool(runs) and len(glued) / len(runs) < 0.1


def _latin_next_to(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())


def _as_latin(data: bytes, position: int) -> str:
    """The word around ``position`` as Windows-1252 would show it, for the error message."""
    start = max(data.rfind(b" ", 0, position), data.rfind(b"\n", 0, position)) + 1
    ends = [i for i in (data.find(b" ", position), data.find(b"\n", position)) if i >= 0]
    return data[start : min(ends) if ends else len(data)].decode("cp1252", errors="replace").strip()


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
                if _thai_share(text) >= 0.9 and plausible_thai(text):
                    return text, "cp874"
        word = _as_latin(data, utf_error.start)
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[utf_error.start]:02x}) and not Thai in TIS-620/cp874 either; "
            f"it may be Latin-1 or Windows-1252 text ('{word}')",
            path=path,
            line=_line_of(data, utf_error.start),
            hint="open it in a text editor and save it again as UTF-8",
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
