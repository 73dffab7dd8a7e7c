"""A person signs up, confirms the e-mail from the mailbox, logs in and edits the profile."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_confirm_log_in_and_edit_profile(page):
    page.goto("/")
    page.get_by_role("link", name="Зарегистрироваться").first.click()
    page.get_by_label("Адрес электронной почты").fill("maria@example.com")
    page.get_by_label("Имя").fill("Мария")
    page.get_by_label("Телефон").fill("+7 916 000-11-22")
    page.get_by_label("Пароль", exact=False).first.fill("Rehearsal-Room-2026")
    page.get_by_label("Пароль (ещё раз)").fill("Rehearsal-Room-2026")
    page.get_by_role("button", name="Зарегистрироваться").click()
    page.wait_for_url("**/accounts/confirm-email/")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Подтвердить").click()

    # Log out and in again with the new password.
    page.get_by_role("button", name="Выйти").click()
    page.goto("/accounts/login/")
    page.get_by_label("Адрес электронной почты").fill("maria@example.com")
    page.get_by_label("Пароль").fill("Rehearsal-Room-2026")
    page.get_by_role("button", name="Войти").click()

    page.goto("/me/profile/")
    page.get_by_label("День рождения").fill("1994-08-21")
    page.get_by_label("Имя").fill("Мария Иванова")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Профиль сохранён.").wait_for()

    user = User.objects.get(email="maria@example.com")
    assert user.name == "Мария Иванова"
    assert str(user.birthday) == "1994-08-21"
    assert str(user.phone) == "+79160001122"
