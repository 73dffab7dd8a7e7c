"""Demo data of accounts: the three demo logins."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from accounts.models import User

DEMO_PASSWORD = "bronka-demo"  # noqa: S105 - published in the README on purpose
DEMO_USERS = {
    "client": ("client@example.com", "Анна Смирнова", {}),
    "owner": ("owner@example.com", "Игорь Волков", {}),
    "staff": (
        "staff@example.com",
        "Служба поддержки Бронька",
        {"is_staff": True, "is_superuser": True},
    ),
}


def seed() -> dict[str, User]:
    """Create the demo users with confirmed e-mails (idempotent); returns them by role."""
    users = {}
    for role, (email, name, flags) in DEMO_USERS.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, name=name, **flags)
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users[role] = user
    return users
