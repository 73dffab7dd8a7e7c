"""Referrals: invite links and the points both friends earn when the invited one books."""
