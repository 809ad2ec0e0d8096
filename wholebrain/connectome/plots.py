"""Figures of a connectome: glass brain, weight and delay matrices, delay distribution.

Every function returns a :class:`matplotlib.figure.Figure` built without ``pyplot`` (no
global figure state) and writes it to ``path`` when one is given (PNG by its suffix).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from .connectome import Connectome

__all__ = ["display_coords", "plot_delay_histogram", "plot_glass_brain", "plot_matrices"]


def display_coords(con: Connectome) -> np.ndarray:
    """Centres in an MNI-like RAS orientation (mm) for glass-brain display.

    ``"MNI"``/``"talairach"`` centres are returned as they are. For the tvb frames the axes
    are permuted to RAS (``"tvb"``: x anterior, y left -> RAS x = -y, y = x) and the voxel
    frames of tvb66/tvb68 are also centred on their mean. This is a display aid, not a
    registration: no scaling or template fit.
    """
    c = np.asarray(con.centres_mm, dtype=float)
    if not np.all(np.isfinite(c)):
        raise ValueError(
            f"{con.name or 'the connectome'} has no centres (frame {con.frame!r}); load it "
            "with centres= or atlas= to plot it on a brain"
        )
    if con.frame in ("MNI", "talairach"):
        return c.copy()
    if con.frame in ("tvb", "tvb66-voxel"):
        ras = np.column_stack([-c[:, 1], c[:, 0], c[:, 2]])
    elif con.frame == "tvb68-voxel":
        ras = np.column_stack([-c[:, 1], -c[:, 0], c[:, 2]])
    else:
        raise ValueError(
            f"cannot place frame {con.frame!r} on an MNI glass brain; give MNI centres"
        )
    if con.frame != "tvb":
        ras = ras - ras.mean(axis=0)
    return ras


def _save(fig: Figure, path: str | Path | None) -> Figure:
    if path is not None:
        fig.savefig(path, dpi=100, bbox_inches="tight")
    return fig


def plot_glass_brain(
    con: Connectome,
    path: str | Path | None = None,
    edge_threshold: str | float = "95%",
    title: str | None = None,
) -> Figure:
    """The connectome on a glass brain (``nilearn.plotting.plot_connectome``).

    Parameters
    ----------
    con : Connectome
        Centres in any frame :func:`display_coords` knows.
    path : path-like | None
        Where to write the figure (e.g. ``"tvb76.png"``).
    edge_threshold : str | float
        Edges shown: a percentile string (``"95%"``) or a weight. The weights are made
        symmetric (mean of both directions) because nilearn draws undirected edges.
    title : str | None
        Figure title; default the connectome's name.
    """
    from nilearn.plotting import plot_connectome

    fig = Figure(figsize=(9, 3.2))
    adjacency = (con.weights + con.weights.T) / 2.0
    np.fill_diagonal(adjacency, 0.0)
    colours = np.where(con.cortical[:, None], [[0.2, 0.4, 0.8]], [[0.85, 0.3, 0.1]])
    plot_connectome(
        adjacency,
        display_coords(con),
        node_color=colours.tolist(),
        node_size=12,
        edge_threshold=edge_threshold,
        figure=fig,
        title=title if title is not None else con.name,
        colorbar=False,  # nilearn 0.14 fails on a colorbar when ties leave no edge range
    )
    return _save(fig, path)


def plot_matrices(
    con: Connectome,
    velocity_m_s: float = 3.0,
    path: str | Path | None = None,
) -> Figure:
    """Weights and conduction delays side by side; rows = target, columns = source.

    Parameters
    ----------
    velocity_m_s : float
        Conduction velocity (m/s) for the delays.
    """
    delays = np.where(con.weights > 0, con.delays_ms(velocity_m_s), np.nan)
    fig = Figure(figsize=(11, 4.8), layout="constrained")
    axes = fig.subplots(1, 2)
    for ax, matrix, label, cmap in (
        (axes[0], con.weights, "weight (a.u.)", "viridis"),
        (axes[1], delays, f"delay at {velocity_m_s:g} m/s (ms)", "magma"),
    ):
        image = ax.imshow(matrix, cmap=cmap, interpolation="nearest")
        ax.set_xlabel("source region")
        ax.set_ylabel("target region")
        fig.colorbar(image, ax=ax, label=label, shrink=0.8)
    axes[0].set_title(f"{con.name or 'connectome'}: weights[target, source]")
    axes[1].set_title("delays (edges with weight > 0)")
    return _save(fig, path)


def plot_delay_histogram(
    con: Connectome,
    velocity_m_s: float = 3.0,
    dt_ms: float | None = None,
    path: str | Path | None = None,
    bins: int = 50,
) -> Figure:
    """Distribution of the delays of edges with non-zero weight.

    Parameters
    ----------
    velocity_m_s : float
        Conduction velocity (m/s).
    dt_ms : float | None
        Time step (ms): delays are floored at it (see ``Connectome.delays_ms``) and a line
        marks it.
    bins : int
        Histogram bins.
    """
    delays = con.delays_ms(velocity_m_s, dt_ms)[con.weights > 0]
    fig = Figure(figsize=(5.5, 3.8), layout="constrained")
    ax = fig.subplots()
    ax.hist(delays, bins=bins, color="0.35")
    if dt_ms is not None:
        ax.axvline(dt_ms, color="tab:red", lw=1, label=f"dt = {dt_ms:g} ms")
        ax.legend()
    ax.set_xlabel(f"delay at {velocity_m_s:g} m/s (ms)")
    ax.set_ylabel("edges")
    ax.set_title(f"{con.name or 'connectome'}: {delays.size} edges")
    return _save(fig, path)
