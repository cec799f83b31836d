"""Reading archives and XML that come from elsewhere, without trusting them.

A ``.qdpx`` is a zip file holding XML and source files written by another program, perhaps sent
by someone else. Before fivep reads a byte of it:

- every member path must stay inside the archive (no absolute paths, drive letters, ``..`` or
  symbolic links), and no member may be encrypted;
- no member may unpack to more than :data:`MAX_MEMBER_BYTES` (the project XML to more than
  :data:`MAX_XML_BYTES`), nor grow more than :data:`MAX_RATIO` times its packed size (a zip bomb),
  nor the archive as a whole; everything read together stays under :data:`MAX_TOTAL_BYTES`; sizes
  are enforced while reading, not taken from the headers on trust;
- XML is parsed by lxml with entity resolution, network access and huge trees turned off, and a
  document type declaration is refused outright: REFI-QDA files never need one, and it is where
  entity-expansion bombs ("billion laughs") and external entities hide. An encoding other than
  UTF-8, UTF-16 or a single-byte one expat knows (Shift_JIS, UTF-7, an unknown name) is refused.

Office packages (``.docx``, ``.odt``, an ``.xlsx`` roster) get the same checks from
:func:`check_package`, with the limits of :data:`PACKAGE_LIMITS`: they bound the memory a reader
can take (python-docx and odfpy hold the whole XML tree, about 10 to 15 times the XML's size).
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Self

from fivep.errors import InputError

if TYPE_CHECKING:
    from lxml import etree

MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = 200 * 2**20
MAX_XML_BYTES = 64 * 2**20       # the project XML, parsed into one tree
MAX_TOTAL_BYTES = 256 * 2**20    # everything read from one archive (the sources' text and the XML)
MAX_RATIO = 200
RATIO_FLOOR = 2**20          # members smaller than this are never refused for their ratio
_CHUNK = 2**16


class UnsafeArchiveError(InputError):
    """An archive or XML file was refused because reading it could harm the machine."""


@dataclass(frozen=True)
class Limits:
    members: int = MAX_MEMBERS
    member_bytes: int = MAX_MEMBER_BYTES
    total_bytes: int = MAX_TOTAL_BYTES
    ratio: int = MAX_RATIO
    xml_bytes: int = MAX_XML_BYTES


@dataclass(frozen=True)
class PackageLimits:
    """What an office package may unpack to: each member, its XML together, and everything."""

    xml_bytes: int
    total_bytes: int
    members: int = 5_000
    ratio: int = MAX_RATIO


PACKAGE_LIMITS = {
    "docx": PackageLimits(xml_bytes=32 * 2**20, total_bytes=128 * 2**20),
    "odt": PackageLimits(xml_bytes=16 * 2**20, total_bytes=128 * 2**20),
    "xlsx": PackageLimits(xml_bytes=16 * 2**20, total_bytes=32 * 2**20),
    "ods": PackageLimits(xml_bytes=16 * 2**20, total_bytes=32 * 2**20),
}
_XML_SUFFIXES = (".xml", ".rels", ".qde", ".qdc")
_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)")
_PROLOG_HEAD = 2**16     # an XML prolog (with any DTD) must end within this many bytes


def _mb(n: int) -> str:
    if n >= 10 * 2**20:
        return f"{n / 2**20:.0f} MB"
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n // 1024} KB"


def _unsafe_member(name: str) -> str | None:
    """Why a member name escapes the archive, or None when it is safe."""
    if "\x00" in name:
        return "contains a NUL character"
    normal = name.replace("\\", "/")
    if normal.startswith("/") or (len(normal) > 1 and normal[1] == ":"):
        return "is an absolute path"
    if ".." in PurePosixPath(normal).parts:
        return "climbs out of the archive with '..'"
    return None


class SafeArchive:
    """A zip archive checked as a whole on opening; members are read with size limits."""

    def __init__(self, path: str | Path, limits: Limits | None = None) -> None:
        self.path = Path(path)
        self.limits = limits or Limits()
        self._read_total = 0
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise InputError("file not found", path=self.path) from None
        except (zipfile.BadZipFile, OSError, ValueError):
            raise InputError("not a readable zip archive (a .qdpx is a zip file)", path=self.path,
                             hint="export the project again from its program") from None
        infos = self._zip.infolist()
        if len(infos) > self.limits.members:
            self.refuse(f"the archive holds {len(infos)} files, more than the limit of {self.limits.members}")
        for info in infos:
            why = _unsafe_member(info.filename)
            if why:
                self.refuse(f"member '{info.filename}' {why}; it would be written outside the archive")
            if stat.S_ISLNK(info.external_attr >> 16):
                self.refuse(f"member '{info.filename}' is a symbolic link")
            if info.flag_bits & 0x1:
                self.refuse(f"member '{info.filename}' is encrypted (password-protected); fivep cannot read it")
            if info.file_size > self.limits.member_bytes:
                self.refuse(f"member '{info.filename}' unpacks to {info.file_size // 2**20} MB, "
                            f"more than the limit of {self.limits.member_bytes // 2**20} MB")
            if info.file_size > RATIO_FLOOR and info.file_size > self.limits.ratio * max(info.compress_size, 1):
                self.refuse(f"member '{info.filename}' unpacks to {info.file_size // 2**20} MB from "
                            f"{info.compress_size // 1024} KB (a zip bomb?)")
        declared, packed = sum(i.file_size for i in infos), sum(i.compress_size for i in infos)
        if declared > 16 * RATIO_FLOOR and declared > self.limits.ratio * max(packed, 1):
            self.refuse(f"the archive unpacks to {_mb(declared)} from {_mb(packed)} (a zip bomb?)")
        self._infos = {i.filename.replace("\\", "/"): i for i in infos if not i.is_dir()}

    def refuse(self, message: str) -> None:
        self.close()
        raise UnsafeArchiveError(f"refused: {message}", path=self.path,
                                 hint="only open projects from people you trust; ask for a fresh export")

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def size(self, name: str) -> int:
        """The size a member's header declares (reading enforces it)."""
        return self._infos[name].file_size

    @property
    def names(self) -> list[str]:
        return list(self._infos)

    def find(self, name: str) -> str | None:
        """The member called ``name``: exactly, else ignoring case."""
        name = name.replace("\\", "/").removeprefix("./")
        if name in self._infos:
            return name
        folded = name.casefold()
        return next((n for n in self._infos if n.casefold() == folded), None)

    def read(self, name: str) -> bytes:
        """A member's bytes, counted as they are unpacked (headers can lie)."""
        info = self._infos[name]
        cap = min(info.file_size, self.limits.member_bytes)
        out = bytearray()
        try:
            with self._zip.open(info) as handle:
                while chunk := handle.read(_CHUNK):
                    out += chunk
                    if len(out) > cap:
                        self.refuse(f"member '{name}' unpacks to more than its header says ({cap} bytes)")
                    if self._read_total + len(out) > self.limits.total_bytes:
                        self.refuse(f"the archive unpacks to more than {_mb(self.limits.total_bytes)}, the limit "
                                    "for what fivep reads from one project")
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
            if isinstance(error, UnsafeArchiveError):
                raise
            raise InputError(f"member '{name}' is damaged ({error})", path=self.path,
                             hint="export the project again") from None
        except NotImplementedError:
            raise InputError(f"member '{name}' uses a compression method fivep cannot read", path=self.path,
                             hint="export the project again with ordinary (deflate) compression") from None
        except RuntimeError:   # an encrypted member the header check missed
            raise InputError(f"member '{name}' is encrypted (password-protected)", path=self.path,
                             hint="export the project again without a password") from None
        self._read_total += len(out)
        return bytes(out)


class _Prolog(Exception):
    """Raised from expat handlers to stop reading the prolog."""


def _declared_encoding(data: bytes) -> str:
    found = _ENCODING.match(data.lstrip(b"\xef\xbb\xbf"))
    return found.group(1).decode("ascii", "replace") if found else "?"


def _check_prolog(data: bytes, where: str | Path, *, final: bool = True, kind: str = "REFI-QDA files") -> None:
    """Read only up to the root element with expat, refusing any document type declaration.

    This runs before the real parser, so an entity-expansion bomb is refused before anything is
    expanded (libxml2 expands entities in attribute values even with ``resolve_entities=False``).
    ``final=False``: ``data`` is only the head of the document.
    """
    from xml.parsers import expat

    found: dict[str, list[str]] = {"internal": [], "external": [], "doctype": []}

    def doctype(name: str, system_id: str | None, public_id: str | None, internal: int) -> None:
        found["doctype"].append(name)
        if system_id or public_id:
            found["external"].append(f"an external DTD, {system_id or public_id}")

    def entity(name: str, is_parameter: int, value: str | None, base: str | None, system_id: str | None,
               public_id: str | None, notation: str | None) -> None:
        if system_id or public_id:
            found["external"].append(f"entity '{name}' from {system_id or public_id}")
        else:
            found["internal"].append(name)

    def stop(*_: Any) -> None:
        raise _Prolog

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.EndDoctypeDeclHandler = stop      # before any entity could be expanded
    parser.StartElementHandler = stop
    try:
        parser.Parse(data, final)
    except _Prolog:
        pass
    except expat.ExpatError:
        if not found["doctype"]:
            return  # not well-formed: the real parser says where
    except (ValueError, LookupError):   # expat: "multi-byte encodings are not supported", "unknown encoding"
        raise UnsafeArchiveError(f"the XML declares the encoding '{_declared_encoding(data)}', which fivep does "
                                 "not read", path=where, hint=f"{kind} are UTF-8; save or export it again as UTF-8"
                                 ) from None
    hint = f"{kind} never declare entities; export the file again from its program"
    if found["external"]:
        raise UnsafeArchiveError(f"refused: the XML refers outside itself ({'; '.join(found['external'])}): "
                                 "an external entity reads a local file or a web address", path=where, hint=hint)
    if found["internal"]:
        raise UnsafeArchiveError(f"refused: the XML declares {len(found['internal'])} entities "
                                 "(an entity-expansion bomb, 'billion laughs'?)", path=where, hint=hint)
    if found["doctype"]:
        raise UnsafeArchiveError("refused: the XML has a document type declaration (<!DOCTYPE>), "
                                 f"which {kind} never need", path=where, hint=hint)


def parse_xml(data: bytes, where: str | Path) -> etree._Element:
    """Parse untrusted XML; refuse a DOCTYPE, entities and external references with a clear message."""
    from lxml import etree

    _check_prolog(data, where)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise InputError(f"not well-formed XML: {error.msg}", path=where, line=error.lineno,
                         hint="export the project again from its program") from None
    except ValueError as error:
        raise InputError(f"not readable XML: {error}", path=where) from None
    if root.getroottree().docinfo.internalDTD is not None:  # the prolog check makes this unreachable
        raise UnsafeArchiveError("refused: the XML has a document type declaration", path=where)
    return root


def check_package(data: bytes, path: str | Path, fmt: str, *, error: type[InputError] = InputError,
                  hint: str = "save it again in the program that made it",
                  damaged: str = "the file is damaged or truncated (not a readable zip package)") -> None:
    """Refuse an office package (``fmt``: docx, odt, xlsx) before a library unpacks it.

    Refused, with ``error`` naming ``path``: a damaged zip, an encrypted member, a member or the XML
    or the whole unpacking beyond :data:`PACKAGE_LIMITS`, a member grown more than the ratio limit
    from its packed size, and XML with a document type declaration or an encoding other than UTF-8/16.
    The sizes in the headers are binding: Python's zip reader never unpacks more than they say.
    """
    import io

    limits = PACKAGE_LIMITS[fmt]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        raise error(damaged, path=path, hint=hint) from None

    def refuse(message: str) -> None:
        archive.close()
        raise error(f"refused: {message}", path=path, hint=hint)

    if len(infos) > limits.members:
        refuse(f"the package holds {len(infos)} files, more than the limit of {limits.members} for a .{fmt}")
    xml = total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            refuse(f"'{info.filename}' is encrypted (password-protected); remove the password")
        total += info.file_size
        if info.filename.lower().endswith(_XML_SUFFIXES):
            xml += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > limits.ratio * max(info.compress_size, 1):
            refuse(f"'{info.filename}' unpacks to {_mb(info.file_size)} from {_mb(info.compress_size)} (a zip bomb?)")
    if xml > limits.xml_bytes:
        refuse(f"its XML unpacks to {_mb(xml)}, more than the limit of {_mb(limits.xml_bytes)} for a .{fmt} "
               f"(a zip bomb?)")
    if total > limits.total_bytes:
        refuse(f"the package unpacks to {_mb(total)}, more than the limit of {_mb(limits.total_bytes)} for a "
               f".{fmt} (a zip bomb?)")
    try:
        for info in infos:
            if info.filename.lower().endswith(_XML_SUFFIXES) and info.file_size:
                with archive.open(info) as handle:
                    head = handle.read(_PROLOG_HEAD)
                _check_prolog(head, f"{path}!{info.filename}", final=len(head) == info.file_size,
                              kind=f".{fmt} files")
    except UnsafeArchiveError as problem:
        archive.close()
        raise error(problem.message, path=problem.path, hint=hint) from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError, NotImplementedError):
        refuse("a part of the package is damaged or uses a compression fivep cannot read")
    archive.close()
