"""Who raised what: codes and dimensions by respondent group, sector, province and method.

Everything starts from :func:`coded_frame`, one row per (segment, code) with the segment's speaker, the
speaker's roster attributes and the segment's kind. From it:

- :func:`frequencies` counts codes or dimensions by a roster attribute, as segments, documents or
  respondents (the measure qualitative reports use: "9 of 32 officials raised ..."); the denominators
  are in ``result.attrs["of"]``;
- :func:`cooccurrence` counts segments coded with both of two codes (or dimensions);
- :func:`kinds_by_dimension` splits each dimension into obstacles and recommendations;
- :func:`recommendation_actors` counts the actors named in recommendations;
- :func:`framework_matrix` lays out respondents by dimensions, each cell holding the coded text, and
  :func:`write_framework_xlsx` writes it for the researcher.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fivep.cells import safe_frame
from fivep.model import DIMENSIONS, Codebook, Coding, Respondent, Segment

if TYPE_CHECKING:
    import pandas as pd

MEASURES = ("respondents", "segments", "documents")
_KEY = {"respondents": "respondent_id", "segments": "segment_id", "documents": "doc_id"}
FRAME_COLUMNS = ["doc_id", "segment_id", "respondent_id", "group", "sector", "province", "method", "code_id",
                 "dimension", "kind", "text"]


def _segment_of(coding: Coding, by_id: Mapping[str, Segment], by_doc: Mapping[str, list[Segment]]) -> Segment | None:
    if coding.segment_id and coding.segment_id in by_id:
        return by_id[coding.segment_id]
    overlaps = [(min(coding.end, s.end) - max(coding.start, s.start), s) for s in by_doc.get(coding.doc_id, [])]
    best = max(overlaps, key=lambda o: o[0], default=(0, None))
    return best[1] if best[0] > 0 else None


def coded_frame(codings: Iterable[Coding], segments: Sequence[Segment], respondents: Sequence[Respondent],
                codebook: Codebook, kinds: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per (segment, code): who said it, their roster attributes, the dimension and the kind.

    A coding counts for the segment it names, or else the segment it overlaps most. Codes not in the
    codebook are dropped. ``dimension`` is a 5P dimension or ``"actor"``.
    """
    import pandas as pd

    by_id = {s.id: s for s in segments}
    by_doc: dict[str, list[Segment]] = {}
    for s in segments:
        by_doc.setdefault(s.doc_id, []).append(s)
    people = {r.id: r for r in respondents}
    rows = []
    seen: set[tuple[str, str]] = set()
    for c in codings:
        segment = _segment_of(c, by_id, by_doc)
        if segment is None or c.code_id not in codebook or (segment.id, c.code_id) in seen:
            continue
        seen.add((segment.id, c.code_id))
        person = people.get(segment.respondent_id or "")
        rows.append([segment.doc_id, segment.id, segment.respondent_id, person.group if person else None,
                     person.get("sector") if person else None, person.get("province") if person else None,
                     person.get("method") if person else None, c.code_id, codebook[c.code_id].dimension,
                     (kinds or {}).get(segment.id, "other"), segment.text])
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


def study_frame(study: Any, coder: str | None = None, *, codings: Sequence[Coding] | None = None) -> pd.DataFrame:
    """:func:`coded_frame` of a study's codings by ``coder`` (default: the rule tagger, else a human);
    ``codings``: that coder's codings, when the caller has read them already."""
    from fivep.errors import InputError

    coders = study.store.coders()
    if coder is None:
        coder = study.machine_coder(code=False) or (coders[0] if coders else None)
    if coder is None or coder not in coders:
        raise InputError(f"no codings by coder '{coder}'" if coder else "the study has no codings yet",
                         hint="run 'fivep code STUDY' (or name a coder in the store)")
    return coded_frame(study.store.iter_codings(coder) if codings is None else codings, study.segments(),
                       study.read_roster(), study.codebook(), study.store.segment_kinds(coder))


def _labels(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    if level == "dimension":
        return frame[frame["dimension"].isin(DIMENSIONS)].assign(label=lambda f: f["dimension"])
    if level == "code":
        return frame[frame["dimension"].isin(DIMENSIONS) & frame["code_id"].str.contains(".", regex=False)] \
            .assign(label=lambda f: f["code_id"])
    if level == "actor":
        return frame[frame["dimension"] == "actor"].assign(label=lambda f: f["code_id"])
    raise ValueError(f"unknown level {level!r}; use dimension, code or actor")


def _check_measure(measure: str) -> str:
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    return _KEY[measure]


def _denominators(by: str, measure: str, respondents: Sequence[Respondent] | None,
                  segments: Sequence[Segment] | None, groups: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """How many respondents / segments / documents each column could have counted."""
    if respondents is None:
        return {}
    def value(r: Respondent) -> Any:
        return r.group if by == "group" else r.get(by)

    values = {r.id: value(r) for r in respondents}
    members: dict[str, set[str]] = {}
    if measure == "respondents":
        for rid, v in values.items():
            members.setdefault(str(v), set()).add(rid)
    elif segments is not None:
        for s in segments:
            v = values.get(s.respondent_id or "")
            if v is not None:
                members.setdefault(str(v), set()).add(s.id if measure == "segments" else s.doc_id)
    for name, parts in groups.items():
        members[name] = set().union(*(members.get(p, set()) for p in parts))
    if measure == "respondents":
        members["total"] = set(values)
    elif segments is not None:
        members["total"] = {s.id if measure == "segments" else s.doc_id for s in segments}
    return {k: len(v) for k, v in members.items()}


def frequencies(frame: pd.DataFrame, *, by: str = "group", level: str = "dimension", measure: str = "respondents",
                group_sets: Mapping[str, Sequence[str]] | None = None,
                respondents: Sequence[Respondent] | None = None,
                segments: Sequence[Segment] | None = None) -> pd.DataFrame:
    """Count codes or dimensions by a roster attribute.

    Parameters
    ----------
    frame:
        From :func:`coded_frame`.
    by:
        ``"group"``, ``"sector"``, ``"province"``, ``"method"`` (any column of ``frame``).
    level:
        ``"dimension"``, ``"code"`` (5P sub-codes) or ``"actor"``.
    measure:
        ``"respondents"`` who raised it, ``"segments"`` coded with it, or ``"documents"`` where it was raised.
    group_sets:
        Extra columns made of several values of ``by`` (``{"practitioners": ["government", "ngo"]}``).
    respondents, segments:
        When given, ``result.attrs["of"]`` holds each column's denominator (respondents of the group in the
        roster; segments or documents with a speaker of the group).

    Returns
    -------
    DataFrame
        Labels by values of ``by``, then the group sets, then ``total``: distinct counts (a respondent
        who raised a dimension in three segments counts once).
    """
    import pandas as pd

    key = _check_measure(measure)
    if by not in frame.columns:
        raise ValueError(f"cannot count by {by!r}; use one of group, sector, province, method")
    labelled = _labels(frame, level).dropna(subset=[key])
    columns = sorted(str(v) for v in labelled[by].dropna().unique()) if len(labelled) else []
    if respondents is not None:
        listed = [r.group if by == "group" else r.get(by) for r in respondents]
        columns = list(dict.fromkeys(str(v) for v in listed if v is not None))
    order = {"dimension": list(DIMENSIONS)}.get(level) or sorted(labelled["label"].unique())
    out = pd.DataFrame(0, index=pd.Index(order, name=level), columns=columns, dtype=int)
    sets = dict(group_sets or {})
    for name, parts in {**{c: [c] for c in columns}, **sets, "total": None}.items():
        part = labelled if parts is None else labelled[labelled[by].astype(str).isin(parts)]
        out[name] = part.groupby("label")[key].nunique().reindex(out.index, fill_value=0).astype(int)
    out.attrs["measure"] = measure
    out.attrs["by"] = by
    out.attrs["of"] = _denominators(by, measure, respondents, segments, sets)
    out.attrs["sets"] = sets
    return out


def with_denominators(table: pd.DataFrame) -> pd.DataFrame:
    """``"9 of 32"`` cells, for printing (needs ``table.attrs["of"]``)."""
    of = table.attrs.get("of", {})
    return table.apply(lambda col: [f"{n} of {of[col.name]}" if col.name in of else str(n) for n in col])


def suppress_small_cells(table: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Hide counts of fewer than ``min_cell`` respondents (but not zeros): they become ``<k`` strings,
    and wherever the ``total`` column or a group set would give a hidden count away by subtraction one
    more count becomes ``*`` (:func:`fivep.privacy.cells.suppress_frame`).

    Small groups (three young people from one province) can identify people. Denominators in
    ``table.attrs["of"]`` below ``min_cell`` are hidden the same way.
    """
    from fivep.privacy.cells import suppress_frame

    if min_cell <= 0:
        return table
    return suppress_frame(table, min_cell, sets=table.attrs.get("sets"))


def cooccurrence(frame: pd.DataFrame, *, level: str = "code") -> pd.DataFrame:
    """Segments coded with both labels (diagonal: segments coded with the label)."""
    import pandas as pd

    labelled = _labels(frame, level)[["segment_id", "label"]].drop_duplicates()
    if labelled.empty:
        return pd.DataFrame(dtype=int)
    incidence = pd.crosstab(labelled["segment_id"], labelled["label"]).clip(upper=1)
    order = [d for d in DIMENSIONS if d in incidence.columns] if level == "dimension" else list(incidence.columns)
    incidence = incidence[order]
    result = incidence.T @ incidence
    result.index.name = result.columns.name = level
    return result.astype(int)


def kinds_by_dimension(frame: pd.DataFrame, *, by: str = "group", measure: str = "segments") -> pd.DataFrame:
    """Obstacles, recommendations and other statements per dimension, by a roster attribute.

    Rows are ``(dimension, kind)``; columns the values of ``by`` and ``total``.
    """
    import pandas as pd

    key = _check_measure(measure)
    labelled = _labels(frame, "dimension").dropna(subset=[key])
    index = pd.MultiIndex.from_product([DIMENSIONS, ("obstacle", "recommendation", "other")],
                                       names=["dimension", "kind"])
    counts = labelled.groupby(["label", "kind", by])[key].nunique().unstack(by, fill_value=0)
    counts.index.names = ["dimension", "kind"]
    out = counts.reindex(index, fill_value=0).astype(int)
    out["total"] = labelled.groupby(["label", "kind"])[key].nunique().reindex(index, fill_value=0).to_numpy()
    return out


def recommendation_actors(frame: pd.DataFrame, *, by: str = "group", measure: str = "respondents"
                          ) -> pd.DataFrame:
    """The actors (``actor.*`` codes) named in recommendation segments, by a roster attribute."""
    recommendations = frame[frame["kind"] == "recommendation"]
    table = frequencies(recommendations, by=by, level="actor", measure=measure)
    return table.sort_values("total", ascending=False, kind="stable")


def framework_matrix(frame: pd.DataFrame, respondents: Sequence[Respondent] | None = None, *,
                     level: str = "dimension", max_chars: int = 32_000) -> pd.DataFrame:
    """Respondents by dimensions (or codes); each cell the coded text, ``[segment] text`` per segment.

    Rows are ``(respondent_id, group)`` in roster order (respondents who raised nothing keep an empty
    row); cells are cut at ``max_chars`` (a spreadsheet cell holds 32,767 characters).
    """
    import pandas as pd

    labelled = _labels(frame, level).dropna(subset=["respondent_id"])
    people = [(r.id, r.group) for r in respondents] if respondents is not None else \
        list(dict.fromkeys(zip(labelled["respondent_id"], labelled["group"], strict=True)))
    columns = list(DIMENSIONS) if level == "dimension" else sorted(labelled["label"].unique())
    cells: dict[tuple[str, str], list[str]] = {}
    for row in labelled.drop_duplicates(["segment_id", "label"]).itertuples():
        cells.setdefault((row.respondent_id, row.label), []).append(f"[{row.segment_id}] {row.text.strip()}")
    data = [[("\n\n".join(cells.get((rid, col), [])))[:max_chars] for col in columns] for rid, _ in people]
    index = pd.MultiIndex.from_tuples(people, names=["respondent_id", "group"])
    return pd.DataFrame(data, index=index, columns=columns)


def write_framework_xlsx(matrix: pd.DataFrame, path: str | Path, *, sheet: str = "framework",
                         labels: Mapping[str, str] | None = None) -> Path:
    """Write a framework matrix to XLSX: a header row (``labels`` renames columns), wrapped text, frozen
    header and id columns."""
    from openpyxl.styles import Alignment, Font

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = safe_frame(matrix.rename(columns=dict(labels or {})).reset_index())
    with _excel_writer(path) as writer:
        table.to_excel(writer, sheet_name=sheet, index=False)
        ws = writer.sheets[sheet]
        ws.freeze_panes = "C2"
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(ws.columns):
            letter = column[0].column_letter
            ws.column_dimensions[letter].width = 14 if index < 2 else 60
            for cell in column[1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    return path


def _excel_writer(path: Path) -> Any:
    import pandas as pd

    return pd.ExcelWriter(path, engine="openpyxl")


def write_counts_xlsx(tables: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write counts tables (one sheet each, e.g. from :func:`suppress_small_cells`) to XLSX, with the
    denominators of each column (``attrs["of"]``) as a last row. Hidden counts stay their masks
    (``"<5"``, ``"*"``): a spreadsheet never gets the number behind them."""
    import pandas as pd

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _excel_writer(path) as writer:
        for name, table in tables.items():
            of = table.attrs.get("of", {})
            body = table.astype(object)
            if of:
                body = pd.concat([body, pd.DataFrame([{c: of.get(c, "") for c in table.columns}],
                                                     index=pd.Index(["respondents (of)"], name=body.index.name))])
            safe_frame(body.reset_index()).to_excel(writer, sheet_name=name[:31], index=False)
    return path
