"""Events referrals announces after commit (core.after_commit).

`referral_rewarded` is sent with `sender=Referral` and `referral_id=<int>` once both friends got
their points; its receiver e-mails the inviter.
"""

from __future__ import annotations

from django.dispatch import Signal

referral_rewarded = Signal()
