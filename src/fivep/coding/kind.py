"""The kind of a statement: does it describe an obstacle, make a recommendation, or neither?

Cues come from ``fivep/data/cues.yaml`` and are counted by the rule tagger on word boundaries:
recommendation cues (ควร, อยากให้, น่าจะ, should, recommend ...), obstacle cues (ปัญหา, ไม่มี, ขาด, lack,
not enough ...), negated keywords (obstacle), and cues of a reported past action (ที่ผ่านมา, ได้ดำเนินการ,
"increased", "during the reporting period"), which cancel a weak recommendation cue: a report that
says the government "increased funding" recommends nothing. Two patterns are read from the text
itself: an English sentence that opens with a verb in its base form is an imperative ("Prosecute
officials...", "Ensure that..."), and Thai ต้อง ... เพิ่ม / ปรับ / พัฒนา within a few words asks for a
change. Both are strong recommendation cues.

:func:`rule_kind` decides from the cues alone (the rules-only tagger); :func:`kind_features` gives the
same evidence as numbers, which the combined tagger weighs together with the statement's embedding
(:mod:`fivep.coding.tagger`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

KINDS = ("obstacle", "recommendation", "other")
_LATIN_LETTER = re.compile("[A-Za-z]")
_SENTENCE_START = re.compile(r"(?:^|[.!?;:\n•\u2022]\s*|\(\d+\)\s*|\d+\.\s+|-\s+)([A-Za-z]+)")
_THAI_ASK = re.compile(r"ต้อง(?:มี|ให้|มีการ|เร่ง)?\S{0,24}?(?:เพิ่ม|ปรับ|พัฒนา|สร้าง|แก้ไข|จัดให้|จัดหา|ขยาย)")
FEATURES = ("rec_strong", "rec_weak", "obs_strong", "obs_weak", "negated", "imperative", "thai_ask", "past", "has_codes")


@cache
def cues() -> dict[str, Any]:
    """The cue lists of ``fivep/data/cues.yaml``."""
    import yaml

    text = resources.files("fivep").joinpath("data", "cues.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)  # type: ignore[no-any-return]


@cache
def _imperatives() -> frozenset[str]:
    return frozenset(str(v).lower() for v in cues()["imperative_en"])


def imperatives(text: str) -> int:
    """Sentences that open with an English verb in its base form ("Prosecute ...", "- ensure ...")."""
    if not _LATIN_LETTER.search(text):
        return 0
    verbs = _imperatives()
    return sum(1 for m in _SENTENCE_START.finditer(text) if m.group(1).lower() in verbs
               and not m.group(1).isupper())


def thai_asks(text: str) -> int:
    """Thai ต้อง ... เพิ่ม / ปรับ / พัฒนา (a call for change), counted once per occurrence."""
    return len(_THAI_ASK.findall(text)) if "ต้อง" in text else 0


def kind_features(text: str, counts: Mapping[str, int], negated: int, has_codes: bool) -> dict[str, float]:
    """The kind evidence of one statement as numbers (:data:`FEATURES`)."""
    return {"rec_strong": counts.get("recommendation:strong", 0), "rec_weak": counts.get("recommendation:weak", 0),
            "obs_strong": counts.get("obstacle:strong", 0), "obs_weak": counts.get("obstacle:weak", 0),
            "negated": negated, "imperative": imperatives(text), "thai_ask": thai_asks(text),
            "past": counts.get("past", 0), "has_codes": float(has_codes)}


def rule_kind(features: Mapping[str, float]) -> str:
    """Decide from the cues alone; a recommendation wins a tie, as the coding instructions say."""
    strong_rec = features["rec_strong"] + features["imperative"] + features["thai_ask"]
    weak_rec = max(0.0, features["rec_weak"] - features["past"])
    rec = 2 * strong_rec + weak_rec
    obs = 2 * features["obs_strong"] + features["obs_weak"] + features["negated"]
    if strong_rec and rec >= obs:
        return "recommendation"
    if features["obs_strong"] or features["negated"] or obs >= 2:
        return "obstacle"
    if weak_rec >= 2 or (weak_rec and features["has_codes"]):
        return "recommendation"
    return "other"
