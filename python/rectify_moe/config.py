"""Routing settings and the spec's integer capacity arithmetic (routing-spec.md sections 1-2).

The capacity factor is kept in ten-thousandths, as the Swift engine does, so that ``C`` is the
same integer on both sides: ``ceil(n * 1.1)`` in doubles can round up through float error.
"""

from __future__ import annotations

from dataclasses import dataclass

MODES = ("vanilla", "ir", "fr", "ir+fr")
DROP_POLICIES = ("score", "position", "choice")
GATES = ("topk", "softmax")


def ten_thousandths(factor: float) -> int:
    """The factor times 10,000 as an exact integer; rejects more than four decimal places."""
    scaled = round(float(factor) * 10_000)
    if scaled <= 0 or abs(scaled - float(factor) * 10_000) > 1e-6 * max(1.0, float(factor) * 10_000):
        raise ValueError(f"capacity factor {factor!r} must be positive with at most 4 decimal places")
    return scaled


def ceil_scaled(numerator: int, factor: float, denominator: int) -> int:
    """``ceil(numerator * factor / denominator)`` in integers (the factor has at most 4 places)."""
    top = numerator * ten_thousandths(factor)
    bottom = denominator * 10_000
    return (top + bottom - 1) // bottom


def capacity(tokens_per_gpu: int, top_k: int, experts: int, factor: float, min_capacity: int = 1) -> int:
    """Slots per (source GPU, expert): ``C = max(minCapacity, ceil(n * k * cf / E))`` (section 2)."""
    return max(min_capacity, ceil_scaled(tokens_per_gpu * top_k, factor, experts))


def ir_capacity(c: int, ir_factor: float | None) -> int | None:
    """IR tokens one expert accepts per step, ``ceil(irCapacityFactor * C)``; None is unbounded."""
    return None if ir_factor is None else ceil_scaled(c, ir_factor, 1)


@dataclass(frozen=True)
class RouteConfig:
    """Everything the routing decision depends on (the layer's weights do not)."""

    num_experts: int
    top_k: int
    capacity_factor: float = 1.0
    mode: str = "vanilla"
    drop_policy: str = "score"
    min_capacity: int = 1
    ir_capacity_factor: float | None = None
    gate: str = "topk"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode {self.mode!r} is not one of {MODES}")
        if self.drop_policy not in DROP_POLICIES:
            raise ValueError(f"drop_policy {self.drop_policy!r} is not one of {DROP_POLICIES}")
        if self.gate not in GATES:
            raise ValueError(f"gate {self.gate!r} is not one of {GATES}")
        if not 1 <= self.top_k <= self.num_experts:
            raise ValueError(f"top_k {self.top_k} must be between 1 and num_experts {self.num_experts}")
        if self.min_capacity < 0:
            raise ValueError("min_capacity must be >= 0")
        ten_thousandths(self.capacity_factor)
        if self.ir_capacity_factor is not None:
            ten_thousandths(self.ir_capacity_factor)

    @property
    def uses_ir(self) -> bool:
        return self.mode in ("ir", "ir+fr")

    @property
    def uses_fr(self) -> bool:
        return self.mode in ("fr", "ir+fr") and self.top_k < self.num_experts
