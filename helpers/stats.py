"""Uncertainty: rates with Wilson intervals, paired differences, bootstrap (03_rag onward)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as scipy_stats


@dataclass(frozen=True)
class Rate:
    """k successes out of n, with its Wilson 95 % interval (03_rag onward)."""

    k: int
    n: int

    @property
    def value(self) -> float:
        """k / n; NaN when there are no items."""
        return self.k / self.n if self.n else float("nan")

    def interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """Wilson score interval (scipy), (nan, nan) when n is 0."""
        if not self.n:
            return float("nan"), float("nan")
        ci = scipy_stats.binomtest(self.k, self.n).proportion_ci(confidence, method="wilson")
        return float(ci.low), float(ci.high)

    def __str__(self) -> str:
        if not self.n:
            return "n=0"
        low, high = self.interval()
        return f"{self.value:.1%} ({self.k}/{self.n}; 95% CI {low:.0%}-{high:.0%})"


def rate(flags: Sequence[bool]) -> Rate:
    """The Rate of a list of per-item outcomes (03_rag onward)."""
    return Rate(int(sum(bool(f) for f in flags)), len(flags))


def rate_metrics(prefix: str, rates: dict[str, Rate]) -> dict[str, Any]:
    """Rates flattened for results.save: value, n and 95 % interval per name (03_rag onward)."""
    out: dict[str, Any] = {}
    for name, r in rates.items():
        if not r.n:
            continue
        out[f"{prefix}{name}"] = r.value
        out[f"{prefix}{name}_n"] = r.n
        out[f"{prefix}{name}_ci95"] = [round(x, 4) for x in r.interval()]
    return out


def rate_table(rates: dict[str, dict[str, Rate]]) -> Any:
    """A DataFrame of "value (k/n; CI)" strings, one column per method (03_rag onward)."""
    import pandas as pd

    table = pd.DataFrame({m: {k: str(v) for k, v in r.items()} for m, r in rates.items()})
    return table.fillna("-")  # a score a method does not have (no passages, no citations)


def _resampled_means(x: np.ndarray, rng: np.random.Generator, resamples: int) -> np.ndarray:
    """Means of `resamples` bootstrap resamples of x's items."""
    return x[rng.integers(0, len(x), size=(resamples, len(x)))].mean(axis=1)


@dataclass(frozen=True)
class _Difference:
    """A difference of two rates with its 95 % interval."""

    diff: float
    low: float
    high: float

    @property
    def shown(self) -> bool:
        """True when the interval excludes zero: a difference this sample can show."""
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class PairedDifference(_Difference):
    """Rate of A minus rate of B on the same items, paired bootstrap 95 % CI (03_rag onward)."""

    n: int
    a_only: int  # items A got right and B did not
    b_only: int
    p_mcnemar: float  # exact McNemar test on the discordant pairs

    def __str__(self) -> str:
        verdict = "" if self.shown else "; not shown at this size"
        return (
            f"{100 * self.diff:+.1f} points "
            f"(95% CI {100 * self.low:+.1f} to {100 * self.high:+.1f}, "
            f"n={self.n}, {self.a_only} vs {self.b_only} discordant, McNemar p={self.p_mcnemar:.3f}"
            f"{verdict})"
        )


def paired_difference(
    a: Sequence[bool], b: Sequence[bool], seed: int = 0, resamples: int = 10_000
) -> PairedDifference:
    """Compare two methods scored on the same items: bootstrap over items + McNemar (03_rag)."""
    if len(a) != len(b) or not a:
        raise ValueError("need the same non-empty list of items scored by both methods")
    x = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    means = _resampled_means(x, np.random.default_rng(seed), resamples)
    low, high = np.percentile(means, [2.5, 97.5])
    a_only, b_only = int((x > 0).sum()), int((x < 0).sum())
    p = scipy_stats.binomtest(a_only, a_only + b_only).pvalue if a_only + b_only else 1.0
    return PairedDifference(
        float(x.mean()), float(low), float(high), len(x), a_only, b_only, float(p)
    )


def bootstrap_interval(
    statistic: Callable[[np.ndarray], float], n: int, seed: int = 0, resamples: int = 1000
) -> tuple[float, float]:
    """Percentile 95 % interval of statistic(item indices) over resampled items (04_qlora_sft)."""
    rng = np.random.default_rng(seed)
    values = [statistic(rng.integers(0, n, size=n)) for _ in range(resamples)]
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


@dataclass(frozen=True)
class PerplexityRatio:
    """Perplexity of A over perplexity of B on the same text blocks, bootstrap 95 % CI (05_dapt)."""

    ratio: float
    low: float
    high: float
    n: int  # blocks

    @property
    def shown(self) -> bool:
        """True when the interval excludes 1: a change this many blocks can show."""
        return self.low > 1 or self.high < 1

    def __str__(self) -> str:
        verdict = "" if self.shown else "; not shown at this size"
        interval = f"95% CI x{self.low:.2f}-x{self.high:.2f}"
        return f"x{self.ratio:.2f} ({interval}, n={self.n} blocks{verdict})"


def perplexity_ratio(
    a: Sequence[float], b: Sequence[float], seed: int = 0, resamples: int = 10_000
) -> PerplexityRatio:
    """exp(mean loss A - mean loss B) on the same blocks, paired bootstrap (05_dapt)."""
    if len(a) != len(b) or not len(a):
        raise ValueError("need the per-block losses of both models on the same non-empty blocks")
    x = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    means = _resampled_means(x, np.random.default_rng(seed), resamples)
    low, high = np.exp(np.percentile(means, [2.5, 97.5]))
    return PerplexityRatio(float(np.exp(x.mean())), float(low), float(high), len(x))


@dataclass(frozen=True)
class GroupDifference(_Difference):
    """Rate of group A minus rate of group B, different items, bootstrap CI (06_which_method)."""

    n_a: int
    n_b: int

    def __str__(self) -> str:
        verdict = "" if self.shown else "; not shown at this size"
        return (
            f"{100 * self.diff:+.1f} points (95% CI {100 * self.low:+.1f} to "
            f"{100 * self.high:+.1f}, n={self.n_a} vs {self.n_b}, unpaired{verdict})"
        )


def group_difference(
    a: Sequence[bool], b: Sequence[bool], seed: int = 0, resamples: int = 10_000
) -> GroupDifference:
    """One method on two different item groups, each resampled on its own (06_which_method)."""
    if not len(a) or not len(b):
        raise ValueError("need two non-empty groups of scored items")
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    rng = np.random.default_rng(seed)  # one stream: group A's resamples, then group B's
    means = _resampled_means(x, rng, resamples) - _resampled_means(y, rng, resamples)
    low, high = np.percentile(means, [2.5, 97.5])
    return GroupDifference(float(x.mean() - y.mean()), float(low), float(high), len(x), len(y))
