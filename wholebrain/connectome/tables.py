"""Single matrices and label lists as text or NumPy files (CSV, TSV, whitespace TXT, NPY)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_matrix(
    path: str | Path, label_column: int | None = None
) -> tuple[np.ndarray, list[str] | None]:
    """Read a square matrix from ``.npy``, ``.csv``, ``.tsv`` or whitespace ``.txt``.

    Parameters
    ----------
    path : path-like
        The file. In text files a first row of non-numbers is taken as column labels and a
        first column of non-numbers as row labels (both must then agree).
    label_column : int | None
        Column of a text file that holds the labels, removed from the matrix. ``None``
        detects a non-numeric first column.

    Returns
    -------
    matrix : ndarray
        The numbers, as float.
    labels : list of str | None
        Labels found in the file, or ``None``.
    """
    path = Path(path)
    if path.suffix == ".npy":
        return np.asarray(np.load(path, allow_pickle=False), dtype=float), None
    text = path.read_text()
    delimiter = {".csv": ",", ".tsv": "\t"}.get(path.suffix)
    rows = [
        r
        for r in csv.reader(io.StringIO(text), delimiter=delimiter or " ", skipinitialspace=True)
        if r
    ]
    if delimiter is None:
        rows = [[c for c in r if c] for r in rows]
    header = None
    if rows and not all(_is_number(c) for c in rows[0][1:] if c):
        header = [c.strip() for c in rows[0]]
        rows = rows[1:]
    if label_column is None and rows and not _is_number(rows[0][0]):
        label_column = 0
    row_labels = None
    if label_column is not None:
        row_labels = [r[label_column].strip() for r in rows]
        rows = [r[:label_column] + r[label_column + 1 :] for r in rows]
        if header is not None and len(header) == len(rows[0]) + 1:
            header = header[:label_column] + header[label_column + 1 :]
    lengths = sorted({len(r) for r in rows})
    if len(lengths) > 1:
        short = next(k for k, r in enumerate(rows) if len(r) != len(rows[0]))
        raise ValueError(
            f"{path}: rows have different numbers of cells ({lengths}; e.g. data row "
            f"{short + 1} has {len(rows[short])}, the first {len(rows[0])}); every row must "
            "hold one value per region"
        )
    try:
        matrix = np.array([[float(c) for c in r] for r in rows], dtype=float)
    except ValueError as err:
        raise ValueError(
            f"{path} holds non-numeric cells ({err}); keep labels in one header row and/or "
            "one column (label_column=) and numbers everywhere else"
        ) from None
    if header is not None and row_labels is not None and header != row_labels:
        raise ValueError(
            f"{path}: header labels and row labels differ; make both list the regions in "
            "the same order"
        )
    return matrix, row_labels if row_labels is not None else header


def read_labels(path: str | Path) -> list[str]:
    """Labels from a text file, one per line; blank lines and ``#`` comments are skipped."""
    lines = Path(path).read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def save_matrix(path: str | Path, matrix: np.ndarray, labels: Sequence[str] | None = None) -> None:
    """Write one matrix to ``.npy`` (numbers only) or ``.csv`` (labels in header and column)."""
    path = Path(path)
    matrix = np.asarray(matrix, dtype=float)
    if path.suffix == ".npy":
        np.save(path, matrix)
        return
    if path.suffix != ".csv":
        raise ValueError(f"cannot write a matrix to {path.suffix!r}; use .csv or .npy")
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        if labels is not None:
            writer.writerow(["", *labels])
        for i, row in enumerate(matrix):
            values = [repr(float(v)) for v in row]
            writer.writerow([labels[i], *values] if labels is not None else values)
