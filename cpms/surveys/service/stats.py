"""Survey statistics from SQL aggregates: Wilson intervals, weighted means, changes between rounds.

Every estimate starts from the five sums one GROUP BY query returns for a cell: the number of valid
answers n, Σw, Σw², Σw·x and Σw·x² (x is 1/0 for shares and rates, the number for means). With weights,
intervals use Kish's effective sample size n_eff = (Σw)² / Σw².
"""
from dataclasses import dataclass
from math import erfc, sqrt

Z95 = 1.959963984540054
MIN_CELL = 5  # cells with fewer valid answers are suppressed for viewers and in exports


@dataclass
class Estimate:
    n: int
    n_eff: float
    value: float | None
    low: float | None
    high: float | None
    se: float | None
    suppressed: bool = False

    def hidden(self):
        """The same cell with its figures removed (fewer than MIN_CELL answers)."""
        return Estimate(self.n, self.n_eff, None, None, None, None, suppressed=True)


def effective_n(sum_w, sum_w2):
    return (sum_w * sum_w) / sum_w2 if sum_w2 else 0.0


def wilson(p, n, z=Z95):
    """Wilson score interval of a proportion p observed on n (possibly effective) answers."""
    if n <= 0:
        return None, None
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def share_estimate(n, sum_w, sum_w2, sum_wx):
    """A (weighted) share with its Wilson 95 % interval."""
    if not n or not sum_w:
        return Estimate(n or 0, 0.0, None, None, None, None)
    p = sum_wx / sum_w
    n_eff = effective_n(sum_w, sum_w2)
    low, high = wilson(p, n_eff)
    return Estimate(n, n_eff, p, low, high, sqrt(p * (1 - p) / n_eff))


def mean_estimate(n, sum_w, sum_w2, sum_wx, sum_wx2):
    """A (weighted) mean with a normal 95 % interval (standard error from the weighted variance and n_eff)."""
    if not n or not sum_w:
        return Estimate(n or 0, 0.0, None, None, None, None)
    mean = sum_wx / sum_w
    n_eff = effective_n(sum_w, sum_w2)
    if n < 2:
        return Estimate(n, n_eff, mean, None, None, None)
    variance = max(0.0, sum_wx2 / sum_w - mean * mean) * n / (n - 1)
    se = sqrt(variance / n_eff)
    return Estimate(n, n_eff, mean, mean - Z95 * se, mean + Z95 * se, se)


@dataclass
class Change:
    difference: float  # later − earlier (percentage points ×100 for shares)
    relative: float | None  # (later − earlier) / earlier
    p_value: float | None


def two_sided_p(z):
    return erfc(abs(z) / sqrt(2))


def compare(earlier, later, kind):
    """Change from one round's estimate to another's, and the p-value of the difference.

    Shares and rates: two-proportion z-test with the pooled proportion (effective sizes when
    weighted); means: z-test with the two standard errors.
    """
    if earlier is None or later is None or earlier.value is None or later.value is None:
        return None
    difference = later.value - earlier.value
    relative = difference / earlier.value if earlier.value else None
    if kind == "mean":
        se = sqrt((earlier.se or 0) ** 2 + (later.se or 0) ** 2) if earlier.se is not None and later.se is not None else 0
    else:
        n1, n2 = earlier.n_eff, later.n_eff
        pooled = (earlier.value * n1 + later.value * n2) / (n1 + n2)
        se = sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p_value = two_sided_p(difference / se) if se else None
    return Change(difference, relative, p_value)
