"""`flask bank check` and `flask bank coverage`: output and exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask

BROKEN = """\
id: broken-bank
title: "Broken"
description: "Broken on purpose."
source: social-media
questions:
  - id: br-01
    type: single
    prompt: "Which?"
    choices: ["A", "B"]
    answer: "C"
    explanation: no
    source: {document: social-media, section: activism}
    difficulty: easy
"""


def test_check_passes_on_the_shipped_banks(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["bank", "check"])
    assert result.exit_code == 0, result.output
    assert "OK: 3 banks" in result.output
    assert "types: single" in result.output and "difficulty: easy" in result.output


def test_check_fails_with_every_problem_and_no_traceback(app: Flask, tmp_path: Path) -> None:
    shutil.copy(Path(app.config["QUESTIONS_DIR"]) / "sources.yaml", tmp_path)
    (tmp_path / "broken.yaml").write_text(BROKEN)
    (tmp_path / "junk.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    app.config["QUESTIONS_DIR"] = str(tmp_path)
    result = app.test_cli_runner().invoke(args=["bank", "check"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(
        line.endswith("broken.yaml:10: answer 'C' is not one of the choices") for line in lines
    )
    assert any("broken.yaml:11: explanation must be text" in line for line in lines)
    assert any("junk.yaml:1: the file is not UTF-8 text" in line for line in lines)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_check_accepts_a_single_file_and_reports_a_missing_one(app: Flask) -> None:
    runner = app.test_cli_runner()
    one = Path(app.config["QUESTIONS_DIR"]) / "social-media.yaml"
    assert runner.invoke(args=["bank", "check", str(one)]).exit_code == 0
    missing = runner.invoke(args=["bank", "check", "nope.yaml"])
    assert missing.exit_code == 1
    assert "nope.yaml:1: no such file or folder" in missing.output


def test_coverage_lists_every_section_and_flags_none(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["bank", "coverage"])
    assert result.exit_code == 0, result.output
    assert "1. Unprecedented Album Sales" in result.output
    assert "FAQ: what is done about mental health" in result.output
    assert "thin" not in result.output


def test_coverage_flags_a_thin_section(app: Flask, tmp_path: Path) -> None:
    shutil.copy(Path(app.config["QUESTIONS_DIR"]) / "sources.yaml", tmp_path)
    (tmp_path / "small.yaml").write_text(BROKEN.replace('"C"', '"A"').replace(": no", ': "x"'))
    app.config["QUESTIONS_DIR"] = str(tmp_path)
    result = app.test_cli_runner().invoke(args=["bank", "coverage"])
    assert result.exit_code == 1
    assert "1  6. Social Media Activism: K-pop Fandoms as Forces of Good  <- thin" in result.output


def test_load_records_each_version_once(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["bank", "load"])
    second = runner.invoke(args=["bank", "load"])
    assert first.exit_code == 0, first.output
    assert "Loaded 110 questions (110 new versions recorded)." in first.output
    assert "(0 new versions recorded)" in second.output
