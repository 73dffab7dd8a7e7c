"""Extension points: items under their own keys, in order; a second item under a key is refused."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from core.registry import Registry


@dataclass(frozen=True)
class Item:
    name: str
    order: int = 0


def test_items_come_back_in_their_order_and_by_key():
    registry = Registry("test", key=lambda item: item.name, order=lambda item: item.order)
    registry.register(Item("b", 20))
    registry.register(Item("a", 10))
    assert [item.name for item in registry] == ["a", "b"]
    assert registry.get("b") == Item("b", 20)
    assert "a" in registry and "c" not in registry


def test_registering_the_same_item_twice_is_harmless_but_another_under_its_key_is_refused():
    registry = Registry("test", key=lambda item: item.name)
    registry.register(Item("a"))
    registry.register(Item("a"))
    assert len(registry) == 1
    with pytest.raises(ValueError, match="'a' is registered twice"):
        registry.register(Item("a", 5))


def test_a_single_implementation_falls_back_to_its_default():
    registry: Registry[Item] = Registry("test", key=lambda item: "only")
    assert registry.first(default=Item("default")) == Item("default")
    registry.register(Item("real"))
    assert registry.first(default=Item("default")) == Item("real")


def test_an_unknown_key_names_the_registry():
    with pytest.raises(LookupError, match="jobs: nothing registered as 'x'"):
        Registry("jobs", key=lambda item: item.name).get("x")
