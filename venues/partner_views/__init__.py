"""Pages of the partner dashboard (/dashboard/), one module per section.

Every page that touches an organisation's objects goes through `venue_page` / `organisation_page`
(venues/partner.py), so another organisation's member gets 404 and a too-weak role 403:

- `organisations`: the way in, the list of the member's businesses, the team and invitations;
- `venues`: venues, their photos and rooms;
- `schedule`: weekly hours, exceptions, the schedule confirmation, a room's prices;
- `points`: the venue's points and cashback settings and period rules.

Routes: venues/urls_dashboard.py.
"""
