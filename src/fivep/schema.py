"""The schema of ``study.toml``: every table and key fivep reads, checked all at once.

:func:`check_config` returns every problem of a parsed ``study.toml`` (an unknown table or key, a
value of the wrong type), each with the line it is on and a fix; the closest known name is
suggested for a misspelt one (``[groupsets]`` -> ``[group_sets]``). docs/study.md documents the
same keys; a test keeps the two in step.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Key:
    """One key: what it holds (for messages), how to check it, an example for the fix."""

    kind: str
    check: Callable[[Any], bool]
    example: str


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_languages(value: Any) -> bool:
    return _is_str_list(value) and all(v in ("th", "en") for v in value)


TEXT = Key("a string", _is_str, '"..."')
TEXTS = Key("a list of strings", _is_str_list, '["...", "..."]')

TOP: dict[str, Key] = {
    "title": TEXT,
    "title_th": TEXT,
    "languages": Key('a list of "th" and "en"', _is_languages, '["th", "en"]'),
    "roster": Key("a string (a file in the study folder)", _is_str, '"respondents.csv"'),
    "transcripts": Key("a string (a folder in the study folder)", _is_str, '"transcripts"'),
    "codebook": Key("a string (5p or a .yaml file)", _is_str, '"5p"'),
    "store": Key("a string (a file in the study folder)", _is_str, '".fivep/fivep.sqlite"'),
    "author": Key("a string (the report's author property and cover)", _is_str, '"Research team"'),
    "organisation": Key("a string (on the report's cover)", _is_str, '"Foundation for Child Protection"'),
}


def _is_report_text(value: Any) -> bool:
    """A text, a list of texts, or a table of them by language (``{ en = "...", th = "..." }``)."""
    if isinstance(value, dict):
        return bool(value) and all(k in ("en", "th") and _is_report_text(v) for k, v in value.items())
    return _is_str(value) or _is_str_list(value)


REPORT_TEXT = Key("a string, or a table of en and th strings", _is_report_text, '{ en = "...", th = "..." }')
# Tables with fixed keys.
TABLES: dict[str, dict[str, Key]] = {
    "privacy": {"min_cell": Key("a whole number of respondents, 0 or more", _is_count, "5")},
    "evaluation": {"holdout": Key("a list of document ids", _is_str_list, '["FG-CR-NGO", "II-CR-YP-06"]')},
    "scale": {"jobs": Key("a whole number of worker processes (0: every core)", _is_count, "2"),
              "scheduler": Key("a Dask scheduler address", _is_str, '"tcp://10.0.0.5:8786"')},
    "transcript_options": {"interviewer_labels": Key("a list of speaker labels", _is_str_list, '["พี่เลี้ยง", "RA"]')},
    "report": {"introduction": REPORT_TEXT, "objectives": REPORT_TEXT, "ethics": REPORT_TEXT},
}
LABELS = Key("a table of en and th labels", lambda v: isinstance(v, dict), '{ en = "NGO staff", th = "เจ้าหน้าที่ NGO" }')
# Tables whose keys the user names; every value has this type.
MAPS: dict[str, Key] = {
    "group_sets": Key("a list of roster groups", _is_str_list, '["government", "ngo"]'),
    "group_labels": LABELS,
    "speakers": Key("a respondent id, interviewer or interpreter", _is_str, '"GOV-CM-01"'),
}
LABEL_KEYS = {"en": TEXT, "th": TEXT}


@dataclass(frozen=True)
class ConfigProblem:
    line: int | None
    message: str
    hint: str


def _near(name: str, known: list[str]) -> str | None:
    found = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return found[0] if found else None


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f'the string "{value}"'
    if isinstance(value, list):
        import json

        shown = json.dumps(value, ensure_ascii=False)
        return shown if len(shown) <= 60 else shown[:57] + "..."
    if isinstance(value, dict):
        return "a table"
    return f"{type(value).__name__} {value!r}"


class _Lines:
    """Finds the line a table or key is written on (tomllib does not say)."""

    def __init__(self, text: str) -> None:
        self.entries: list[tuple[int, str, str]] = []  # (line, table, key)
        table = ""
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
            if header:
                table = ".".join(p.strip().strip("\"'") for p in header.group(1).split("."))
                self.entries.append((number, table, ""))
                continue
            key = re.match(r"""^("[^"]*"|'[^']*'|[A-Za-z0-9_\-.\s]+?)\s*=""", stripped)
            if key:
                dotted = ".".join(p.strip().strip("\"'") for p in key.group(1).split("."))
                full = f"{table}.{dotted}" if table else dotted
                self.entries.append((number, full.rsplit(".", 1)[0] if "." in full else "", full.rsplit(".", 1)[-1]))

    def find(self, table: str, key: str = "") -> int | None:
        for number, t, k in self.entries:
            if t == table and k == key:
                return number
        if key:
            return self.find(table)
        if "." in table:
            parent, _, last = table.rpartition(".")
            return self.find(parent, last)
        return None


def check_config(data: dict[str, Any], text: str) -> list[ConfigProblem]:
    """Every problem of a parsed ``study.toml`` (``data``, from ``text``), in file order."""
    lines = _Lines(text)
    problems: list[ConfigProblem] = []
    known_top = [*TOP, *TABLES, *MAPS]

    def wrong(line: int | None, where: str, key: Key, value: Any, name: str) -> None:
        problems.append(ConfigProblem(line, f"{where} must be {key.kind}, not {_type_name(value)}",
                                      f"write {name} = {key.example}"))

    for name, value in data.items():
        if name in TOP:
            if not TOP[name].check(value):
                wrong(lines.find("", name), f"'{name}'", TOP[name], value, name)
        elif name in TABLES:
            if not isinstance(value, dict):
                problems.append(ConfigProblem(lines.find("", name), f"'{name}' must be a table",
                                              f"write it as [{name}] followed by its keys"))
                continue
            for key, item in value.items():
                spec = TABLES[name].get(key)
                if spec is None:
                    near = _near(key, list(TABLES[name]))
                    problems.append(ConfigProblem(
                        lines.find(name, key), f"unknown key '{key}' in [{name}]",
                        f"did you mean '{near}'?" if near else f"[{name}] knows: {', '.join(TABLES[name])}"))
                elif not spec.check(item):
                    wrong(lines.find(name, key), f"'{key}' in [{name}]", spec, item, key)
        elif name in MAPS:
            _check_map(name, value, lines, problems, wrong)
        else:
            near = _near(name, known_top)
            is_table = isinstance(value, dict)
            shown = f"[{name}]" if is_table else f"'{name}'"
            if near:
                hint = f"did you mean {f'[{near}]' if near in (*TABLES, *MAPS) else repr(near)}?"
            else:
                hint = f"study.toml knows: {', '.join(known_top)} (docs/study.md)"
            problems.append(ConfigProblem(lines.find("", name) if not is_table else lines.find(name),
                                          f"unknown {'table' if is_table else 'key'} {shown}", hint))
    return sorted(problems, key=lambda p: p.line or 0)


def _check_map(name: str, value: Any, lines: _Lines, problems: list[ConfigProblem],
               wrong: Callable[[int | None, str, Key, Any, str], None]) -> None:
    spec = MAPS[name]
    if not isinstance(value, dict):
        problems.append(ConfigProblem(lines.find("", name), f"'{name}' must be a table",
                                      f"write it as [{name}] with lines such as: NAME = {spec.example}"))
        return
    for key, item in value.items():
        if not spec.check(item):
            wrong(lines.find(name, key), f"'{key}' in [{name}]", spec, item, key)
        elif spec is LABELS:
            for lang, label in item.items():
                if lang not in LABEL_KEYS:
                    problems.append(ConfigProblem(lines.find(name, key), f"unknown key '{lang}' in [{name}] {key}",
                                                  "labels are given as en and th"))
                elif not LABEL_KEYS[lang].check(label):
                    wrong(lines.find(name, key), f"'{lang}' of {key} in [{name}]", LABEL_KEYS[lang], label, lang)


def config_error(path: Any, problems: list[ConfigProblem]) -> Exception:
    """One :class:`ConfigError` reporting every problem (each also in its ``problems``)."""
    from fivep.errors import ConfigError

    each = [ConfigError(p.message, path=path, line=p.line, hint=p.hint) for p in problems]
    if len(each) == 1:
        return each[0]
    listed = "\n".join(f"  line {p.line}: {p.message} ({p.hint})" if p.line else f"  {p.message} ({p.hint})"
                       for p in problems)
    error = ConfigError(f"{len(problems)} problems in study.toml, all listed below; fix them and run again:\n"
                        + listed, path=path)
    error.problems = list(each)
    return error
