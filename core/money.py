"""Money helpers: roubles as Decimal with two places, rounded in one place (STYLE.md rule 7)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# Every price and payment is in roubles (ISO 4217 code, as payment providers name it).
CURRENCY = "RUB"


def money(value: Decimal | int | str) -> Decimal:
    """Round an amount of roubles to kopecks, halves up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
