"""Bookings: free slots, quotes, bookings that never overlap, payments and their lifecycle."""
