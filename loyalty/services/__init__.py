"""Write operations of loyalty, in two parts:

- `ledger`: the engine that records every movement of points once (locks, idempotency,
  postings, lots) and the operations on it — credits, spending, corrections, expiry;
- `earning`: why points are given — cashback, tiers, bonuses, campaigns, holiday grants.

Other code imports the public names from here: `from loyalty import services;
services.points_spend(services.Movement(...))`.
"""

from loyalty.services.earning import *  # noqa: F403 - the public names of the earning part
from loyalty.services.earning import __all__ as _earning
from loyalty.services.ledger import *  # noqa: F403 - the public names of the ledger part
from loyalty.services.ledger import __all__ as _ledger

__all__ = [*_ledger, *_earning]
