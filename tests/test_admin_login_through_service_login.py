"""The admin's login is the service's login (config.admin_site.BEVAdminSite).

django_otp's admin login form was a password oracle beside /login/ that django-axes did not count: a
wrong password gave Django's message, the right one with no code "Please enter your OTP token.", with
any code "Please select a device.". /admin/login/ now only sends the person to /login/, with `next`
back to the admin page, and the admin still requires a verified second factor."""

import pytest

from access.roles import Role

from .factories import give_totp, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def beheer(make_user):
    return make_user("beheer", Role.ADMINISTRATOR, is_staff=True)


@pytest.mark.parametrize(
    "form",
    [
        {"username": "beheer", "password": "not-the-password"},
        {"username": "beheer", "password": PASSWORD},
        {"username": "beheer", "password": PASSWORD, "otp_token": "123456"},
        {"username": "beheer", "password": PASSWORD, "otp_device": "x", "otp_token": "123456"},
    ],
    ids=["wrong password", "no code", "any code", "any device"],
)
def test_a_post_to_the_admins_login_authenticates_nobody_and_reveals_nothing(client, beheer, form):
    give_totp(beheer)
    response = client.post("/admin/login/?next=/admin/", form)
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_same_answer_for_every_post(client, beheer):
    give_totp(beheer)
    answers = {
        (response.status_code, response["Location"], response.content)
        for response in (
            client.post("/admin/login/", {"username": "beheer", "password": password, "otp_token": code})
            for password in ("wrong", PASSWORD)
            for code in ("", "123456")
        )
    }
    assert len(answers) == 1


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/admin/login/", "/login/?next=%2Fadmin%2F"),
        ("/admin/login/?next=/admin/access/user/", "/login/?next=%2Fadmin%2Faccess%2Fuser%2F"),
        ("/admin/login/?next=https://evil.example/admin/", "/login/?next=%2Fadmin%2F"),
        ("/admin/login/?next=/cases/", "/login/?next=%2Fadmin%2F"),
    ],
)
def test_the_admins_login_page_sends_the_person_to_the_services_login(client, path, location):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == location


def test_an_admin_page_leads_through_the_services_login_and_back(client, beheer):
    """Password and second factor at /login/, then the admin page asked for."""
    device = give_totp(beheer)
    response = client.get("/admin/access/user/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"] == "/login/?next=%2Fadmin%2Faccess%2Fuser%2F"
    login = client.post(
        response["Location"], {"username": "beheer", "password": PASSWORD, "otp_token": totp_code(device)}
    )
    assert login.status_code == 302 and login["Location"] == "/admin/access/user/"
    assert client.get("/admin/access/user/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_the_admin_still_requires_the_second_factor(client, beheer):
    client.force_login(beheer)  # password only, no verified device
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get(response["Location"])["Location"] == "/login/?next=%2Fadmin%2F"
