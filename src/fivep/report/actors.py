"""Recommendations as program staff act on them: who leads, who supports, how urgent, which Ps.

Researcher-written recommendations come from ``STUDY/recommendations.yaml``::

    - id: prosecution-child-witness
      dimension: prosecution            # the P it is filed under (else the first code's)
      type: operational                 # policy | operational (default: policy for the policy P)
      lead: court                       # one actor
      support: [prosecutor, msdhs]      # actors that support
      timeframe: short                  # optional: short | medium | long
      codes: [prosecution.child_friendly_inquiry]
      en: ...
      th: ...

Actors are named by the keys of :data:`ACTORS` (``dsi``, ``court``, ``prosecutor``, ``labour`` ...) or by
the codebook's actor codes (``actor.msdhs``); an older file's ``actors: [a, b]`` means lead ``a``,
support ``b``. The priority is derived from the evidence, never typed in: how many respondents raised
the recommendation's codes (negated mentions left out), from how many groups, and whether a human coder
confirmed any of those statements (:func:`priority`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from fivep.errors import InputError
from fivep.model import DIMENSIONS, Codebook

if TYPE_CHECKING:
    from fivep.report.evidence import Evidence, Quote

# Who acts on anti-trafficking recommendations in Thailand; labels in the message catalogues (actors.KEY).
ACTORS = ("government", "msdhs", "pocht", "osm", "police", "dsi", "prosecutor", "court", "justice", "labour",
          "immigration", "health", "education", "local", "mdt", "ngo", "international", "family", "community",
          "media", "researchers")
# The codebook's actor codes, as actors of this list.
FROM_CODEBOOK = {"actor.government": "government", "actor.msdhs": "msdhs", "actor.pocht": "pocht",
                 "actor.justice": "justice", "actor.police": "police", "actor.mdt": "mdt", "actor.ngo": "ngo",
                 "actor.school": "education", "actor.family": "family", "actor.international": "international",
                 "actor.community": "community"}
TYPES = ("policy", "operational")
TIMEFRAMES = ("short", "medium", "long")
PRIORITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class Recommendation:
    id: str
    dimension: str
    text: dict[str, str]
    lead: str
    support: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    type: str = "operational"
    timeframe: str = ""
    respondents: frozenset[str] = field(default=frozenset())
    groups: int = 0
    confirmed: frozenset[str] = field(default=frozenset())   # respondents whose statement a human confirmed
    dimensions: tuple[str, ...] = ()                          # the Ps it serves
    priority: str = "low"
    quotes: tuple[Quote, ...] = ()

    @property
    def actors(self) -> tuple[str, ...]:
        return (self.lead, *self.support) if self.lead else self.support


def actor_key(name: str, where: str, path: Path) -> str:
    key = FROM_CODEBOOK.get(name, name.removeprefix("actor."))
    if key not in ACTORS:
        raise InputError(f"{where} names unknown actor '{name}'", path=path,
                         hint=f"use one of: {', '.join(ACTORS)}")
    return key


def load_recommendations(path: Path, codebook: Codebook) -> list[Recommendation]:
    """Researcher-written recommendations (``recommendations.yaml``); errors name the entry and line."""
    import yaml

    from fivep import safe_yaml

    try:
        data = safe_yaml.load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(error, 'problem', error)}", path=path,
                         line=mark.line + 1 if mark else None) from None
    entries = data.get("recommendations") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError("expected a list under 'recommendations:'", path=path)
    out = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise InputError(f"recommendation {number} is not a mapping", path=path)
        rid = str(entry.get("id") or f"rec-{number}")
        where = f"recommendation '{rid}'"
        codes = tuple(str(c) for c in entry.get("codes") or ())
        for code in codes:
            if code not in codebook:
                raise InputError(f"{where} names unknown code '{code}'", path=path,
                                 hint="use code ids of the study's codebook")
        named = [str(a) for a in entry.get("actors") or ()]
        lead = str(entry.get("lead") or (named[0] if named else ""))
        if not lead:
            raise InputError(f"{where} names no lead actor", path=path, hint="add 'lead: ACTOR'")
        support = [str(a) for a in entry.get("support") or named[1:]]
        dimension = str(entry.get("dimension") or (codebook[codes[0]].dimension if codes else ""))
        if dimension not in DIMENSIONS:
            raise InputError(f"{where} has no P (dimension '{dimension}')", path=path,
                             hint=f"add 'dimension:' with one of {', '.join(DIMENSIONS)}")
        kind = str(entry.get("type") or ("policy" if dimension == "policy" else "operational"))
        timeframe = str(entry.get("timeframe") or "")
        if kind not in TYPES or (timeframe and timeframe not in TIMEFRAMES):
            raise InputError(f"{where}: type must be policy or operational, timeframe short, medium or long",
                             path=path)
        text = {lang: " ".join(str(entry[lang]).split()) for lang in ("en", "th") if entry.get(lang)}
        if not text:
            raise InputError(f"{where} has no text (give 'en:' and/or 'th:')", path=path)
        lead_key = actor_key(lead, where, path)
        supporters = tuple(dict.fromkeys(k for k in (actor_key(a, where, path) for a in support) if k != lead_key))
        out.append(Recommendation(rid, dimension, text, lead_key, supporters, codes, kind, timeframe))
    return out


def priority(respondents: int, groups: int, confirmed: int, total: int, *, humans_coded: bool) -> str:
    """``high``: raised by at least a fifth of the respondents, from three groups or more, and (where
    human coders coded at all) in at least one statement a human confirmed; ``medium``: a tenth of the
    respondents or two groups; else ``low``."""
    if not total or not respondents:
        return "low"
    share = respondents / total
    if share >= 0.2 and groups >= 3 and (confirmed > 0 or not humans_coded):
        return "high"
    if share >= 0.1 or groups >= 2:
        return "medium"
    return "low"


def with_evidence(recommendations: Sequence[Recommendation], evidence: Evidence) -> list[Recommendation]:
    """Attach who raised each recommendation's codes (negated mentions left out), its priority and the Ps it
    serves; quotes are chosen later, where the report shows them."""
    humans_coded = bool(evidence.support.human_read)
    out = []
    for rec in recommendations:
        people = evidence.respondents(codes=rec.codes, affirmed=True) if rec.codes else set()
        confirmed = evidence.confirmed_respondents(rec.codes) & people if rec.codes else set()
        groups = sum(1 for n in evidence.by_group(people).values() if n)
        served = [rec.dimension] + [evidence.codebook[c].dimension for c in rec.codes]
        dims = tuple(d for d in DIMENSIONS if d in served)
        out.append(replace(rec, respondents=frozenset(people), groups=groups, confirmed=frozenset(confirmed),
                           dimensions=dims, priority=priority(len(people), groups, len(confirmed),
                                                              len(evidence.roster), humans_coded=humans_coded)))
    return out


def voiced_recommendations(evidence: Evidence, dimension: str, *, limit: int = 5) -> list[Recommendation]:
    """Without researcher-written recommendations: the sub-codes respondents made recommendations about,
    ranked by how many respondents voiced them, the actors named most with them as lead and support."""
    frame = evidence.frame
    rows = frame[(frame["kind"] == "recommendation") & (frame["dimension"] == dimension) & ~frame["negated"]
                 & frame["code_id"].str.contains(".", regex=False)]
    ranked = rows.groupby("code_id")["respondent_id"].nunique().sort_values(ascending=False, kind="stable")
    out = []
    for code_id in list(ranked.index)[:limit]:
        named = frame[frame["segment_id"].isin(rows.loc[rows["code_id"] == code_id, "segment_id"])
                      & (frame["dimension"] == "actor")]["code_id"].value_counts()
        actors = [FROM_CODEBOOK[a] for a in named.index if a in FROM_CODEBOOK][:3] or ["government"]
        label = evidence.code_label(code_id)
        out.append(Recommendation(f"voiced-{code_id}", dimension, {evidence.lang: label}, actors[0],
                                  tuple(actors[1:]), (code_id,), "policy" if dimension == "policy" else "operational"))
    return with_evidence(out, evidence)


def by_actor(recommendations: Sequence[Recommendation]) -> dict[str, tuple[list[int], list[int]]]:
    """Actor -> (numbers of the recommendations it leads, numbers it supports), in :data:`ACTORS` order."""
    table: dict[str, tuple[list[int], list[int]]] = {}
    for number, rec in enumerate(recommendations, 1):
        table.setdefault(rec.lead, ([], []))[0].append(number)
        for actor in rec.support:
            table.setdefault(actor, ([], []))[1].append(number)
    return {a: table[a] for a in ACTORS if a in table}
