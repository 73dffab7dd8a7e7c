"""Partner API (/api/v1/partner/): what the dashboard does, scoped to the caller's organisations.

Every object is resolved through venues.selectors (another organisation's object is a 404, a
too-weak role a 403); every write calls one service, whose errors core.api turns into JSON.
One module per section of the dashboard, each with its input and output serializers:

- `organisations`: organisations, members and invitations;
- `venues`: venues, their photos and rooms;
- `schedule`: opening hours, exceptions, the schedule confirmation and room prices;
- `points`: points settings of venues and rooms, and the period rules.

Routes: venues/urls_api_partner.py.
"""
