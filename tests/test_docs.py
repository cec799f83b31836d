"""Every CLI command is documented in the README (a habit from sqlite-utils)."""

from __future__ import annotations

from pathlib import Path

from fivep.cli import app, codebook_app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _names(typer_app) -> list[str]:
    return [c.name or c.callback.__name__ for c in typer_app.registered_commands]


def test_every_command_is_in_the_readme() -> None:
    missing = [name for name in _names(app) if f"fivep {name}" not in README]
    assert missing == []


def test_codebook_subcommands_are_in_the_readme() -> None:
    for name in _names(codebook_app):
        assert name in README.split("fivep codebook", 1)[1].split("\n", 1)[0]


def test_readme_opens_with_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line for line in quick.splitlines()[1:] if line.strip()]
    assert [c.split("#")[0].strip() for c in commands] == ["make demo", "make test"]
