"""The respondent roster: one row per respondent, values normalised, every problem named by row.

Required columns: ``respondent_id``, ``group``. Known columns are normalised (``sex``, ``age``,
``province``, ``years_experience``, ``method``, ``sector``, ``session_id``); any other column is
kept as an attribute, as written. What each column accepts is in :mod:`fivep.ingest.vocabulary`.

Nothing is changed silently: every value stored differently from how it was written (``F`` ->
``female``, ``16 ปี`` -> 16, spaces trimmed, invisible characters removed) is reported as a warning
naming the rows, and every value that cannot be read is an error; all errors of a roster are
reported at once, each with its row, column and the closest known value.

The files are read in :mod:`fivep.ingest.roster_files`, the rows that are respondents found in
:mod:`fivep.ingest.roster_rows` and the columns' meaning in :mod:`fivep.ingest.roster_columns`; this module
reads the values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fivep.cells import unescape_cell
from fivep.errors import RosterError
from fivep.ingest.roster_checks import implausible, is_count, is_totals_row, rows_named
from fivep.ingest.roster_collect import READERS, Collector, a_header
from fivep.ingest.roster_columns import (
    SINCE,
    columns_by_values,
    columns_in_months,
    experience_from_start,
    group_ticks,
    heading_province,
    is_tick,
    joined_columns,
    read_columns,
    settle_twins,
    sex_from_titles,
    shape_record,
    title_sex,
    withdrawn,
    years_since,
)
from fivep.ingest.roster_files import Merged, Sheet, SheetRow, rows_from_csv, rows_from_ods, rows_from_xlsx
from fivep.ingest.roster_rows import (
    check_sections,
    codebook_keys,
    drop_repeated_headers,
    drop_side_table,
    drop_units_row,
    fill_dittos,
    fill_group_down,
    find_header,
    group_from_legend,
    group_source,
    id_prefix,
    join_sheets,
    legend_of,
    say_footer,
    say_merged,
    section_heading,
    split_footer,
    transposed,
)
from fivep.ingest.thai import invisible_characters, normalize_id
from fivep.ingest.vocabulary import (
    NUMERIC,
    _normalize_header,
    _provinces_th,
    closest,
    is_missing,
    is_sexless_title,
    known_group,
    known_spellings,
    normalize_group,
    normalize_method,
    normalize_province,
    normalize_sex,
    parse_number,
)
from fivep.model import Respondent

__all__ = [
    "RosterRead",
    "_provinces_th",
    "load_roster",
    "normalize_group",
    "normalize_method",
    "normalize_province",
    "normalize_sex",
    "parse_number",
    "read_roster",
]


@dataclass
class RosterRead:
    """A roster as read: its respondents and the warnings about values stored differently."""

    respondents: list[Respondent]
    warnings: list[str] = field(default_factory=list)


def read_roster(path: str | Path, warnings: list[str] | None = None) -> list[Respondent]:
    """Read and normalise a roster (.csv or .xlsx); warnings about changed values go to ``warnings``.

    Raises :class:`RosterError` naming the file and, for every value it cannot read, the row (as a
    spreadsheet shows it, the header being row 1) and column.
    """
    result = load_roster(path)
    if warnings is not None:
        warnings.extend(result.warnings)
    return result.respondents


def load_roster(path: str | Path) -> RosterRead:
    """Read a roster; see :func:`read_roster`."""
    path = Path(path)
    if not path.exists():
        near = sorted(p.name for p in path.parent.glob(f"{path.stem}.*") if p.is_file()) if path.parent.is_dir() else []
        raise RosterError("roster not found", path=path,
                          hint=(f"found {', '.join(near)}: save it as .csv, .xlsx or .ods, or name it in study.toml "
                                "(roster = ...)") if near else
                               "put respondents.csv (or .xlsx, .ods) in the study folder, or set roster= in study.toml")
    if path.suffix.lower() == ".xls":
        raise RosterError("an Excel 97-2003 workbook (.xls) is not read", path=path,
                          hint="open it in Excel or LibreOffice and save it as .xlsx, or export it as CSV")
    found = Collector(path)
    merged: Merged = {}
    legends: list[Sheet] = []
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods"):
        sheets, sheet_notes, legends = (rows_from_ods if path.suffix.lower() == ".ods" else rows_from_xlsx)(path)
        found.notes.extend(sheet_notes)
        if len(sheets) == 1:
            header, rows, merged = sheets[0].header, sheets[0].rows, sheets[0].merged
            found.hidden = sheets[0].hidden
            header, rows = transposed(header, rows, found)
            header_row, header, rows = find_header(header, rows, found)
        else:
            header_row, header, rows = join_sheets(sheets, found)
    else:
        data = path.read_bytes()
        if not data.strip():
            raise RosterError("the roster is empty", path=path,
                              hint="the first row must name the columns: respondent_id, group, ...")
        header, rows = rows_from_csv(path, data)
        header, rows = transposed(header, rows, found)
        header_row, header, rows = find_header(header, rows, found)
    header, rows = drop_side_table(header, rows, found)
    found.keys = [inner for h in header for inner in re.findall(r"[(（]([^()（）]*=[^()（）]*)[)）]", h)]
    columns = read_columns(header, found, header_row)
    found.column_keys = {column: keys for name, column in zip(header, columns, strict=False) if column
                         and (keys := legend_of(re.findall(r"[(（]([^()（）]*=[^()（）]*)[)）]", name)))}
    settle_twins(columns, header, rows, header_row, found)
    for column, keys in codebook_keys(legends, header, columns, found).items():
        found.column_keys.setdefault(column, keys)   # a key in the column's own name comes first
    header, rows = group_from_legend(header, columns, rows, legends, found)
    joined_columns(columns, header, header_row, found)
    columns_by_values(columns, header, rows, header_row, found)
    say_merged(merged, header_row, header, found)
    rows = drop_units_row(rows, header, columns, found)
    rows = drop_repeated_headers(rows, header, found)
    rows = fill_dittos(rows, header, found)
    if "respondent_id" not in columns:
        found.error(header_row, None, "required column 'respondent_id' is missing",
                    f"the header has: {', '.join(h.strip() for h in header)}")
    found.raise_if_any()
    rows, footer = split_footer(rows, columns)
    say_footer(footer, columns, found)
    sections, by_prefix = group_source(rows, columns, header, header_row, found)
    found.raise_if_any()
    if "group" in columns and not path.suffix.lower().startswith(".xls"):   # a workbook's merged cells are read as such
        rows = fill_group_down(rows, columns, header, found)
    derived = {source: convert for source in SINCE
               if (convert := years_since(source, header, columns, rows, header_row, found)) is not None}
    started = experience_from_start(header, columns, rows, found)
    from fivep.ingest.turns import label_key

    written_by_id: dict[str, dict[str, str]] = {}
    repeated: list[tuple[int, int]] = []
    ticked = group_ticks(header, columns, rows)
    ticked_rows: dict[tuple[int, str], list[int]] = {}
    placed: list[tuple[int, str, list[int]]] = []   # province headings: row, heading, the rows under it
    section_province: str | None = None
    titled = sex_from_titles(header, columns, rows, found)
    found.raise_if_any()
    left: list[tuple[int, str]] = []
    found.months = set(columns_in_months(header, columns, found))
    seen: dict[str, tuple[str, int]] = {}
    respondents: list[Respondent] = []
    section_group: str | None = None
    read_rows: list[int] = []
    layout = columns
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if number in sections:
            section_group = sections[number][0]
            continue
        heading = section_heading(cells, layout) if "group" in layout else None
        alone = [c.strip() for c in cells if c.strip()]
        if heading is None and len(alone) == 1 and "province" not in columns and heading_province(alone[0]) is not None:
            heading = alone[0]   # "จังหวัดเชียงราย" alone on its row, in whichever column
        if heading is not None and "province" not in columns and (place := heading_province(heading)) is not None:
            section_province = place   # "จังหวัดเชียงใหม่" over the rows of a roster with no province column
            placed.append((number, heading, []))
            continue
        if heading is not None:   # the roster has its group column: a heading only names the rows under it
            found.notes.append(f"{path}, row {number}: a section heading ({heading!r}), not a respondent; not read")
            continue
        if a_header(cells):   # a section with columns of its own ("Care setting" instead of "Experience")
            # a name the column names above also have keeps the reading given to it there (two columns naming
            # the same thing were told apart once)
            settled = {h.strip(): c for h, c in zip(header, columns, strict=False) if h.strip()}
            layout = [settled.get(h.strip(), _normalize_header(h)) for h in cells]
            joined_columns(layout, cells, number, found)
            found.notes.append(f"{path}, row {number}: the column names of the rows under it "
                               f"({', '.join(c.strip() for c in cells if c.strip())})")
            continue
        if len(cells) > len(layout) and any(c.strip() for c in cells[len(layout):]):
            found.error(number, None, f"the row has {len(cells)} values but the header names {len(layout)} columns",
                        "check for an unquoted comma")
            continue
        # unescape_cell: a roster fivep wrote (import, deidentify) has formula-like text escaped as '=...
        record = {col: (unescape_cell(cells[i]) if i < len(cells) else "") for i, col in enumerate(layout) if col}
        shape_record(record, derived, number, found)
        if started is not None and "years_experience" in record:
            record["years_experience"] = started(record["years_experience"])
        if titled is not None:
            record["sex"] = title_sex(cells[titled]) or "" if titled < len(cells) else ""
        if (status := withdrawn(record, found.column_keys)) is not None:
            left.append((number, status))
            continue
        totals = is_totals_row({**record, "group": record.get("group", "")}) or (
            bool(found.from_ids) and _words_and_counts(record))   # "Follow-up contacts | 7" among coded ids
        if "group" not in columns:
            record["group"] = (section_group if by_prefix is None
                               else by_prefix.get(id_prefix(record["respondent_id"]), "")) or ""
        for kind, (_, defined) in found.from_ids.get(record["respondent_id"].strip(), {}).items():
            record[kind] = defined
        for i, col in enumerate(layout):
            if not col and i < len(cells) and cells[i].strip():
                found.error(number, None, f"column {i + 1} has a value ({cells[i].strip()!r}) but no header",
                            "name the column in row 1, or delete the value")
        if totals:
            written = " ".join(c.strip() for c in cells if c.strip())
            found.notes.append(f"{path}, row {number}: a totals row ({written!r}), not a respondent; not counted "
                               "(delete the row from the roster to silence this warning)")
            continue
        if placed and section_province is not None:
            record["province"] = section_province
            placed[-1][2].append(number)
        for at, named in ticked:
            if at < len(cells) and is_tick(cells[at]):
                record["group"] = named
                ticked_rows.setdefault((at, named), []).append(number)
        if (again := _listed_before(record, number, seen, written_by_id)) is not None:
            repeated.append((number, again))   # the same person on a later sheet (a follow-up's list)
            continue
        written_by_id[label_key(normalize_id(record["respondent_id"].strip()))] = dict(record)
        respondent = _respondent(record, number, seen, found)
        if respondent is not None:
            respondents.append(respondent)
            read_rows.append(number)
    for (at, named), marked in ticked_rows.items():
        found.notes.append(f"{path}, {rows_named(marked)}: group {named!r}, from the tick in column "
                           f"'{header[at].strip()}' (whatever the other columns say)")
    for heading_row, heading, under in placed:
        if under:
            found.notes.append(f"{path}, {rows_named(under)}: province from the section heading on row {heading_row} "
                               f"({heading!r})")
    if repeated:
        found.notes.append(f"{path}, {rows_named([n for n, _ in repeated])}: respondents listed on an earlier sheet "
                           f"(ids and values the same as on {rows_named([first for _, first in repeated])}); "
                           "counted once")
    if left:
        found.notes.append(f"{path}, {rows_named([n for n, _ in left])}: marked as withdrawn "
                           f"({', '.join(sorted({repr(status) for _, status in left}))}); not counted")
    if not respondents and not found.problems:
        raise RosterError("the roster has a header but no respondents", path=path)
    found.raise_if_any()
    check_sections(sections, read_rows, found)
    return RosterRead(respondents, found.warnings())


def _words_and_counts(record: dict[str, str]) -> bool:
    """A line of words where the ids are codes ("Follow-up contacts"), with only counts beside it."""
    rid = record.get("respondent_id", "").strip()
    return (" " in rid and not any(ch.isdigit() for ch in rid)
            and all(is_count(v) for k, v in record.items() if k != "respondent_id"))


def _listed_before(record: dict[str, str], row: int, seen: dict[str, tuple[str, int]],
                   written_by_id: dict[str, dict[str, str]]) -> int | None:
    """The row of an earlier sheet that lists the same person (the same id, and every personal value given on
    both rows the same), or None: a follow-up's sheet that lists people again. The same id twice on one sheet,
    or with different values, stays a duplicate (an error)."""
    from fivep.ingest.turns import label_key

    key = label_key(normalize_id(record["respondent_id"].strip()))
    if key not in seen or not isinstance(row, SheetRow):
        return None
    first = seen[key][1]
    if not isinstance(first, SheetRow) or first.sheet == row.sheet:
        return None
    earlier = written_by_id.get(key, {})
    for column in ("group", "sex", "age", "years_experience", "province", "method"):
        a, b = record.get(column, "").strip().casefold(), earlier.get(column, "").strip().casefold()
        if a and b and a != b:
            return None
    return first


def _trim(value: str, row: int, column: str, found: Collector) -> str:
    text = value.strip()
    if text != value:
        found.trimmed.setdefault(column, []).append(row)
    return text


def _respondent(record: dict[str, str], row: int, seen: dict[str, tuple[str, int]],
                found: Collector) -> Respondent | None:
    from fivep.ingest.turns import label_key

    ok = True
    written = _trim(record.pop("respondent_id"), row, "respondent_id", found)
    rid = normalize_id(written)
    if invisible_characters(written):
        found.notes.append(f"{found.path}, row {row}, column 'respondent_id': invisible character(s) "
                           f"{', '.join(invisible_characters(written))} removed from {rid!r}")
    if not rid:
        found.error(row, "respondent_id", "respondent_id is empty")
        ok = False
    elif label_key(rid) in seen:
        other, first = seen[label_key(rid)]
        found.error(row, "respondent_id", f"duplicate respondent_id '{rid}' (first on row {first})" if other == rid
                    else f"respondent_id '{rid}' cannot be told apart from '{other}' (row {first}): speaker labels "
                         "ignore case, spaces, dashes and dots", "every respondent needs a unique id")
        ok = False
    else:
        seen[label_key(rid)] = (rid, row)
    raw_group = _trim(record.pop("group"), row, "group", found)
    group = ""
    if not raw_group:
        found.error(row, "group", "group is empty",
                    "e.g. government, ngo, expert, victim; a group written once for several rows in merged cells is "
                    "read from the .xlsx file, not from a CSV export of it")
        ok = False
    else:
        group = _group(raw_group, row, "group", found)
    attributes: dict[str, Any] = {}
    for column, raw in record.items():
        value = _trim(raw, row, column, found)
        if column in READERS:
            read, hint = READERS[column]
            attributes[column] = _read_value(value, read, row, column, hint, found)
        elif column == "sector":
            if is_missing(value, known_group):
                if value:
                    found.changed(row, column, value, "missing")
                attributes[column] = None
            else:
                attributes[column] = _group(value, row, column, found)
        else:
            attributes[column] = value or None
    found.notes.extend(implausible(attributes, group, row, found.path))
    return Respondent(rid, group, attributes) if ok else None


def _group(value: str, row: int, column: str, found: Collector) -> str:
    """A group (or sector): a known one, or a group of its own, reported with the nearest known one."""
    stored = normalize_group(value)
    defined = found.defined(column, value)
    if known_group(value) is None and defined and known_group(defined) is not None:
        stored = normalize_group(defined)
        found.changed(row, column, value, f"{stored!r} (the roster's note defines it as {defined!r})")
    elif known_group(value) is None and (near := _misspelt_group(value)) is not None:
        stored = normalize_group(near)
        found.changed(row, column, value, f"{stored!r} (a misspelling of {near!r})")
    elif known_group(value) is None:
        found.unknown.setdefault((column, value, stored), []).append(row)
    elif stored != value:
        found.changed(row, column, value, repr(stored))
    return stored


def _misspelt_group(value: str) -> str | None:
    """The known group spelling ``value`` misspells (``Senior expet``, ``ผู้เชียวชาญ`` without its tone mark),
    when one is close enough to leave no doubt (difflib ratio 0.85 or more; the two nearest agree)."""
    if len(value.strip()) < 4:
        return None
    near = closest(value, known_spellings("group"), cutoff=0.85, agree=known_group)
    return near if near is not None and known_group(near) is not None else None


_GLOSSED = re.compile(r"^\s*(?P<a>[^()（）]+?)\s*[(（]\s*(?P<b>[^()（）]+?)\s*[)）]\s*$")


_PAIRED = re.compile(r"^\s*(?P<a>[^/]+?)\s*/\s*(?P<b>[^/]+?)\s*$")   # "Male / ชาย", "หญิง/F", "Chiang Mai / เชียงใหม่"
# Thai and its English side by side, with a space: "เชียงราย Chiang Rai", "Female หญิง"
_SIDE_BY_SIDE = re.compile(r"^\s*(?P<a>[\u0e00-\u0e7f][\u0e00-\u0e7f.]*)\s+(?P<b>[A-Za-z][A-Za-z .'’-]*?)\s*$|"
                           r"^\s*(?P<c>[A-Za-z][A-Za-z .'’-]*?)\s+(?P<d>[\u0e00-\u0e7f][\u0e00-\u0e7f.]*)\s*$")


def _read_glossed(value: str, read: Callable[[str], Any]) -> Any:
    """A value with its translation or its larger place in brackets: ``สนทนากลุ่ม (Focus group)``,
    ``Chiang Rai (เชียงราย)``, ``Mae Sai (Chiang Rai)``. Read when the two parts agree, or when only one
    of them can be read; None when neither can, or they say different things (``Nan (Phrae)``)."""
    match = _GLOSSED.match(value) or _PAIRED.match(value)
    if match:
        parts = match.group("a"), match.group("b")
    elif side := _SIDE_BY_SIDE.match(value):
        parts = (side.group("a"), side.group("b")) if side.group("a") else (side.group("c"), side.group("d"))
    else:
        return None
    first, second = read(parts[0]), read(parts[1])
    if first is not None and second is not None:
        return first if first == second else None
    return first if first is not None else second


_BARE_NUMBER = re.compile(r"[0-9๐-๙]+(?:[.,][0-9๐-๙]+)?")


_FOOTNOTE_MARK = re.compile(r"\s*[*†‡]+$")


def _read_value(written: str, read: Callable[[str], Any], row: int, column: str, hint: str,
                found: Collector) -> Any:
    value, mark = written, ""
    marked = _FOOTNOTE_MARK.search(written)
    if marked and marked.start() > 0:   # "๑๗*", "แพร่**": a footnote's mark, read without it (the warning shows it)
        value, mark = written[: marked.start()], " (the footnote mark left out)"
    defined = found.defined(column, value)
    glossed = _GLOSSED.match(value) or _PAIRED.match(value)
    if is_missing(value, read) or (defined is not None and is_missing(defined)) or (
            glossed and is_missing(glossed.group("a"), read) and (is_missing(glossed.group("b"), read)
                                                                   or read(glossed.group("b")) is None)):
        if written:  # a marker (-, n/a, ?, ไม่ระบุ): missing, and said so, since '?' may have meant "unsure"
            found.changed(row, column, written, "missing")
        return None
    result = read(value)
    if result is not None and column in found.months and _BARE_NUMBER.fullmatch(value):
        result = result / 12   # a bare number in a column counted in months
    if result is None:
        result = _read_glossed(value, read)
    if result is None and defined is not None and (result := read(defined) if read(defined) is not None
                                                   else _read_glossed(defined, read)) is not None:
        found.changed(row, column, written, f"{result!r} (the roster's note defines it as {defined!r})")
        return result
    if result is None and column == "sex" and is_sexless_title(value):
        found.changed(row, column, written, "missing (a title that does not say the sex)")
        return None
    if result is None:
        near = closest(value, known_spellings(column))
        canonical = read(near) if near else None
        if isinstance(canonical, str):  # the canonical value ('focus_group', 'Lamphun'), not an alias ('fg')
            near = canonical
        if value.casefold() == "nan":
            hint = "'nan' is how pandas writes an empty cell; " + hint
        elif near:
            hint = f"did you mean '{near}'? " + hint
        found.error(row, column, f"cannot read {column} {written!r}", hint + "; leave the cell empty if unknown")
        return None
    if column in NUMERIC:
        if not (0 <= result <= 120):
            found.error(row, column, f"{column} {written!r} is out of range", "write a number between 0 and 120")
            return None
        shown = str(int(result)) if float(result).is_integer() else f"{result:g}"
        if shown != written:
            found.changed(row, column, written, shown + mark)
    elif result != written:
        found.changed(row, column, written, repr(result) + mark)
    return result
