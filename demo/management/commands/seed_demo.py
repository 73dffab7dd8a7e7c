"""Load the demo data once: `manage.py seed_demo` (safe to run again; it adds nothing twice)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from demo import accounts as accounts_demo
from demo import loyalty as loyalty_demo
from demo import venues as venues_demo


class Command(BaseCommand):
    help = "Create the demo users, venues and history (idempotent)."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            users = accounts_demo.seed()
            venues = venues_demo.seed(owner=users["owner"])
            venues_demo.seed_points(venues)
            loyalty_demo.seed(client=users["client"])
            loyalty_demo.seed_history(client=users["client"], venues=venues)
        self.stdout.write(f"Demo venues: {len(venues)}")
        self.stdout.write(f"Demo logins (password: {accounts_demo.DEMO_PASSWORD}):")
        for role, (email, _name, _flags) in accounts_demo.DEMO_USERS.items():
            self.stdout.write(f"  {role:7} {email}")
