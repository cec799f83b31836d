"""Pseudonymous respondent codes and k-anonymity over the quasi-identifiers of a roster.

Roster ids often carry what identifies a person (``YP-PR-03``: a young person from Phrae). Outputs
meant for sharing quote respondents by a code that carries nothing: ``R-07``, numbered in a random
order drawn once per study. The map from roster ids to codes is kept in the study's private folder
(``.fivep/private/respondent-codes.csv``, mode 0600) and reused, so a respondent keeps the same code
in every report of the study.

>>> codes = respondent_codes(study)                  # doctest: +SKIP
>>> codes["YP-PR-03"]                                # doctest: +SKIP
'R-41'

k-anonymity: :func:`attribution` says which quasi-identifiers (:data:`QUASI_IDENTIFIERS`: group, sex,
province, age band) may stand next to a respondent's words so that at least ``k`` respondents of the
roster share them; :func:`unique_respondents` lists those who stand out.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fivep.cells import safe_writer, unescape_cell
from fivep.errors import InputError
from fivep.model import Respondent
from fivep.privacy.private import private_dir, write_private

CODES_NAME = "respondent-codes.csv"
DOCUMENT_CODES_NAME = "document-codes.csv"
PREFIX = "R-"
QUASI_IDENTIFIERS = ("group", "sex", "province", "age_band")
# Generalisation order: what is dropped first when a class is too small (the most specific first).
_DROP_ORDER = ("age_band", "province", "sex")


def codes_path(root: str | Path) -> Path:
    return Path(root) / ".fivep" / "private" / CODES_NAME


def _read_codes(path: Path, key: str = "respondent_id") -> dict[str, str]:
    if not path.exists():
        return {}
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    codes: dict[str, str] = {}
    for number, row in enumerate(rows, 2):
        rid, code = unescape_cell((row.get(key) or "").strip()), (row.get("code") or "").strip()
        if not rid or not code:
            raise InputError(f"a row needs {key} and code", path=path, line=number,
                             hint="fix the row or delete the file (new codes are drawn)")
        if code in codes.values():
            raise InputError(f"code {code} is given twice", path=path, line=number,
                             hint="each one needs a code of its own")
        codes[rid] = code
    return codes


def _draw(root: Path, name: str, key: str, prefix: str, ids: Sequence[str]) -> dict[str, str]:
    """The map ``id -> code`` kept in the private file ``name``, with new codes drawn for new ids."""
    path = Path(root) / ".fivep" / "private" / name
    codes = _read_codes(path, key)
    missing = [i for i in dict.fromkeys(ids) if i not in codes]
    if not missing:
        return codes
    width = max(2, len(str(len(codes) + len(missing))))
    taken = set(codes.values())
    numbers = [n for n in range(1, len(codes) + len(missing) + 1) if f"{prefix}{n:0{width}d}" not in taken]
    random.SystemRandom().shuffle(numbers)
    while len(numbers) < len(missing):  # codes of earlier runs were wider or renumbered by hand
        numbers.append(len(codes) + len(missing) + len(numbers) + 1)
    for rid, n in zip(missing, numbers, strict=False):
        codes[rid] = f"{prefix}{n:0{width}d}"
    buffer = io.StringIO()
    writer = safe_writer(buffer, lineterminator="\n")
    writer.writerow([key, "code"])
    writer.writerows([rid, code] for rid, code in sorted(codes.items(), key=lambda item: item[1]))
    private_dir(root)
    write_private(path, buffer.getvalue(), encoding="utf-8-sig")
    return codes


def respondent_codes(study: Any, roster: Sequence[Respondent] | None = None, *,
                     others: Sequence[str] = ()) -> dict[str, str]:
    """Roster id -> pseudonymous code, for every respondent of the roster and the ids in ``others``
    (speakers a transcript names but the roster lacks); new ones get new codes.

    The codes are numbered in a random order (no code follows the roster's order, which often sorts by
    group and province); the map is written to the private folder when a respondent was added.
    """
    roster = study.read_roster() if roster is None else roster
    return _draw(study.root, CODES_NAME, "respondent_id", PREFIX, [*(r.id for r in roster), *others])


def document_codes(study: Any) -> dict[str, str]:
    """Transcript id -> pseudonymous code (``T-04``): transcript ids name sessions by place and group
    (``FG-PR-YP``), so shared outputs use these; the map is kept in ``.fivep/private/document-codes.csv``."""
    return _draw(study.root, DOCUMENT_CODES_NAME, "doc_id", "T-", [d.id for d in study.documents()])


class PublicIds:
    """Roster, transcript and statement ids as shared outputs print them (``R-07``, ``T-04``, ``T-04#12``)."""

    def __init__(self, study: Any) -> None:
        self.respondents = respondent_codes(study)
        self.documents = document_codes(study)

    def respondent(self, rid: str | None) -> str:
        return self.respondents.get(rid or "", rid or "")

    def document(self, doc_id: str | None) -> str:
        return self.documents.get(doc_id or "", doc_id or "")

    def segment(self, segment_id: str | None) -> str:
        """``DOC#n`` -> ``T-04#n`` (any other form is left as it is)."""
        doc, sep, rest = (segment_id or "").rpartition("#")
        return f"{self.document(doc)}#{rest}" if sep and doc in self.documents else (segment_id or "")


def public_code(study: Any, respondent_id: str) -> str:
    """The code to print for a respondent (``R-07``); the roster id when it is no respondent's."""
    return respondent_codes(study).get(respondent_id, respondent_id)


# --- k-anonymity ----------------------------------------------------------------------------------------

def age_band(age: Any) -> str:
    """``"15-17"``, ``"18-24"``, ``"25-34"`` ... ``"55+"``; ``""`` when unknown."""
    try:
        years = float(age)
    except (TypeError, ValueError):
        return ""
    if years < 15:
        return "<15"
    if years < 18:
        return "15-17"
    if years < 25:
        return "18-24"
    if years >= 55:
        return "55+"
    low = 25 + 10 * int((years - 25) // 10)
    return f"{low}-{low + 9}"


def quasi_identifiers(respondent: Respondent) -> dict[str, str]:
    """The respondent's group, sex, province and age band (``""`` where the roster is silent)."""
    return {"group": respondent.group, "sex": str(respondent.get("sex") or ""),
            "province": str(respondent.get("province") or ""), "age_band": age_band(respondent.get("age"))}


def class_size(roster: Sequence[Respondent], respondent: Respondent, fields: Sequence[str] = QUASI_IDENTIFIERS) -> int:
    """How many respondents of the roster share ``respondent``'s values of ``fields``."""
    mine = quasi_identifiers(respondent)
    return sum(1 for r in roster if all(quasi_identifiers(r)[f] == mine[f] for f in fields))


def attribution(roster: Sequence[Respondent], respondent_id: str, k: int) -> tuple[str, ...] | None:
    """The quasi-identifiers that may be printed with this respondent's words: all of them when at least
    ``k`` respondents share them, else fewer (age band, then province, then sex dropped), down to the
    group alone; None when even the group has fewer than ``k`` members (attribute to "a respondent"
    of the study, or withhold).
    """
    found = attributions(roster, k)
    if respondent_id not in found:
        raise KeyError(respondent_id)
    return found[respondent_id]


def attributions(roster: Sequence[Respondent], k: int) -> dict[str, tuple[str, ...] | None]:
    """:func:`attribution` of every respondent, the class sizes counted once for each set of fields."""
    steps = [list(QUASI_IDENTIFIERS)]
    while len(steps[-1]) > 1:
        steps.append([f for f in steps[-1] if f != next(d for d in _DROP_ORDER if d in steps[-1])])
    values = {r.id: quasi_identifiers(r) for r in roster}
    sizes = [Counter(tuple(v[f] for f in fields) for v in values.values()) for fields in steps]
    out: dict[str, tuple[str, ...] | None] = {}
    for rid, v in values.items():
        out[rid] = next((tuple(fields) for fields, size in zip(steps, sizes, strict=True)
                         if k <= 1 or size[tuple(v[f] for f in fields)] >= k), None)
    return out


def unique_respondents(roster: Sequence[Respondent], k: int,
                       fields: Sequence[str] = QUASI_IDENTIFIERS) -> list[str]:
    """Ids of respondents whose combination of ``fields`` fewer than ``k`` respondents share."""
    counts = Counter(tuple(quasi_identifiers(r)[f] for f in fields) for r in roster)
    return [r.id for r in roster if counts[tuple(quasi_identifiers(r)[f] for f in fields)] < k]
