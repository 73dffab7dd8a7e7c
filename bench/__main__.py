"""`python -m bench [NAME] [OPTIONS]`: run one benchmark (or all of them, with defaults)."""

from __future__ import annotations

import sys

from bench import bookings, catalogue, clients, holiday_grants, ledger

BENCHES = {
    "catalogue": catalogue.main,
    "bookings": bookings.main,
    "ledger": ledger.main,
    "holiday_grants": holiday_grants.main,
}
# Against a running server, so only by name: `python -m bench clients --url URL`.
BY_NAME_ONLY = {"clients": clients.main}

if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] in BENCHES | BY_NAME_ONLY:
        (BENCHES | BY_NAME_ONLY)[args[0]](args[1:])
    else:
        for bench in BENCHES.values():
            bench(args)
