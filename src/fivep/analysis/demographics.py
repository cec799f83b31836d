"""The respondent profile as a study reports it.

:func:`demographics` counts a roster by group (and by sets of groups such as practitioners =
government + NGO): sex, age, years of experience, sector, province and method. Percentages are of
the group and rounded to two decimals; means are not rounded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from fivep.errors import InputError
from fivep.model import Respondent

CATEGORICAL = ("sector", "province", "method")
NUMERIC = ("age", "years_experience")


def _pct(n: int, total: int) -> float:
    return round(100 * n / total, 2) if total else 0.0


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def _cell(n: int, total: int, min_cell: int) -> dict[str, Any]:
    if 0 < n < min_cell:
        return {"n": None, "pct": None, "suppressed": True}
    return {"n": n, "pct": _pct(n, total)}


def profile(members: Sequence[Respondent], *, min_cell: int = 0) -> dict[str, Any]:
    """The profile of one group of respondents."""
    n = len(members)
    sexes = Counter(r.get("sex") for r in members if r.get("sex"))
    sex = {key: _cell(sexes.get(key, 0), n, min_cell) for key in ("female", "male")}
    for key in sorted(set(sexes) - {"female", "male"}):
        sex[key] = _cell(sexes[key], n, min_cell)
    out: dict[str, Any] = {"n": n, "sex": sex}
    for name in NUMERIC:
        values = [float(r.get(name)) for r in members if r.get(name) is not None]
        if values and (min_cell <= 0 or len(values) >= min_cell):
            out[name] = {"min": _number(min(values)), "max": _number(max(values)),
                         "mean": sum(values) / len(values)}
        else:
            out[name] = None
    for name in CATEGORICAL:
        counts = Counter(r.get(name) for r in members if r.get(name))
        out[name] = {str(value): _cell(count, n, min_cell) for value, count in counts.most_common()}
    return out


def demographics(respondents: Sequence[Respondent], group_sets: Mapping[str, Sequence[str]] | None = None,
                 *, min_cell: int = 0) -> dict[str, Any]:
    """Profile every roster group and every group set.

    Parameters
    ----------
    respondents:
        The roster.
    group_sets:
        Extra groups made of roster groups, e.g. ``{"practitioners": ["government", "ngo"]}``.
    min_cell:
        When above 0, cells counting fewer respondents than this are suppressed
        (``{"n": null, "pct": null, "suppressed": true}``), and ranges and means of groups
        smaller than this are withheld.

    Returns
    -------
    dict
        ``{"total": int, "groups": {name: profile}}``; see :func:`profile`.
    """
    groups: dict[str, list[Respondent]] = {}
    for r in respondents:
        groups.setdefault(r.group, []).append(r)
    result: dict[str, Any] = {"total": len(respondents), "groups": {}}
    for name, members in groups.items():
        result["groups"][name] = profile(members, min_cell=min_cell)
    for name, parts in (group_sets or {}).items():
        unknown = [g for g in parts if g not in groups]
        if unknown:
            raise InputError(f"group set '{name}' names groups that are not in the roster: {', '.join(unknown)}",
                             hint=f"the roster's groups are: {', '.join(groups)}")
        if name in groups:
            raise InputError(f"group set '{name}' has the name of a roster group", hint="choose another name")
        members = [r for r in respondents if r.group in parts]
        result["groups"][name] = {**profile(members, min_cell=min_cell), "members": list(parts)}
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


def _fmt(x: float, digits: int = 2) -> str:
    return str(x) if isinstance(x, int) else f"{round(x, digits):g}"


def _mean(x: float) -> str:
    """Means in prose carry one decimal, as studies print them."""
    return f"{x:.1f}"


def describe(result: Mapping[str, Any], lang: str = "en", labels: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """A paragraph in the style of a study's respondent section, in English or Thai."""
    from fivep.messages import message

    def label(group: str) -> str:
        custom = (labels or {}).get(group, {}).get(lang)
        if custom:
            return custom
        try:
            return message(lang, f"groups.{group}")
        except KeyError:
            return group

    def province(name: str) -> str:
        if lang != "th":
            return name
        from fivep.ingest.roster import _provinces_th

        return _provinces_th().get(name, name)

    groups = result["groups"]
    plain = [g for g, p in groups.items() if "members" not in p]
    parts = [message(lang, "demographics.part", n=groups[g]["n"], label=label(g)) for g in plain]
    sep = message(lang, "demographics.sep")
    joined = sep.join(parts[:-1]) + f" {message(lang, 'demographics.and')} " + parts[-1] if len(parts) > 1 else "".join(parts)
    sentences = [message(lang, "demographics.total", n=result["total"], parts=joined)]
    order = [g for g, p in groups.items() if "members" in p] + plain
    for name in order:
        p = groups[name]
        text = message(lang, "demographics.group_intro", n=p["n"], label=label(name))
        if "members" in p:
            text += message(lang, "demographics.members", members=sep.join(label(m) for m in p["members"]))
        female, male = p["sex"]["female"], p["sex"]["male"]
        if female.get("n") is not None and male.get("n") is not None:
            if p["n"] >= 20:
                text += message(lang, "demographics.sex_share", n=female["n"], pct=_fmt(female["pct"]))
            else:
                text += message(lang, "demographics.sex_counts", female=female["n"], male=male["n"])
        if p.get("age"):
            a = p["age"]
            text += message(lang, "demographics.aged", min=_fmt(a["min"]), max=_fmt(a["max"]), mean=_mean(a["mean"]))
        sectors = {k: v for k, v in p["sector"].items() if v.get("pct") is not None}
        if len(sectors) > 1:
            shares = sep.join(message(lang, "demographics.sector_share", pct=_fmt(v["pct"]), label=label(k))
                               for k, v in sectors.items())
            text += message(lang, "demographics.sector", shares=shares)
        if p.get("years_experience"):
            e = p["years_experience"]
            text += message(lang, "demographics.experience", min=_fmt(e["min"]), max=_fmt(e["max"]),
                            mean=_mean(e["mean"]))
        provinces = {k: v for k, v in p["province"].items() if v.get("n") is not None}
        if provinces and not p.get("years_experience") and "members" not in p:
            shares = sep.join(message(lang, "demographics.province_share", n=v["n"], province=province(k),
                                       pct=_fmt(v["pct"])) for k, v in provinces.items())
            text += message(lang, "demographics.provinces", shares=shares)
        sentences.append(text + message(lang, "demographics.end"))
    if result.get("min_cell"):
        sentences.append(message(lang, "demographics.suppressed", k=result["min_cell"]))
    return " ".join(sentences)
