"""An append-only JSON-lines file of a study's results, written as each result arrives.

The first line names the study (a format tag and an ``identity`` dict: the model, the
settings); every later line is one record with a key (a trial number, a region). Opening an
existing journal with another identity is refused, naming what differs; opening it with the
same identity hands back its records, so a killed study resumes without rerunning them. A
line cut short by a kill is ignored (that record is simply made again).
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
        if self.path is None:
            return
        if self.path.exists() and self.path.stat().st_size > 0:
            self._load(identity, fmt)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._append({"format": fmt, "identity": identity})

    def _load(self, identity: dict, fmt: str) -> None:
        lines = self.path.read_text().splitlines()
        try:
            head = json.loads(lines[0])
        except (json.JSONDecodeError, IndexError):
            head = {}
        if not isinstance(head, dict) or head.get("format") != fmt:
            raise ValueError(f"{self.path} is not a {fmt.split('/')[0]} file; give another path")
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

    def _append(self, record: dict) -> None:
        if self.path is None:
            return
        with open(self.path, "a") as f:
            f.write(json.dumps(record) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def add(self, record: dict) -> None:
        """Keep ``record`` and append it to the file at once."""
        self.records[record[self.key]] = record
        self._append(record)
