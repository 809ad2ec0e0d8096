"""An append-only JSON-lines file of a study's results, written as each result arrives.

The first line names the study (a format tag and an ``identity`` dict: the model, the
settings); every later line is one record with a key (a trial number, a region). Opening an
existing journal with another identity is refused, naming what differs; opening it with the
same identity hands back its records, so a killed study resumes without rerunning them. A
line cut short by a kill is ignored (that record is simply made again).

The file is created only when the first record is written: a study that fails before its
first run (a bad setting, an unreachable scheduler) leaves nothing behind, and a file that
holds only a header counts as empty.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class Journal:
    """Records of one study, on disk when ``path`` is given (in memory otherwise).

    Parameters
    ----------
    path : path or None
        The JSON-lines file.
    identity : dict
        JSON-able description of the study; must match the file's.
    fmt : str
        Format tag of this kind of study (``"wholebrain.fit-history/1"``).
    key : str
        Field of each record that identifies it.
    """

    def __init__(self, path: str | os.PathLike | None, identity: dict, fmt: str, key: str):
        self.path = None if path is None else Path(path)
        self.key = key
        self.records: dict[Any, dict] = {}
        self._header: dict | None = {"format": fmt, "identity": identity}
        if self.path is None:
            return
        if self.path.exists() and not self.path.is_file():
            raise ValueError(f"{self.path} is a folder; give a file for the record")
        if self.path.exists() and self.path.stat().st_size > 0:
            self._load(identity, fmt)

    def _load(self, identity: dict, fmt: str) -> None:
        lines = self.path.read_text().splitlines()
        try:
            head = json.loads(lines[0])
        except (json.JSONDecodeError, IndexError):
            head = {}
        if not isinstance(head, dict) or head.get("format") != fmt:
            raise ValueError(f"{self.path} is not a {fmt.split('/')[0]} file; give another path")
        if len([line for line in lines[1:] if line.strip()]) == 0:
            return  # a header only: an empty record, written again with the first result
        old = head.get("identity", {})
        if old != identity:
            differ = sorted(k for k in set(identity) | set(old) if old.get(k) != identity.get(k))
            raise ValueError(
                f"{self.path} holds the results of another study (it differs in {differ}); "
                "give another file or delete this one"
            )
        for line in lines[1:]:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:  # a line cut by a kill: that record is made again
                continue
            self.records[rec[self.key]] = rec
        self._header = None  # the file has its header

    def _append(self, record: dict) -> None:
        if self.path is None:
            return
        lines = [record]
        mode = "a"
        if self._header is not None:  # the first record: create the file with its header
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lines, mode = [self._header, record], "w"
            self._header = None
        with open(self.path, mode) as f:
            f.write("".join(json.dumps(line) + "\n" for line in lines))
            f.flush()
            os.fsync(f.fileno())

    def add(self, record: dict) -> None:
        """Keep ``record`` and append it to the file at once."""
        self.records[record[self.key]] = record
        self._append(record)
