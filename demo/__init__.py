"""Demo data for `make run`: the demo logins, venues and points history, above every domain app."""
