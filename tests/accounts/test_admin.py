"""Staff in admin: a user's profile and access are changed through the accounts services."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from accounts.models import User
from tests.admin_pages import audited, open_form, refused
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"
    return client


def test_a_birthday_set_in_admin_is_dated_and_audited_like_one_the_client_sets(staff, staff_user):
    anna = UserFactory(name="Анна", birthday=None)
    url = reverse("admin:accounts_user_change", args=[anna.pk])
    data = open_form(staff, url)
    data["birthday"] = "1990-05-17"
    assert staff.post(url, data).status_code == 302
    anna.refresh_from_db()
    assert anna.birthday == datetime.date(1990, 5, 17)
    assert anna.birthday_set_at is not None  # the birthday bonus waits 30 days from here
    entry = audited("profile.update", staff_user)
    assert entry.after["birthday"] == "1990-05-17"


def test_staff_rights_granted_in_admin_are_audited(staff, staff_user):
    boris = UserFactory()
    url = reverse("admin:accounts_user_change", args=[boris.pk])
    data = open_form(staff, url)
    data["is_staff"] = "on"
    assert staff.post(url, data).status_code == 302
    boris.refresh_from_db()
    assert boris.is_staff
    entry = audited("user.access", staff_user)
    assert (entry.before["is_staff"], entry.after["is_staff"]) == (False, True)


def test_a_user_added_in_admin_is_audited_and_a_taken_email_is_refused(staff, staff_user):
    add = reverse("admin:accounts_user_add")
    form = {"email": "vera@example.com", "password1": "Long-enough-9", "password2": "Long-enough-9"}
    assert staff.post(add, form).status_code == 302
    vera = User.objects.get(email="vera@example.com")
    assert vera.check_password("Long-enough-9")
    audited("user.create", staff_user)
    refused(staff.post(add, form), "A user with this e-mail already exists.")
    assert User.objects.filter(email="vera@example.com").count() == 1


def test_a_weak_password_is_refused_when_staff_add_a_user(staff):
    add = reverse("admin:accounts_user_add")
    response = staff.post(add, {"email": "g@example.com", "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert not User.objects.filter(email="g@example.com").exists()


def test_a_password_set_by_staff_is_audited(staff, staff_user):
    gleb = UserFactory()
    url = reverse("admin:auth_user_password_change", args=[gleb.pk])
    form = {"password1": "Another-long-9", "password2": "Another-long-9", "usable_password": "true"}
    assert staff.post(url, form).status_code == 302
    gleb.refresh_from_db()
    assert gleb.check_password("Another-long-9")
    audited("user.password_set", staff_user)
