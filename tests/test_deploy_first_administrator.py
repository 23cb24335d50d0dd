"""Setting up a real deployment: `manage.py create_first_administrator` (refused when an administrator
exists; password from the environment or a prompt; audited; second factor enrolled at the first login)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.models import User
from access.roles import Role
from audit.models import AuditRecord
from core.classification import Classification

from .factories import totp_code

pytestmark = pytest.mark.django_db
ADMIN_PASSWORD = "lang-en-geheim-wachtwoord-42"


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# ---------------------------------------------------------------------------------------------
# create_first_administrator
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def admin_password(monkeypatch):
    monkeypatch.setenv("BEV_FIRST_ADMIN_PASSWORD", ADMIN_PASSWORD)
    return ADMIN_PASSWORD


def test_first_administrator_is_created_without_a_second_factor_and_audited(admin_password):
    out, err = run("create_first_administrator", "--username", "beheerder", "--email", "beheer@ez.example")
    user = User.objects.get(username="beheerder")
    assert user.role == Role.ADMINISTRATOR and user.is_staff and not user.is_superuser and user.is_active
    assert user.clearance == Classification.INTERN
    assert user.check_password(ADMIN_PASSWORD)
    assert not TOTPDevice.objects.filter(user=user).exists()  # enrolled by the person at the first login
    record = AuditRecord.objects.get(event="user.create_first_administrator")
    assert record.channel == "command" and record.object_id == str(user.pk)
    assert record.changes["role"]["after"] == Role.ADMINISTRATOR
    assert ADMIN_PASSWORD not in out + err + str(record.changes)


def test_first_login_forces_enrolment_and_then_opens_the_admin(client, admin_password):
    run("create_first_administrator", "--username", "beheerder")

    assert client.get("/admin/access/user/").status_code == 302  # not without a session
    response = client.post("/login/", {"username": "beheerder", "password": ADMIN_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/login/enrol/"
    assert client.get("/admin/access/user/").status_code == 302  # the password alone opens nothing

    assert client.get("/login/enrol/").status_code == 200
    device = TOTPDevice.objects.get(user__username="beheerder", confirmed=False)
    confirmed = client.post("/login/enrol/", {"code": totp_code(device)})
    assert confirmed.status_code == 302
    assert client.get("/admin/access/user/").status_code == 200


def test_a_second_administrator_is_refused(admin_password, make_user):
    make_user("bestaand", Role.ADMINISTRATOR, is_staff=True)
    with pytest.raises(CommandError, match="An administrator exists already"):
        run("create_first_administrator", "--username", "nieuw")
    assert not User.objects.filter(username="nieuw").exists()
    assert not AuditRecord.objects.filter(event="user.create_first_administrator").exists()


def test_running_it_twice_is_refused_the_second_time(admin_password):
    run("create_first_administrator", "--username", "beheerder")
    with pytest.raises(CommandError, match="An administrator exists already"):
        run("create_first_administrator", "--username", "beheerder2")
    assert User.objects.filter(role=Role.ADMINISTRATOR).count() == 1


def test_the_password_is_never_an_argument():
    with pytest.raises(TypeError, match="password"):
        call_command("create_first_administrator", "--username", "beheerder", password="x" * 20)
    with pytest.raises(CommandError):
        run("create_first_administrator", "--username", "beheerder", "--password", "x" * 20)
    assert not User.objects.exists()


def test_without_the_variable_or_a_terminal_it_refuses(monkeypatch):
    monkeypatch.delenv("BEV_FIRST_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal
    with pytest.raises(CommandError, match="BEV_FIRST_ADMIN_PASSWORD"):
        run("create_first_administrator", "--username", "beheerder")
    assert not User.objects.exists()


def test_on_a_terminal_the_password_is_prompted_twice(monkeypatch):
    monkeypatch.delenv("BEV_FIRST_ADMIN_PASSWORD", raising=False)

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    answers = iter([ADMIN_PASSWORD, ADMIN_PASSWORD])
    monkeypatch.setattr("sys.stdin", Terminal(""))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    run("create_first_administrator", "--username", "beheerder")
    assert User.objects.get(username="beheerder").check_password(ADMIN_PASSWORD)


def test_two_different_passwords_at_the_prompt_are_refused(monkeypatch):
    monkeypatch.delenv("BEV_FIRST_ADMIN_PASSWORD", raising=False)

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    answers = iter([ADMIN_PASSWORD, ADMIN_PASSWORD + "x"])
    monkeypatch.setattr("sys.stdin", Terminal(""))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="differ"):
        run("create_first_administrator", "--username", "beheerder")
    assert not User.objects.exists()


def test_a_weak_password_is_refused(monkeypatch):
    monkeypatch.setenv("BEV_FIRST_ADMIN_PASSWORD", "beheerder1")
    with pytest.raises(CommandError, match="password is refused"):
        run("create_first_administrator", "--username", "beheerder")
    assert not User.objects.exists()
