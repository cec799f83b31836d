"""The respondent profile as a study reports it.

:func:`demographics` counts a roster by group (and by sets of groups such as practitioners =
government + NGO): sex, age, years of experience, sector, province and method. Percentages are of
the group and rounded half-up to two decimals (3.125 -> 3.13, as Excel and SPSS round); means are not
rounded in JSON and are rounded half-up where printed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from fivep.errors import InputError
from fivep.model import Respondent

CATEGORICAL = ("sector", "province", "method")
NUMERIC = ("age", "years_experience")


def half_up(x: float | Decimal, digits: int = 2) -> float:
    """``x`` rounded half away from zero as Excel, SPSS and printed studies round (3.125 -> 3.13, 38.25 -> 38.3),
    not half-to-even on the binary float as :func:`round` does (3.12, 38.2)."""
    exact = x if isinstance(x, Decimal) else Decimal(repr(float(x)))
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def _pct(n: int, total: int) -> float:
    return half_up(Decimal(100 * n) / Decimal(total)) if total else 0.0


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def _cell(n: int, total: int, shown: str | None = None) -> dict[str, Any]:
    if shown is not None:
        return {"n": None, "pct": None, "suppressed": True, "shown": shown}
    return {"n": n, "pct": _pct(n, total)}


def _counts(members: Sequence[Respondent]) -> dict[str, Counter[str]]:
    sexes = Counter(str(r.get("sex")) for r in members if r.get("sex"))
    for key in ("female", "male"):
        sexes.setdefault(key, 0)
    unknown = _unknown(members, "sex")
    if unknown:
        sexes["unknown"] = unknown
    out = {"sex": sexes}
    for name in CATEGORICAL:
        out[name] = Counter(str(r.get(name)) for r in members if r.get(name))
        # counted, not hidden, so the shares add up to the group; a column no member of the group has
        # (victims' sector) does not apply to it, as victims' years of experience do not
        missing = _unknown(members, name) if out[name] else 0
        if missing:
            out[name]["unknown"] = missing
    return out


def _unknown(members: Sequence[Respondent], name: str) -> int:
    """Members whose roster has the column but whose cell is empty (or a missing marker)."""
    return sum(1 for r in members if name in r.attributes and r.get(name) in (None, ""))


def _numeric(members: Sequence[Respondent], min_cell: int) -> dict[str, Any]:
    """min/max/mean over the known values, with ``n`` (how many are known) and ``unknown`` (how many are not)."""
    out: dict[str, Any] = {}
    for name in NUMERIC:
        values = [float(r.get(name)) for r in members if r.get(name) is not None]
        if values and (min_cell <= 0 or len(values) >= min_cell):
            unknown = _unknown(members, name)
            out[name] = {"min": _number(min(values)), "max": _number(max(values)),
                         "mean": sum(values) / len(values), "n": len(values), "unknown": unknown}
            if 0 < unknown < min_cell:  # a small count of missing values is a small cell too
                out[name].update({"n": None, "unknown": None, "unknown_shown": f"<{min_cell}"})
        else:
            out[name] = None
    return out


def profile(members: Sequence[Respondent], *, min_cell: int = 0) -> dict[str, Any]:
    """The profile of one group of respondents (see :func:`demographics`)."""
    same = [Respondent(r.id, "_", r.attributes) for r in members]
    if not same:
        return {"n": 0, "sex": {k: _cell(0, 0) for k in ("female", "male")}, **_numeric([], min_cell),
                **{name: {} for name in CATEGORICAL}}
    return demographics(same, {}, min_cell=min_cell)["groups"]["_"]


def _at(where: Mapping[str, str] | None, name: str) -> str:
    return f"{where[name]}: " if where and name in where else ""


def _present(group_sets: Mapping[str, Sequence[str]], groups: Mapping[str, Any], warnings: list[str] | None,
             where: Mapping[str, str]) -> dict[str, list[str]]:
    """Each set with its groups spelt as the roster reads them (``เจ้าหน้าที่รัฐ`` -> government); a group the
    roster does not have is left out with a warning (a sub-study without NGO interviews is still profiled), or,
    when the caller cannot show warnings (``warnings`` None), an error saying where and what to do."""
    from fivep.ingest.vocabulary import closest, normalize_group

    out: dict[str, list[str]] = {}
    for name, parts in group_sets.items():
        spelt = list(dict.fromkeys(normalize_group(g) for g in parts))
        absent = [g for g in spelt if g not in groups]
        out[name] = [g for g in spelt if g in groups]
        if not absent:
            continue
        near = [closest(g, list(groups), cutoff=0.75) for g in absent]
        hints = "".join(f" (did you mean '{n}' for '{g}'?)" for g, n in zip(absent, near, strict=True) if n)
        text = (f"{_at(where, name)}group set '{name}' names {', '.join(repr(g) for g in absent)}, not in the roster "
                f"(its groups: {', '.join(groups)}){hints}")
        fix = f"remove {', '.join(repr(g) for g in absent)} from '{name}', or add those respondents to the roster"
        if warnings is None:
            raise InputError(text, hint=fix)
        warnings.append(f"{text}; '{name}' is counted from {', '.join(out[name]) or 'no group (n = 0)'} ({fix})")
    return out


def demographics(respondents: Sequence[Respondent], group_sets: Mapping[str, Sequence[str]] | None = None,
                 *, min_cell: int = 0, warnings: list[str] | None = None,
                 where: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Profile every roster group and every group set.

    Parameters
    ----------
    respondents:
        The roster.
    group_sets:
        Extra groups made of roster groups, e.g. ``{"practitioners": ["government", "ngo"]}``.
    min_cell:
        When above 0, cells counting fewer respondents than this are suppressed
        (``{"n": null, "pct": null, "suppressed": true, "shown": "<5"}``), and so is one more cell
        wherever a total would give a hidden one away (``"shown": "*"``, see
        :mod:`fivep.privacy.cells`); a group smaller than this has its size hidden (``"n": null``,
        ``"n_shown": "<5"``); ranges and means of groups smaller than this are withheld.
    warnings:
        Where to say that a set names a group the roster lacks (the set is then counted from the groups
        present); without it, that is an error.
    where:
        Set name -> where it is defined (``study.toml, line 17``), for those messages.

    Returns
    -------
    dict
        ``{"total": int, "groups": {name: profile}}``; see :func:`profile`.
    """
    from fivep.privacy.cells import suppress

    groups: dict[str, list[Respondent]] = {}
    for r in respondents:
        groups.setdefault(r.group, []).append(r)
    members_of: dict[str, list[Respondent]] = dict(groups)
    group_sets = _present(group_sets or {}, groups, warnings, where or {})
    for name, parts in group_sets.items():
        if name in groups:
            raise InputError(f"{_at(where, name)}group set '{name}' has the name of a roster group",
                             hint="choose another name")
        members_of[name] = [r for r in respondents if r.group in parts]
    counts = {name: _counts(members) for name, members in members_of.items()}
    # every printed count, and the sums that tie them together (for complementary suppression)
    values: dict[Any, int] = {("total",): len(respondents)}
    relations: list[tuple[Any, list[Any]]] = [(("total",), [(g, "n") for g in groups])]
    for name, members in members_of.items():
        values[(name, "n")] = len(members)
        for measure, counter in counts[name].items():
            keys = [(name, measure, value) for value in counter]
            values.update({(name, measure, value): n for value, n in counter.items()})
            if measure == "sex" or sum(counter.values()) == len(members):
                relations.append(((name, "n"), keys))
    for name, parts in (group_sets or {}).items():
        relations.append(((name, "n"), [(g, "n") for g in parts]))
        for measure, counter in counts[name].items():
            for value in counter:
                relations.append(((name, measure, value), [(g, measure, value) for g in parts]))
    hidden = suppress(values, min_cell, relations)
    result: dict[str, Any] = {"total": len(respondents), "groups": {}}
    for name, members in members_of.items():
        n = len(members)
        p: dict[str, Any] = {"n": n}
        if hidden.is_hidden((name, "n")):
            p.update({"n": None, "n_shown": hidden.shown((name, "n"))})
        for measure in ("sex", *CATEGORICAL):
            counter = counts[name][measure]
            ordered = [k for k in ("female", "male") if k in counter] \
                + sorted(set(counter) - {"female", "male", "unknown"}) + [k for k in ("unknown",) if k in counter] \
                if measure == "sex" else [k for k, _ in counter.most_common() if k != "unknown"] \
                + [k for k in ("unknown",) if k in counter]
            p[measure] = {value: _cell(counter[value], n, hidden.shown((name, measure, value))
                                       if hidden.is_hidden((name, measure, value)) else None)
                          for value in ordered}
        p.update(_numeric(members, min_cell))
        if name in (group_sets or {}):
            p["members"] = list(group_sets[name])  # type: ignore[index]
        result["groups"][name] = p
    if min_cell > 0:
        result["min_cell"] = min_cell
    return result


def parse_combine(values: Sequence[str]) -> dict[str, list[str]]:
    """``["practitioners=government,ngo"]`` -> ``{"practitioners": ["government", "ngo"]}``."""
    out: dict[str, list[str]] = {}
    for value in values:
        name, sep, groups = value.partition("=")
        parts = [g.strip() for g in groups.split(",") if g.strip()]
        if not sep or not name.strip() or not parts:
            raise InputError(f"cannot read --combine {value!r}", hint="write NAME=group1,group2")
        out[name.strip()] = parts
    return out


def group_set_lines(path: Path) -> dict[str, str]:
    """Set name -> ``study.toml, line N`` for each set defined under ``[group_sets]`` (for messages)."""
    import re

    out: dict[str, str] = {}
    section = ""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return out
    for number, line in enumerate(lines, start=1):
        header = re.match(r"\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            section = header.group(1)
            continue
        key = re.match(r"""\s*["']?([^"'=]+?)["']?\s*=""", line)
        if section == "group_sets" and key:
            out[key.group(1)] = f"{path}, line {number}"
    return out


def _fmt(x: float, digits: int = 2) -> str:
    return str(x) if isinstance(x, int) else f"{half_up(x, digits):g}"


def _mean(x: float) -> str:
    """Means in prose carry one decimal, as studies print them."""
    return f"{half_up(x, 1):.1f}"


def _of_known(stats: Mapping[str, Any]) -> str:
    """The message variant saying a mean is of the known values only, when some are unknown and may be said."""
    return "_of_known" if stats.get("unknown") and stats.get("n") is not None else ""


def describe(result: Mapping[str, Any], lang: str = "en", labels: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """A paragraph in the style of a study's respondent section, in English or Thai."""
    from fivep.messages import message

    def label(group: str, n: Any = 2) -> str:
        """The group's label; in English the singular for one person ("1 senior expert")."""
        from fivep.messages import singular

        custom = (labels or {}).get(group, {}).get(lang)
        try:
            text = custom or message(lang, f"groups.{group}")
        except KeyError:
            text = group.replace("_", " ")  # a group of the study's own (community_leader): readable, not a slug
        return singular(text) if n == 1 and lang == "en" else text

    def province(name: str) -> str:
        if lang != "th":
            return name
        from fivep.ingest.roster import _provinces_th

        return _provinces_th().get(name, name)

    groups = result["groups"]
    plain = [g for g, p in groups.items() if "members" not in p]
    def size(p: Mapping[str, Any]) -> Any:
        return p["n"] if p["n"] is not None else p.get("n_shown", "")

    parts = [message(lang, "demographics.part", n=size(groups[g]), label=label(g, size(groups[g]))) for g in plain]
    sep = message(lang, "demographics.sep")
    def listed(items: list[str]) -> str:
        return sep.join(items[:-1]) + f" {message(lang, 'demographics.and')} " + items[-1] if len(items) > 1 \
            else "".join(items)

    joined = listed(parts)
    sentences = [message(lang, "demographics.total", n=result["total"], parts=joined)]
    order = [g for g, p in groups.items() if "members" in p] + plain
    for name in order:
        p = groups[name]
        text = message(lang, "demographics.group_intro", n=size(p), label=label(name, size(p)))
        counts = ""  # "7 female and 2 male": in parentheses, or with the members of a set in theirs
        female, male = p["sex"]["female"], p["sex"]["male"]
        unknown = p["sex"].get("unknown", {"n": 0})
        shares = ""
        if female.get("n") is not None and male.get("n") is not None and unknown.get("n") is not None:
            if p["n"] is not None and p["n"] >= 20:
                shares = message(lang, "demographics.sex_share", n=female["n"], pct=_fmt(female["pct"]))
                if unknown["n"]:
                    shares += message(lang, "demographics.sex_unknown", n=unknown["n"])
            else:
                counts = message(lang, "demographics.sex_counts" + ("_unknown" if unknown["n"] else "") + "_in",
                                 female=female["n"], male=male["n"], unknown=unknown["n"])
        if "members" in p:
            members = listed([label(m) for m in p["members"]])
            text += message(lang, "demographics.members_counts", members=members, counts=counts) if counts \
                else message(lang, "demographics.members", members=members)
        elif counts:
            text += message(lang, "demographics.sex_counts", counts=counts)
        text += shares
        if p.get("age"):
            a = p["age"]
            text += message(lang, "demographics.aged" + _of_known(a), min=_fmt(a["min"]), max=_fmt(a["max"]),
                            mean=_mean(a["mean"]), known=a.get("n"))
        sectors = {k: v for k, v in p["sector"].items() if v.get("pct") is not None and k != "unknown"}
        if len(sectors) > 1:
            shares = sep.join(message(lang, "demographics.sector_share", pct=_fmt(v["pct"]), label=label(k))
                               for k, v in sectors.items())
            text += message(lang, "demographics.sector", shares=shares)
        if p.get("years_experience"):
            e = p["years_experience"]
            text += message(lang, "demographics.experience" + _of_known(e), min=_fmt(e["min"]), max=_fmt(e["max"]),
                            mean=_mean(e["mean"]), known=e.get("n"))
        provinces = {k: v for k, v in p["province"].items() if v.get("n") is not None and k != "unknown"}
        if provinces and not p.get("years_experience") and "members" not in p:
            shares = sep.join(message(lang, "demographics.province_share", n=v["n"], province=province(k),
                                       pct=_fmt(v["pct"])) for k, v in provinces.items())
            text += message(lang, "demographics.provinces", shares=shares)
            if (p["province"].get("unknown") or {}).get("n"):
                text += message(lang, "demographics.province_unknown", n=p["province"]["unknown"]["n"])
        sentences.append(text + message(lang, "demographics.end"))
    if result.get("min_cell"):
        sentences.append(message(lang, "demographics.suppressed", k=result["min_cell"]))
    return " ".join(sentences)
