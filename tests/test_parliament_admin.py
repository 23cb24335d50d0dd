"""The letters' configuration (letterhead, ministers, earlier letters, country policy, evaluations) is
kept by the administrator in the admin (`letter.configure`). Found by trying the product: the drafting
notes send the administrator there ("beheer: ‘verwijzingen naar eerdere brieven’"), and every page
answered 403 to the administrator; only a superuser got in."""

import pytest

from access.roles import Role
from audit.models import AuditRecord
from parliament.models import LetterReference

from .factories import web_session

pytestmark = pytest.mark.django_db

PAGES = ["ministryprofile", "minister", "letterreference", "countrydisclosurepolicy", "evaluationschedule"]


@pytest.mark.parametrize("model", PAGES)
def test_the_administrator_reaches_each_configuration_page(client, make_user, model):
    web_session(client, make_user("beheer", Role.ADMINISTRATOR, is_staff=True))
    assert client.get(f"/admin/parliament/{model}/").status_code == 200
    assert client.get(f"/admin/parliament/{model}/add/").status_code == 200
    assert f"/admin/parliament/{model}/" in client.get("/admin/").content.decode()


def test_an_earlier_letter_is_entered_once_and_audited_and_no_row_is_deleted(client, make_user):
    web_session(client, make_user("beheer", Role.ADMINISTRATOR, is_staff=True))
    before = LetterReference.objects.count()
    response = client.post(
        "/admin/parliament/letterreference/add/",
        {
            "citation": "Kamerstuk 30 821, nr. 200",
            "description": "de brief over de Beschermingsvoorziening Economische Veiligheid",
            "position": "0",
            "valid_from": "2023-10-01",
            "valid_to": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    added = LetterReference.objects.get(citation="Kamerstuk 30 821, nr. 200")
    assert LetterReference.objects.count() == before + 1
    assert AuditRecord.objects.filter(event="parliament.configure", object_id=str(added.pk)).exists()
    assert client.post(f"/admin/parliament/letterreference/{added.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LetterReference.objects.filter(pk=added.pk).exists()


@pytest.mark.parametrize("role", [Role.PARLIAMENTARY_LIAISON, Role.FUND_MANAGER, Role.AUDITOR])
def test_other_staff_roles_do_not_change_the_configuration(client, make_user, role):
    web_session(client, make_user("staf", role, is_staff=True))
    assert client.get("/admin/parliament/letterreference/add/").status_code == 403
