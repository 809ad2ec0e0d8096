"""A study's journal: created with its first record; a header-only file counts as empty."""

from __future__ import annotations

import json

import pytest

from wholebrain.studies.journal import Journal

FMT = "wholebrain.fit-history/1"


def test_no_file_until_the_first_record(tmp_path):
    path = tmp_path / "sub" / "h.jsonl"
    journal = Journal(path, {"a": 1}, FMT, key="trial")
    assert not path.exists() and not path.parent.exists()
    journal.add({"trial": 0, "value": 1.0})
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert lines == [{"format": FMT, "identity": {"a": 1}}, {"trial": 0, "value": 1.0}]
    again = Journal(path, {"a": 1}, FMT, key="trial")
    assert again.records == {0: {"trial": 0, "value": 1.0}}


def test_a_header_only_record_counts_as_empty(tmp_path):
    path = tmp_path / "h.jsonl"
    path.write_text(json.dumps({"format": FMT, "identity": {"a": 1}}) + "\n")
    journal = Journal(path, {"a": 2}, FMT, key="trial")  # another study: not refused
    assert journal.records == {}
    journal.add({"trial": 0})
    head = json.loads(path.read_text().splitlines()[0])
    assert head["identity"] == {"a": 2} and len(path.read_text().splitlines()) == 2


def test_records_of_another_study_and_foreign_files_are_refused(tmp_path):
    path = tmp_path / "h.jsonl"
    Journal(path, {"a": 1}, FMT, key="trial").add({"trial": 0})
    with pytest.raises(ValueError, match="another study .*'a'"):
        Journal(path, {"a": 2}, FMT, key="trial")
    other = tmp_path / "notes.txt"
    other.write_text("my notes\n")
    with pytest.raises(ValueError, match="not a wholebrain.fit-history file"):
        Journal(other, {"a": 1}, FMT, key="trial")
    assert other.read_text() == "my notes\n"
