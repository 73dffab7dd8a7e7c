"""Extension points: a lower app names one, higher apps register into it (apps import downward).

Every extension point of the project is a `Registry`: the periodic jobs (`core.jobs`), the
e-mails (`core.emails`), the catalogue's search filters and cashback % and the partner
dashboard's venue navigation (`venues.extensions`), and the points programme bookings uses
(`bookings.points`). A higher app registers its items in `AppConfig.ready()` (or, for
decorators, when the module the registry's owner autodiscovers is imported).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Items of one kind, each under its own key, listed in registration order (or `order`).

    Registering an item again under its key is harmless (an app's `ready()` may run twice in
    tests); another item under a taken key is a mistake and raises.
    """

    def __init__(
        self,
        name: str,
        *,
        key: Callable[[T], Hashable],
        order: Callable[[T], int] | None = None,
    ) -> None:
        self.name = name
        self._key = key
        self._order = order
        self._items: dict[Hashable, T] = {}

    def register(self, item: T) -> T:
        """Add `item`; returns it, so a registry can decorate what it collects."""
        key = self._key(item)
        taken = self._items.get(key)
        if taken is not None and taken != item:
            raise ValueError(f"{self.name}: {key!r} is registered twice")
        self._items[key] = item
        return item

    def get(self, key: Hashable) -> T:
        try:
            return self._items[key]
        except KeyError:
            raise LookupError(f"{self.name}: nothing registered as {key!r}") from None

    def first(self, default: T) -> T:
        """The one item of a registry that holds a single implementation, or `default`."""
        return next(iter(self), default)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        items = list(self._items.values())
        if self._order is not None:
            items.sort(key=self._order)
        return iter(items)

    def __len__(self) -> int:
        return len(self._items)
