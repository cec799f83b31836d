"""What the REFI-QDA readers and writers share: namespaces, GUIDs, tolerant element access.

REFI-QDA (https://www.qdasoftware.org) exchanges codebooks (``.qdc``, an XML file) and projects
(``.qdpx``, a zip holding ``project.qde`` and the sources). fivep writes the official namespaces
and reads any namespace (``urn:QDA-XML:codebook:1:0`` as Taguette writes it, or none at all) by
comparing local element names only.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_FIVEP = uuid.UUID("2b071de7-5448-5e38-8810-cf75b97c8226")   # uuid5(NAMESPACE_URL, "https://fivep.invalid/refi-qda")
_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def guid(kind: str, key: str) -> str:
    """A GUID that is the same every time for the same thing (``guid("code", "protection.shelter")``)."""
    return str(uuid.uuid5(_FIVEP, f"{kind}:{key}"))


def is_guid(value: str | None) -> bool:
    return bool(value and _GUID.match(value))


def norm_guid(value: str | None) -> str:
    """GUIDs compare without braces and case (``{ABC...}`` == ``abc...``)."""
    return (value or "").strip().strip("{}").lower()


def xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def local(tag: Any) -> str:
    """An element's name without its namespace (comments and the like give '')."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def kids(element: Any, *names: str) -> Iterator[Any]:
    """Direct children with one of the local ``names``."""
    for child in element:
        if local(child.tag) in names:
            yield child


def kid(element: Any, name: str) -> Any | None:
    return next(kids(element, name), None)


def text_of(element: Any, name: str) -> str:
    """The text of child ``name`` (``Description``), '' when absent."""
    found = kid(element, name)
    return (found.text or "") if found is not None else ""


@dataclass
class RefiCode:
    """A code as a REFI-QDA file gives it."""

    guid: str
    name: str
    parent: str | None = None
    color: str | None = None
    description: str = ""
    codable: bool = True


@dataclass
class ImportReport:
    """What an import carried, and (REFI-QDA 1.5 section 7) what it could not."""

    source: str
    target: str = ""
    codes: int = 0
    documents: int = 0
    documents_reused: int = 0
    coders: dict[str, int] = field(default_factory=dict)
    cases: int = 0
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    codebook_problems: list[str] = field(default_factory=list)

    @property
    def codings(self) -> int:
        return sum(self.coders.values())


def read_codes(codes_element: Any, parent: str | None = None) -> list[RefiCode]:
    """Every ``Code`` under ``codes_element``, parents before children."""
    out: list[RefiCode] = []
    for element in kids(codes_element, "Code"):
        code = RefiCode(guid=element.get("guid") or "", name=(element.get("name") or "").strip(), parent=parent,
                        color=element.get("color"), description=text_of(element, "Description").strip(),
                        codable=(element.get("isCodable") or "true").strip().lower() not in ("false", "0"))
        out.append(code)
        out.extend(read_codes(element, code.guid))
    return out
