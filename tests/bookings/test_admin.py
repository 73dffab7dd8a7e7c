"""Staff in admin: bookings are read-only; a review can only be taken down, and that is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bookings.models import Review
from tests.admin_pages import audited
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def test_a_review_taken_down_in_admin_is_audited_with_what_it_said(client, staff_user, room_a):
    booking = BookingFactory(room=room_a, status="completed")
    review = Review.objects.create(
        booking=booking, room=room_a, user=booking.user, rating=1, comment="Спам"
    )
    client.force_login(staff_user)
    change = reverse("admin:bookings_review_change", args=[review.pk])
    page = client.get(change).content.decode()
    assert 'name="_save"' not in page  # nothing to edit: the review is the client's
    delete = reverse("admin:bookings_review_delete", args=[review.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Review.objects.exists()
    assert audited("review.remove", staff_user).before["comment"] == "Спам"
