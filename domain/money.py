"""Decimal helpers: one canonical form so 1000, 1000.0 and 1000.000 are the same number everywhere."""

from __future__ import annotations

from decimal import Decimal


def canonical(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent form (120.00 -> 120, 0.0230 -> 0.023)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def plain(value: Decimal) -> str:
    return format(canonical(value), "f")
