"""The Brian2 network of a model, built on the device now active."""

from __future__ import annotations

from typing import Any

from ..brain import BrainModel
from .settings import RunSettings


def build_network(
    model: BrainModel,
    params: list[Any],
    settings: RunSettings,
    seed: int,
    long_range: list[Any] | None,
) -> Any:
    """Every column of ``model`` in one set of Brian2 objects (a column model's
    ``ColumnNetwork``), recording as ``settings`` say; ``seed`` draws what the build draws
    (the random local connectivity of the cheap column models, initial values)."""
    return model.column_model.build(
        params,
        seed=seed,
        record_dt_ms=settings.record_dt_ms,
        record_states=settings.record_states,
        record_cells=settings.record_cells,
        long_range=long_range,
        stream_ids=list(model.kept_indices),
    )
