"""Venues: organisations (tenants), venues, rooms, opening hours and prices."""
