"""Figures for the notebooks; every function returns a matplotlib Figure (01_scaling_laws on)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from helpers import scaling


def iso_loss(fit: scaling.LossFit = scaling.CHINCHILLA_REFIT, marks: dict | None = None) -> Figure:
    """Iso-loss contours of L(N, D) with the compute-optimal frontier (01_scaling_laws)."""
    n = np.logspace(7, 12, 200)
    d = np.logspace(9, 14, 200)
    nn, dd = np.meshgrid(n, d)
    loss = scaling.chinchilla_loss(nn, dd, fit)
    fig, ax = plt.subplots(figsize=(7, 5))
    cs = ax.contour(nn, dd, loss, levels=np.round(np.linspace(1.9, 3.4, 11), 2), cmap="viridis")
    ax.clabel(cs, fontsize=7)
    compute = np.logspace(18, 27, 50)
    opt = np.array([scaling.chinchilla_optimal(c, fit) for c in compute])
    ax.plot(opt[:, 0], opt[:, 1], "r-", lw=2, label="compute-optimal frontier")
    ax.plot(n, 20 * n, "k--", lw=1, label="20 tokens / parameter")
    for name, (params, tokens) in (marks or {}).items():
        ax.scatter(params, tokens, s=25, zorder=3)
        ax.annotate(name, (params, tokens), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="parameters N",
        ylabel="training tokens D",
        xlim=(n[0], n[-1]),
        ylim=(d[0], d[-1]),
        title="Predicted loss L(N, D)",
    )
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def bars(
    labels: list[str],
    values: list[float],
    title: str,
    xlabel: str,
    highlight: set[str] | None = None,
) -> Figure:
    """A horizontal bar chart, optional labels highlighted (02_domain_data)."""
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(labels) + 1.2))
    colors = ["tab:red" if highlight and lab in highlight else "tab:blue" for lab in labels]
    ax.barh(labels, values, color=colors)
    ax.invert_yaxis()
    ax.set(title=title, xlabel=xlabel)
    fig.tight_layout()
    return fig
