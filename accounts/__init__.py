"""Accounts: the custom user (log in by e-mail), profile, sign-up and API tokens."""
