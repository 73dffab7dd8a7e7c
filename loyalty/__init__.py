"""Loyalty: the points ledger, lots with expiry, earning and spending points."""
