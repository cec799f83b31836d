"""Which rows of a roster are respondents: the column names wherever they stand (under a title, on two
rows, again at a page break, per section), section headings that give a group, notes, legends, totals and
summary blocks after the respondents, a group written once per block, a roster over several sheets. Every
row passed over is named in a warning."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fivep.errors import RosterError
from fivep.ingest.roster_checks import is_count, is_total_word, is_totals_row
from fivep.ingest.roster_checks import rows_named as _rows
from fivep.ingest.roster_collect import (
    HEADER_SEARCH,
    KNOWN_COLUMNS,
    READERS,
    Collector,
    a_header,
    known_names,
)
from fivep.ingest.roster_files import Merged, Sheet, SheetRow
from fivep.ingest.vocabulary import (
    _normalize_header,
    is_missing,
    known_group,
    normalize_method,
    normalize_province,
    parse_number,
)


def join_sheets(sheets: list[Sheet], found: Collector) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """One roster from several sheets: each sheet's column names found (a title above them is passed over),
    its rows numbered as :class:`SheetRow`. Sheets with the same columns are read as they stand; a sheet with
    columns of its own (the victims' sheet, in Thai, without a group column) is read by its columns' names,
    and where it lacks the group column its name gives its rows' group when it reads as one. Where the
    roster has no group (or province) column and every sheet's name reads as one, the sheet's name is that
    column's value for its rows."""
    header_row, header = 1, sheets[0].header
    rows: list[tuple[int, list[str]]] = []
    columns: list[str] | None = None
    by_name = False
    above: list[str] = []   # every sheet's lines above its column names (a key to the codes may be on any)
    for index, sheet in enumerate(sheets):
        number, names, sheet_rows = find_header(sheet.header, sheet.rows, found)
        above += [line for line in found.title if line not in above]
        normalised = [_normalize_header(h) for h in names]
        numbered: list[tuple[int, list[str]]] = [(SheetRow(index + 1, sheet.title, n), cells) for n, cells in sheet_rows]
        if columns is None:
            header_row, header, columns = number, list(names), normalised
        elif normalised[: len(columns)] != columns:
            named = [c for c in normalised if c]
            twice = sorted({c for c in named if named.count(c) > 1})
            if twice:
                raise RosterError(f"sheet '{sheet.title}' names {', '.join(repr(c) for c in twice)} in two columns, so its "
                                  "rows cannot be joined to the other sheets' by the columns' names", path=found.path,
                                  hint="rename or delete one of the two columns on that sheet")
            by_name = True
            numbered = _by_name(sheet.title, names, normalised, numbered, header, columns, found)
        rows += numbered
    found.title = above
    assert columns is not None
    if by_name:
        width = len(columns)
        rows = [(n, [*cells, *[""] * (width - len(cells))]) for n, cells in rows]
        titles = [sheet.title for sheet in sheets]
        named = [t for t in titles if known_group(t) is not None]
        if "group" not in columns and len(named) >= 2 and len(named) * 3 >= len(titles) * 2:
            # a sheet per group, each with its own columns and none for the group: the sheet's name gives it
            header = [*header, "group (the sheet's name)"]
            rows = [(n, [*cells, getattr(n, "sheet", "") if known_group(getattr(n, "sheet", "")) else ""])
                    for n, cells in rows]
            found.notes.append(f"{found.path}: one sheet per group ({', '.join(repr(t) for t in named)}), each with "
                               "columns of its own; each sheet's name gives the group of its rows")
        elif "group" in columns and len(named) >= 2:
            # the first sheet has no group column either, while a later one named one: its name gives its group
            at = columns.index("group")
            filled = [n for n, cells in rows if not cells[at].strip() and any(c.strip() for c in cells)
                      and known_group(getattr(n, "sheet", "")) is not None]
            for n, cells in rows:
                if n in filled:
                    cells[at] = n.sheet  # type: ignore[attr-defined]
            if filled:
                found.notes.append(f"{found.path}, {_rows(filled)}: group from the sheet's name (the sheet has no "
                                   "group column)")
        return header_row, header, rows
    titles = [sheet.title for sheet in sheets]
    for column, reads in (("group", known_group), ("province", normalize_province)):
        named = [t for t in titles if reads(t) is not None]
        if column not in columns and len(named) >= 2 and len(named) * 3 >= len(titles) * 2:
            # most sheets are named for a province (or a group): the others' rows have it unstated
            others = [t for t in titles if t not in named]
            header = [*header, *[""] * (len(columns) - len(header)), column]   # read as the sheet's name
            columns = [*columns, *[""] * (len(header) - 1 - len(columns)), column]
            width = len(header) - 1
            rows = [(n, [*cells[:width], *[""] * (width - len(cells)),
                         n.sheet if isinstance(n, SheetRow) and n.sheet in named and any(c.strip() for c in cells)
                         else ""]) for n, cells in rows]
            found.notes.append(f"{found.path}: the roster is on {len(titles)} sheets with the same columns "
                               f"({', '.join(repr(t) for t in titles)}); each sheet's name gives the {column} of its rows"
                               + (f" (not stated on {', '.join(repr(t) for t in others)})" if others else ""))
            break
    else:
        found.notes.append(f"{found.path}: the roster is on {len(titles)} sheets with the same columns "
                           f"({', '.join(repr(t) for t in titles)}); all read")
    return header_row, header, rows


def _by_name(title: str, names: list[str], normalised: list[str], rows: list[tuple[int, list[str]]],
             header: list[str], columns: list[str], found: Collector) -> list[tuple[int, list[str]]]:
    """A sheet's rows placed under the roster's columns by name (``header`` and ``columns`` gain the ones
    only this sheet has), with a note naming what was joined and how."""
    place: list[int | None] = []
    for name, column in zip(names, normalised, strict=True):
        if not column:
            place.append(None)
            continue
        if column not in columns:
            columns.append(column)
            header.append(name)
        place.append(columns.index(column))
    group = None
    if "group" in columns and "group" not in normalised:
        group = known_group(title)
    out: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        placed = [""] * len(columns)
        for i, cell in enumerate(cells):
            where = place[i] if i < len(place) else None
            if where is not None:
                placed[where] = cell
            elif cell.strip():
                found.error(number, None, f"column {i + 1} has a value ({cell.strip()!r}) but no header",
                            "name the column, or delete the value")
        if group is not None and any(c.strip() for c in cells):
            placed[columns.index("group")] = title
        out.append((number, placed))
    missing = [h.strip() for h, c in zip(header, columns, strict=True) if c not in normalised]
    said = [f"it has no {', '.join(repr(m) for m in missing)}"] if missing else []
    said += [f"its name '{title}' gives their group"] if group is not None else []
    found.notes.append(f"{found.path}: sheet '{title}' names its own columns; its {len(out)} rows read by the columns' "
                       "names" + (f" ({'; '.join(said)})" if said else ""))
    return out


def group_from_legend(header: list[str], columns: list[str], rows: list[tuple[int, list[str]]], legends: list[Sheet],
                      found: Collector) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A roster with no group column whose codes a legend sheet explains: a column of the roster (``รหัสบทบาท``:
    POL, PROS, NLAW ...) named again on a later sheet that gives each code's group (``กลุ่มผู้ให้ข้อมูล``).
    The roster gains a group column, each row given its code's group as the legend writes it (read then
    as any group is, each reading reported); a code the legend does not list leaves the row's group empty,
    an error naming it. ``columns`` gains ``group``; returns the header and the rows."""
    if "group" in columns:
        return header, rows
    named = {h.strip().casefold(): i for i, h in enumerate(header) if h.strip() and columns[i] not in KNOWN_COLUMNS}
    for legend in legends:
        names, legend_rows = find_legend_header(legend)
        legend_columns = [_normalize_header(h) for h in names]
        if "group" not in legend_columns:
            continue
        keyed = [(i, named[h.strip().casefold()]) for i, h in enumerate(names) if h.strip().casefold() in named]
        if len(keyed) != 1:
            continue
        key, at = keyed[0]
        group_at = legend_columns.index("group")
        meaning = {cells[key].strip(): cells[group_at].strip() for _, cells in legend_rows
                   if len(cells) > max(key, group_at) and cells[key].strip() and cells[group_at].strip()}
        codes = [cells[at].strip() for _, cells in rows if at < len(cells) and cells[at].strip()]
        if not codes or sum(code in meaning for code in codes) * 2 < len(codes):
            continue
        columns.append("group")
        width = len(header)
        rows = [(n, [*cells, *[""] * (width - len(cells)), meaning.get(cells[at].strip(), "") if at < len(cells) else ""])
                for n, cells in rows]
        found.notes.append(f"{found.path}: no group column; each row's group is what sheet '{legend.title}' (column "
                           f"'{names[group_at].strip()}') gives for its code in column '{header[at].strip()}'"
                           f" ({len(meaning)} codes listed)")
        return [*header, names[group_at].strip()], rows
    return header, rows


_VARIABLE = re.compile(r"^(?:variable|var\.?|variable name|column|field|ตัวแปร|ชื่อตัวแปร|คอลัมน์)$", re.IGNORECASE)
_CODE_NAME = re.compile(r"^(?:code|codes|value|values|รหัส|ค่า|ค่ารหัส)$", re.IGNORECASE)
_MEANING = re.compile(r"^(?:meaning|label|value label|description|ความหมาย|คำอธิบาย|หมายถึง)$", re.IGNORECASE)


def _cell(cells: list[str], at: int) -> str:
    return cells[at].strip() if at < len(cells) else ""


def _name_by_labels(legend_rows: list[tuple[int, list[str]]], variable_at: int, label_at: int, header: list[str],
                    columns: list[str], found: Collector) -> None:
    """A roster column fivep does not know by name (``exp_yr``) that the codebook labels as a known one
    (``Years of work experience / อายุงาน (ปี)``): read as that column, said in a warning."""
    where = {h.strip().casefold(): i for i, h in enumerate(header) if h.strip()}
    for _, cells in legend_rows:
        at = where.get(_cell(cells, variable_at).casefold())
        label = _cell(cells, label_at)
        if at is None or not label or columns[at] in KNOWN_COLUMNS:
            continue
        known = next((n for part in re.split(r"\s*/\s*", label) if (n := _normalize_header(part)) in KNOWN_COLUMNS), None)
        if known is not None and known not in columns:
            columns[at] = known
            found.notes.append(f"{found.path}: column '{header[at].strip()}' read as {known}, as the codebook labels it "
                               f"({label!r})")


def codebook_keys(legends: list[Sheet], header: list[str], columns: list[str], found: Collector) -> dict[str, dict[str, str]]:
    """The codes a codebook sheet defines for the roster's columns (an SPSS-style export: ``variable | label |
    code | meaning``, the variable written once above its codes): per known column named by a variable, its
    codes and what they stand for (a meaning in two languages, ``Unknown / ไม่ทราบ``, is missing when either
    part says so). Each column so keyed is named in a warning."""
    by_name = {h.strip().casefold(): columns[i] for i, h in enumerate(header) if h.strip() and columns[i]}
    out: dict[str, dict[str, str]] = {}
    for legend in legends:
        names, legend_rows = find_legend_header(legend)
        stripped = [n.strip() for n in names]
        at = [next((i for i, n in enumerate(stripped) if pattern.match(n)), None) for pattern in (_VARIABLE, _CODE_NAME, _MEANING)]
        variable_at, code_at, meaning_at = at
        if variable_at is None or code_at is None or meaning_at is None:
            continue
        # "variable | label | code | meaning": the label names the variable, the meaning the code
        meaning_at = next((i for i, n in enumerate(stripped) if n.casefold() != "label" and _MEANING.match(n)), meaning_at)
        label_at = next((i for i, n in enumerate(stripped) if n.casefold() in ("label", "variable label", "คำอธิบายตัวแปร")
                         and i != meaning_at), None)
        if label_at is not None:
            _name_by_labels(legend_rows, variable_at, label_at, header, columns, found)
            by_name = {h.strip().casefold(): columns[i] for i, h in enumerate(header) if h.strip() and columns[i]}
        variable = ""
        for _, cells in legend_rows:
            variable = _cell(cells, variable_at) or variable    # written once above its codes
            code, meaning = _cell(cells, code_at), _cell(cells, meaning_at)
            column = by_name.get(variable.casefold())
            if column is None or not code or not meaning:
                continue
            if any(is_missing(part) for part in re.split(r"\s*/\s*", meaning)):
                meaning = "unknown"
            out.setdefault(column, {})[code.casefold()] = meaning
        if out:
            found.notes.append(f"{found.path}: the codes of {', '.join(repr(c) for c in sorted(out))} read as sheet "
                               f"'{legend.title}' defines them")
            break
    return out


def find_legend_header(sheet: Sheet) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A legend sheet's column names, its first row with two names or more (a title may stand above them),
    and the rows under them."""
    for index, (_, cells) in enumerate([(1, sheet.header), *sheet.rows][:HEADER_SEARCH]):
        if sum(bool(c.strip()) for c in cells) >= 2:
            return cells, sheet.rows[index:]
    return sheet.header, sheet.rows


def say_merged(merged: Merged, header_row: int, header: list[str], found: Collector) -> None:
    """One warning per merged range below the header: which rows were given the value of which row."""
    runs: dict[tuple[int, int], list[int]] = {}
    for (number, column), anchor in merged.items():
        if number > header_row:
            runs.setdefault((column, anchor), []).append(number)
    for (column, anchor), numbers in sorted(runs.items(), key=lambda item: (item[0][1], item[0][0])):
        if anchor <= header_row:
            continue   # the column names' own merged cells (a header over two rows)
        name = header[column].strip() if column < len(header) else f"column {column + 1}"
        found.notes.append(f"{found.path}, {_rows(numbers)}, column '{name}': a merged cell; the value of row "
                           f"{anchor} read for each")


def transposed(first: list[str], rows: list[tuple[int, list[str]]],
               found: Collector) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A roster laid out sideways, one respondent a column and one attribute a row (``Respondent code, R-001,
    R-002, ...`` then ``Stakeholder group, ...``), turned the usual way round; any other roster as it is. Told by
    its first column: the respondent id's name at the top and two more known columns below it, and fewer than
    two in the first row, which holds the (distinct) ids. Messages then name a respondent by its column's number
    (column 2 is the first respondent)."""
    names = [first[0] if first else "", *(cells[0] if cells else "" for _, cells in rows)]
    ids = [c.strip() for c in first[1:] if c.strip()]
    if (len(known_names(first)) >= 2 or _normalize_header(names[0]) != "respondent_id" or len(ids) < 3
            or len(set(ids)) < len(ids) - 1 or len(known_names(names)) < 3):
        return first, rows
    table = [first, *(cells for _, cells in rows)]
    kept = [k for k, name in enumerate(names) if name.strip()]   # an attribute row must be named
    width = max(len(cells) for cells in table)
    columns = [[table[k][j] if j < len(table[k]) else "" for k in kept] for j in range(width)]
    found.notes.append(f"{found.path}: one respondent a column and one attribute a row; read turned round (row N "
                       "in these messages is the file's column N)")
    return columns[0], [(j + 1, cells) for j, cells in enumerate(columns[1:], start=1) if any(c.strip() for c in cells)]


def find_header(first: list[str], rows: list[tuple[int, list[str]]],
                 found: Collector) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """The row that names the columns: the first row, unless that one names fewer than two known columns
    and a row below it (within :data:`HEADER_SEARCH`) names the respondent id and at least two more. The
    rows above it (a title, a fieldwork note, a header over merged cells) are reported, never read as
    respondents; but a section heading right above it (``A. Government officials``) stays, to give its
    group. A second row of names under it (``เพศ``, ``อายุ (ปี)`` under a merged ``ข้อมูลส่วนบุคคล``) completes it."""
    numbered = [(1, first), *rows]
    if len(known_names(first)) >= 2 and "respondent_id" in known_names(first):
        index = 0
    else:
        index = next((i for i, (_, cells) in enumerate(numbered[:HEADER_SEARCH]) if a_header(cells)), -1)
        if index < 0:
            return 1, first, rows
    number, cells = numbered[index]
    rest = numbered[index + 1:]
    following = next(((i, row) for i, row in enumerate(rest) if any(c.strip() for c in row[1])), None)
    if following is not None:
        i, (_, under) = following
        filled = [c.strip() for c in under if c.strip()]
        # a second line of names: every filled cell a known column's name, more of them than the line above
        if len(filled) >= 2 and all(len(c) <= 25 and _normalize_header(c) in KNOWN_COLUMNS for c in filled) and \
                len(known_names([u or c for c, u in zip(cells, under, strict=False)])) > len(known_names(cells)):
            width = max(len(cells), len(under))
            cells = [(under[k] if k < len(under) and under[k].strip() else cells[k] if k < len(cells) else "")
                     for k in range(width)]
            found.notes.append(f"{found.path}, rows {number} and {rest[i][0]}: the column names, on two rows")
            rest = rest[:i] + rest[i + 1:]
    above = numbered[:index]
    keep: list[tuple[int, list[str]]] = []
    if above:
        last = [c.strip() for c in above[-1][1] if c.strip()]
        if len(last) == 1 and len(last[0]) <= 40 and "group" not in known_names(cells) and \
                known_group(re.sub(r"^[A-Za-zก-ฮ0-9๐-๙]{1,2}[.)]\s*", "", last[0])) is not None:
            keep, above = [above[-1]], above[:-1]   # the first section's heading
    texts = [" ".join(c.strip() for c in row if c.strip()) for _, row in above]
    found.title = [text for text in texts if text]
    if above:
        shown = found.title[0][:60] if found.title else ""
        found.notes.append(f"{found.path}, {_rows([n for n, _ in above])}: above the column names "
                           f"(row {number}), not respondents; not read" + (f" ({shown!r})" if shown else ""))
    if keep:   # the heading moves below the column names, where the sections are read
        rest = [*keep, *rest]
    return number, cells, rest


_SECTION_COUNT = re.compile(r"[(（]\s*(?:n\s*=\s*)?([0-9๐-๙]+)\s*(?:คน|ราย|persons?|people|respondents?)?\s*[)）]",
                            re.IGNORECASE)


def sections_of(rows: list[tuple[int, list[str]]]) -> dict[int, tuple[str, int | None]]:
    """Rows that head a section of a roster with no group column: one cell, naming a group
    (``กลุ่มที่ 1 เจ้าหน้าที่ภาครัฐ (14 คน)``), with the count it gives if any. Row number -> (group, count)."""
    out: dict[int, tuple[str, int | None]] = {}
    for number, cells in rows:
        filled = [c.strip() for c in cells if c.strip()]
        if len(filled) != 1:
            continue
        group = known_group(_SECTION_COUNT.sub("", filled[0]))
        if group is not None:
            count = _SECTION_COUNT.search(filled[0])
            out[number] = (group, int(parse_number(count.group(1)) or 0) if count else None)
    return out


def section_heading(cells: list[str], layout: list[str]) -> str | None:
    """Beside a group column, a row whose one value is words in a column fivep does not read (``ส่วนที่ 2 เด็กผู้เสียหาย (n = 14)`` in the
    row-number column): the heading of a section. None for anything else: a value in a column fivep reads
    (a respondent without an id stays an error)."""
    filled = [(i, c.strip()) for i, c in enumerate(cells) if c.strip()]
    if len(filled) != 1:
        return None
    at, text = filled[0]
    column = layout[at] if at < len(layout) else ""
    if column in READERS or column in ("respondent_id", "group", "sector") or len(text) < 4 \
            or sum(ch.isalpha() for ch in text) < 3:
        return None
    return text


def check_sections(sections: dict[int, tuple[str, int | None]], read_rows: list[int], found: Collector) -> None:
    """Say which rows each section gave its group, and where a section's stated count differs from the
    respondents read under it (``read_rows``)."""
    starts = sorted(sections)
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else float("inf")
        members = [n for n in read_rows if start < n < end]
        group, count = sections[start]
        if members:
            found.notes.append(f"{found.path}, {_rows(members)}: group {group!r}, from the section heading on row {start}")
        if count is not None and count != len(members):
            found.notes.append(f"{found.path}, row {start}: the section heading says {count} respondents, "
                               f"{len(members)} rows follow it; check the roster")


_NOTE_ID = re.compile(r":\s|=|^\*|^(?:note|notes|source|legend|remark)\b|^(?:หมายเหตุ|ที่มา|สรุป|คำอธิบาย)", re.IGNORECASE)


_CODE = re.compile(r"[A-Za-zก-ฮ.]{0,8}[-_. /]?[0-9๐-๙]{1,6}[A-Za-z]?")   # what a respondent code looks like


_UNIT_WORD = re.compile(r"^(?:คน|ราย|persons?|people|respondents?|ปี|years?)$", re.IGNORECASE)


def split_footer(rows: list[tuple[int, list[str]]],
                  columns: list[str]) -> tuple[list[tuple[int, list[str]]], list[tuple[int, list[str]]]]:
    """The rows after the last respondent that cannot be respondents (a note, a legend, a summary block):
    text only in columns fivep does not read (a row number, a date, remarks); an "id" that is a sentence
    (``Total respondents: 42``, ``ผส. = ผู้เสียหาย...``); one cell of note (``* กลุ่มที่ 4 ไม่มี...``); or a group's
    name in the id column with only counts beside it (``เจ้าหน้าที่ภาครัฐ, 32, คน``). A row with an id and values
    in the columns fivep reads stays a respondent, and a row with values and no id an error."""
    id_at = columns.index("respondent_id")

    def a_note(cells: list[str]) -> bool:
        rid = cells[id_at].strip() if id_at < len(cells) else ""
        filled = [(i, c.strip()) for i, c in enumerate(cells) if c.strip()]
        unread = all(i >= len(columns) or columns[i] not in KNOWN_COLUMNS for i, _ in filled)
        single = len(filled) == 1 and (_NOTE_ID.search(filled[0][1]) is not None or len(filled[0][1]) > 40
                                       or not rid and not _reads_as_its_column(filled[0][0], filled[0][1]))
        counts = all(is_count(c) or _UNIT_WORD.match(c) for i, c in filled if i != id_at)
        summary = bool(rid) and not _CODE.fullmatch(rid) and counts and (
            known_group(rid) is not None or is_total_word(rid))
        total = not rid and bool(filled) and is_total_word(filled[0][1])   # "รวมทั้งสิ้น ... (ชาย ๑๗ คน หญิง ๒๖ คน)"
        return unread or single or summary or total or _NOTE_ID.search(rid) is not None

    def _reads_as_its_column(i: int, value: str) -> bool:
        """One cell and no id: a respondent's value missing its id (an error), or a signature line, a footnote."""
        column = columns[i] if i < len(columns) else ""
        if column == "group":
            return known_group(value) is not None
        return column in READERS and READERS[column][0](value) is not None

    end = len(rows)
    while end and (not any(c.strip() for c in rows[end - 1][1]) or a_note(rows[end - 1][1])):
        end -= 1
    return rows[:end], [(n, cells) for n, cells in rows[end:] if any(c.strip() for c in cells)]


def say_footer(footer: list[tuple[int, list[str]]], columns: list[str], found: Collector) -> None:
    """Name each row after the last respondent (a totals row, or a note), and read the legend among them."""
    texts = []
    for number, cells in footer:
        text = " ".join(c.strip() for c in cells if c.strip())
        texts.append(text)
        record = {col: (cells[i] if i < len(cells) else "") for i, col in enumerate(columns) if col}
        what = (f"a totals row ({text!r})" if is_totals_row({**record, "group": record.get("group", "")})
                else f"{text[:60]!r} follows the last respondent: a note")
        found.notes.append(f"{found.path}, row {number}: {what}, not a respondent; not counted")
    found.legend = legend_of(texts + found.title + found.keys)


def drop_units_row(rows: list[tuple[int, list[str]]], header: list[str], columns: list[str],
                    found: Collector) -> list[tuple[int, list[str]]]:
    """A second header line under the column names that gives their units (``(ปี)``, ``(ปี / เดือน)``): every
    filled cell in brackets. Its units join the column names (a column in months is read in months)."""
    first = next(((i, (n, cells)) for i, (n, cells) in enumerate(rows) if any(c.strip() for c in cells)), None)
    if first is None:
        return rows
    index, (number, cells) = first
    filled = [(i, c.strip()) for i, c in enumerate(cells) if c.strip()]
    if not filled or not all(re.fullmatch(r"[(（\[].*[)）\]]", c) for _, c in filled):
        return rows
    for i, unit in filled:
        if i < len(header):
            header[i] = f"{header[i].strip()} {unit}"
    found.notes.append(f"{found.path}, row {number}: the units of the columns ({', '.join(c for _, c in filled)}), "
                       "not a respondent")
    return rows[:index] + rows[index + 1:]


_DITTO = re.compile(r"^\s*(?:〃|\"|”|“|ditto|-do-|do\.?|ibid\.?|เหมือนข้างบน|เหมือนเดิม)\s*$", re.IGNORECASE)


def fill_dittos(rows: list[tuple[int, list[str]]], header: list[str], found: Collector) -> list[tuple[int, list[str]]]:
    """A ditto mark (``〃``, ``"``, ``-do-``) means the value of the row above in that column: read so, each
    column's rows named in a warning."""
    out: list[tuple[int, list[str]]] = []
    previous: list[str] = []
    filled: dict[int, list[int]] = {}
    for number, cells in rows:
        marks = [i for i, c in enumerate(cells) if _DITTO.match(c) and i < len(previous)]
        if marks:
            cells = [previous[i] if i in marks else c for i, c in enumerate(cells)]
            for i in marks:
                filled.setdefault(i, []).append(number)
        if any(c.strip() for c in cells):
            previous = cells
        out.append((number, cells))
    for i, numbers in filled.items():
        name = header[i].strip() if i < len(header) else f"column {i + 1}"
        found.notes.append(f"{found.path}, {_rows(numbers)}, column '{name}': a ditto mark, read as the value above")
    return out


def drop_side_table(header: list[str], rows: list[tuple[int, list[str]]],
                    found: Collector) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A small table kept beside the roster (a summary of counts to the right of the data, after an empty
    column, on its first rows only): the columns from the empty one on are left out, and named in a warning.
    Only when the empty column is empty on every row, and what stands right of it ends within the first
    rows while the roster goes on below (a column of the roster itself is never cut off)."""
    width = max([len(header), *(len(cells) for _, cells in rows)], default=0)

    def cell(cells: list[str], i: int) -> str:
        return cells[i].strip() if i < len(cells) else ""

    for gap in range(1, width - 1):
        if cell(header, gap) or any(cell(cells, gap) for _, cells in rows):
            continue
        right = [n for n, cells in rows if any(cell(cells, i) for i in range(gap + 1, width))]
        people = sorted(n for n, cells in rows if any(cell(cells, i) for i in range(gap)))
        beside = right or any(cell(header, i) for i in range(gap + 1, width))
        if not beside or not any(cell(header, i) for i in range(gap)) or not people:
            return header, rows   # nothing beside the roster (trailing empty columns), or no roster left of it
        first_rows = people[: min(15, len(people))]
        if len(right) * 3 < len(people) and all(n <= first_rows[-1] for n in right):
            found.notes.append(f"{found.path}: columns {gap + 2} to {width} (the header and {len(right)} rows) hold a "
                               "table beside the roster, after an empty column; not read")
            return header[:gap], [(n, cells[:gap]) for n, cells in rows]
        return header, rows
    return header, rows


def drop_repeated_headers(rows: list[tuple[int, list[str]]], header: list[str],
                           found: Collector) -> list[tuple[int, list[str]]]:
    """The column names written again further down (a page break in the printed roster): named and left out."""
    names = [h.strip().casefold() for h in header]
    titles = {" ".join(t.split()).casefold() for t in found.title if t.strip()}
    kept, again, furniture = [], [], []
    for number, cells in rows:
        filled = [" ".join(c.split()) for c in cells if c.strip()]
        if [c.strip().casefold() for c in cells[: len(names)]] == names and any(names):
            again.append(number)
        elif filled and (any(_PAGE_MARK.match(c) for c in filled) or " ".join(filled).casefold() in titles
                         or len(filled) == 1 and _END_MARK.match(filled[0])):
            furniture.append(number)   # a page's footer ("Page 2 of 3") or its title written again
        else:
            kept.append((number, cells))
    if again:
        found.notes.append(f"{found.path}, {_rows(again)}: the column names again (a page break), not respondents")
    if furniture:
        found.notes.append(f"{found.path}, {_rows(furniture)}: a page's title or footer (the roster was printed or "
                           "converted from PDF), not respondents")
    return kept


_END_MARK = re.compile(r"^[-–—=*#.\s]*(?:end(?:\s+of\s+(?:list|file|table|data|roster|report))?|สิ้นสุด(?:รายชื่อ|ข้อมูล)?|"
                       r"จบ(?:รายชื่อ|ข้อมูล)?)[-–—=*#.\s]*$", re.IGNORECASE)
_PAGE_MARK = re.compile(r"^(?:page|p\.|หน้า(?:ที่)?)\s*[0-9๐-๙]+(?:\s*(?:of|/|จาก|จากทั้งหมด)\s*[0-9๐-๙]+)?(?:\s*หน้า)?$",
                        re.IGNORECASE)


def id_prefix(rid: str) -> str:
    match = re.match(r"\s*([A-Za-zก-๛]+)", rid)
    return match.group(1).casefold() if match else ""


def _groups_by_prefix(rows: list[tuple[int, list[str]]], columns: list[str],
                      legend: dict[str, str]) -> dict[str, str] | None:
    """Groups named by the prefix of every respondent's code, as a legend under the roster defines them
    (``GO = เจ้าหน้าที่รัฐ, NGO = ..., CV = เด็กผู้เสียหาย``); None unless the legend covers every code."""
    defined = {k.rstrip("-_. "): known_group(v) for k, v in legend.items()}
    defined = {k: g for k, g in defined.items() if g is not None}
    if not defined:
        return None
    id_at = columns.index("respondent_id")
    prefixes = {id_prefix(cells[id_at]) for _, cells in rows if id_at < len(cells) and cells[id_at].strip()}
    if not prefixes or not prefixes <= set(defined):
        return None
    return {p: defined[p] for p in sorted(prefixes)}  # type: ignore[misc]


_ID_PARTS = re.compile(r"[-_/.\s]+")


def codes_in_ids(rows: list[tuple[int, list[str]]], columns: list[str],
                 legend: dict[str, str]) -> dict[str, dict[str, tuple[str, str]]] | None:
    """The group (and the province and method, when the roster has no column for them) that the parts of every
    respondent's id stand for, as a key above or below the roster defines the codes (``ID key: PROVINCE-GROUP##-
    METHOD. Province CM = Chiang Mai ... Group G = government official ...``: ``CR-G07-F2``). Per id: what it
    gives, as (code, definition); None unless every id (a line of words is none) gives a group."""
    readers: dict[str, Callable[[str], Any]] = {"group": known_group, "province": normalize_province,
                                                "method": normalize_method}
    wanted = [kind for kind in readers if kind not in columns]
    codes: dict[str, str] = {}
    for key, value in legend.items():   # "f1/f2/..." defines F; "group g" was also given as "g"
        for alternative in key.split("/"):
            code = re.sub(r"[0-9.#]+$", "", alternative.strip())
            if code and " " not in code:
                codes.setdefault(code, value)
    if "group" not in wanted or not codes:
        return None
    id_at = columns.index("respondent_id")
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for _, cells in rows:
        rid = cells[id_at].strip() if id_at < len(cells) else ""
        if not rid:
            continue
        given: dict[str, tuple[str, str]] = {}
        for part in _ID_PARTS.split(rid):
            letters = re.match(r"[A-Za-z]+", part)
            defined = codes.get(letters.group(0).casefold()) if letters else None
            if letters is None or defined is None:
                continue
            kind = next((k for k in wanted if k not in given and readers[k](defined) is not None), None)
            if kind is not None:
                given[kind] = (letters.group(0), defined)
        if given and "group" not in given:
            return None
        if given:
            out[rid] = given
    # every id that is a code (not a line of words such as "Total respondents this trip") gives its group
    people = {cells[id_at].strip() for _, cells in rows if id_at < len(cells) and cells[id_at].strip()}
    codes_only = {p for p in people if not (" " in p and not any(ch.isdigit() for ch in p))}
    return out if out and codes_only <= set(out) else None


def group_source(rows: list[tuple[int, list[str]]], columns: list[str], header: list[str], header_row: int,
                  found: Collector) -> tuple[dict[int, tuple[str, int | None]], dict[str, str] | None]:
    """Where each respondent's group comes from when no column is named for it: section headings, then the
    code prefixes a legend defines, then the one agency column (``columns`` is changed to read it as the
    group). Returns the sections and the prefix table (each possibly empty); an error when none applies."""
    if "group" in columns:
        return {}, None
    sections = sections_of(rows)
    if sections:
        return sections, None
    by_prefix = _groups_by_prefix(rows, columns, found.legend)
    if by_prefix is not None:
        found.notes.append(f"{found.path}: each respondent's group read from the prefix of the code, as the roster's "
                           f"note defines it ({', '.join(f'{k} = {v}' for k, v in sorted(by_prefix.items()))})")
    elif columns.count("sector") != 1 and (decoded := codes_in_ids(rows, columns, found.legend)) is not None:
        found.from_ids = decoded
        kinds = sorted({kind for values in decoded.values() for kind in values})
        found.notes.append(f"{found.path}: each respondent's {', '.join(kinds)} read from the codes in the id, as the "
                           "roster's key defines them (" + ", ".join(f"{k} = {v}" for k, v in sorted(
                               {code: value for values in decoded.values() for code, value in values.values()}.items()))
                           + ")")
    elif columns.count("sector") == 1:
        written = header[columns.index("sector")].strip()
        columns[columns.index("sector")] = "group"
        found.notes.append(f"{found.path}, row {header_row}: column '{written}' gives each respondent's group (the "
                           "roster has no group column)")
    else:
        found.error(header_row, None, "required column 'group' is missing",
                    f"the header has: {', '.join(h.strip() for h in header)}")
    return {}, by_prefix


def fill_group_down(rows: list[tuple[int, list[str]]], columns: list[str], header: list[str],
                     found: Collector) -> list[tuple[int, list[str]]]:
    """A group written once at the top of each block, the cells below it empty (merged cells exported to CSV):
    read for the rows under it, each block named in a warning. Only when most respondents' group cells are
    empty and the first is not: an empty group among written ones stays an error."""
    at = columns.index("group")
    id_at = columns.index("respondent_id")
    people = [(n, cells) for n, cells in rows if id_at < len(cells) and cells[id_at].strip()]
    empty = [n for n, cells in people if at >= len(cells) or not cells[at].strip()]
    if len(people) < 4 or len(empty) * 2 <= len(people) or (at >= len(people[0][1]) or not people[0][1][at].strip()):
        return rows
    out: list[tuple[int, list[str]]] = []
    current, source, block = "", 0, list[int]()
    name = header[at].strip()

    def say() -> None:
        if block:
            found.notes.append(f"{found.path}, {_rows(block)}, column '{name}': empty, read as {current!r} from row "
                               f"{source} above (a group written once for its block)")

    for number, cells in rows:
        if id_at < len(cells) and cells[id_at].strip():
            if at < len(cells) and cells[at].strip():
                say()
                current, source, block = cells[at].strip(), number, []
            else:
                cells = [*cells, *[""] * (at + 1 - len(cells))]
                cells[at] = current
                block.append(number)
        out.append((number, cells))
    say()
    return out


_LEGEND_PAIR = re.compile(r"([^\s=;,:]+(?:\s[^\s=;,:]+)?)\s*=\s*([^=;]+?)\s*"
                          r"(?=;|$|\s[^\s=;,]+\s*=|[,.]\s+(?:[^\s=;,]+\s)?[^\s=;,]+\s*=)")


def legend_of(texts: list[str]) -> dict[str, str]:
    """Abbreviations a roster's notes define: ``ผทว. = ผู้ทรงคุณวุฒิ; ผส. = ผู้เสียหายที่เป็นเด็ก``."""
    out: dict[str, str] = {}
    for text in texts:
        body = re.sub(r"^(?:note|notes|legend|หมายเหตุ)\s*:\s*", "", text.strip(), flags=re.IGNORECASE)
        for match in _LEGEND_PAIR.finditer(body):
            key, value = match.group(1).strip().casefold(), match.group(2).strip().rstrip(",.;")
            out[key] = value
            if " " in key:   # "Province CM = Chiang Mai": the code is the last word
                out.setdefault(key.rsplit(" ", 1)[1], value)
    return out
