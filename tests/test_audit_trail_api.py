"""Auditors read the trail per case and per person; content of cases they cannot see stays masked."""

import re

import pytest

from access.roles import Role
from audit.models import AuditRecord
from cases.services import case_update
from core.classification import Classification

from .factories import lower_clearance, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", Role.AUDITOR)


@pytest.fixture
def audited_case(case, officer, auditor):
    from cases.services import case_team_add

    case_team_add(user=officer, case=case, member=auditor, role=Role.AUDITOR)
    return case


def test_an_auditor_on_the_team_reads_the_whole_trail_of_the_case(api, audited_case, officer, auditor):
    case_update(
        user=officer, case=audited_case, data={"summary": "Nieuwe samenvatting"}, expected_version=audited_case.version
    )
    response = api(auditor).get(f"/api/audit/?case={audited_case.pk}")
    assert response.status_code == 200
    records = response.json()["results"]
    events = {r["event"] for r in records}
    assert {"case.create", "case.team_add", "case.update"} <= events
    update = next(r for r in records if r["event"] == "case.update")
    assert update["actor_username"] == "officer"
    assert update["changes"]["summary"]["after"] == "Nieuwe samenvatting"
    assert update["masked"] is False
    assert all(r["case_id"] == audited_case.pk for r in records)
    # reading the case's trail is itself on the trail
    assert AuditRecord.objects.filter(event="audit.read_case_trail", actor=auditor, case_id=audited_case.pk).exists()


def test_the_case_api_serves_the_case_trail(api, audited_case, officer, auditor):
    """The per-case trail lives with the case: /api/cases/{id}/audit/ (issue 19)."""
    case_update(
        user=officer, case=audited_case, data={"summary": "Nieuwe samenvatting"}, expected_version=audited_case.version
    )
    response = api(auditor).get(f"/api/cases/{audited_case.pk}/audit/")
    assert response.status_code == 200
    records = response.json()["results"]
    assert {"case.create", "case.team_add", "case.update"} <= {r["event"] for r in records}
    assert all(r["case_id"] == audited_case.pk for r in records)
    assert [r["id"] for r in records] == sorted((r["id"] for r in records), reverse=True)
    assert AuditRecord.objects.filter(event="audit.read_case_trail", actor=auditor, case_id=audited_case.pk).exists()


def test_the_case_trail_needs_the_case_and_the_auditors_right(api, case, officer, auditor):
    # off the team: the case does not exist for the auditor; on the team without audit.view: refused
    assert api(auditor).get(f"/api/cases/{case.pk}/audit/").status_code == 404
    assert api(officer).get(f"/api/cases/{case.pk}/audit/").status_code == 403


def test_an_auditor_not_on_the_team_gets_404_for_the_case_trail(api, case, auditor):
    assert api(auditor).get(f"/api/audit/?case={case.pk}").status_code == 404


def test_an_auditor_without_clearance_gets_404_even_on_the_team(api, officer, make_user):
    low = make_user("lowauditor", Role.AUDITOR, clearance=Classification.GEHEIM)
    secret = make_case(officer=officer, team={low: Role.AUDITOR}, classification=Classification.GEHEIM)
    lower_clearance(low, Classification.INTERN)
    assert api(low).get(f"/api/audit/?case={secret.pk}").status_code == 404


def test_the_per_person_trail_masks_cases_the_auditor_cannot_see(api, case, officer, auditor):
    case_update(
        user=officer, case=case, data={"summary": "Geheime details van de overname"}, expected_version=case.version
    )
    response = api(auditor).get("/api/audit/?user=officer")
    assert response.status_code == 200
    records = response.json()["results"]
    assert records and all(r["actor_username"] == "officer" for r in records)
    of_case = set(AuditRecord.objects.filter(case_id=case.pk).values_list("id", flat=True))
    case_records = [r for r in records if r["id"] in of_case]
    assert case_records
    for record in case_records:
        assert record["masked"] is True
        assert record["object_repr"] == "[afgeschermd]"
        assert record["changes"] == {}
        assert record["case_id"] is None and record["object_id"] == ""
    body = response.content.decode()
    assert case.title not in body and "Geheime details" not in body and case.target_name not in body


def test_the_unfiltered_trail_masks_too_but_not_for_cases_on_the_team(api, audited_case, officer, auditor, make_user):
    other = make_case(officer=officer, title="Onbekende casus voor de auditor")
    records = api(auditor).get("/api/audit/?page_size=200").json()["results"]
    of_other = set(AuditRecord.objects.filter(case_id=other.pk).values_list("id", flat=True))
    visible = [r for r in records if r["case_id"] == audited_case.pk]
    hidden = [r for r in records if r["id"] in of_other]
    assert visible and all(not r["masked"] for r in visible)
    assert hidden and all(r["masked"] for r in hidden)
    assert "Onbekende casus" not in str(records)


@pytest.mark.parametrize("username", ["officer", "assessor", "manager", "secretariat"])
def test_other_roles_may_not_read_the_trail(api, case, username, request):
    user = request.getfixturevalue(username)
    assert api(user).get("/api/audit/").status_code == 403
    assert api(user).get(f"/api/audit/?case={case.pk}").status_code == 403
    assert api(user).get("/api/audit/verifications/").status_code == 403
    assert api(user).post("/api/audit/verifications/").status_code == 403


def test_anonymous_may_not_read_the_trail(api):
    assert api().get("/api/audit/").status_code in (401, 403)
    assert api().get("/api/audit/verifications/").status_code in (401, 403)
    assert api().post("/api/audit/verifications/").status_code in (401, 403)


def test_bad_filter_input_is_a_field_error(api, auditor):
    response = api(auditor).get("/api/audit/?case=abc")
    assert response.status_code == 400 and "case" in response.json()


def test_verify_reports_an_intact_chain(api, case, auditor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(auditor).post("/api/audit/verifications/")
    assert response.status_code == 202
    body = api(auditor).get(f"/api/audit/verifications/{response.json()['id']}/").json()
    assert body["ok"] is True and body["first_bad_id"] is None and body["checked"] >= 1
    assert AuditRecord.objects.filter(event="audit.verify", actor=auditor).exists()


def test_records_carry_request_id_address_and_channel(api, officer, case):
    response = api(officer).get(f"/api/cases/{case.pk}/", REMOTE_ADDR="10.1.2.3")
    read = AuditRecord.objects.filter(event="case.read").latest("id")
    assert (read.actor_username, read.request_id, read.ip_address, read.channel) == (
        "officer",
        response["X-Request-ID"],
        "10.1.2.3",
        "api",
    )
    assert read.case_id == case.pk and read.object_type == "cases.case"


@pytest.mark.parametrize("sent", ["evil", "req-12345", "x" * 65, "a b", "a\u00e9", ""])
def test_the_trail_records_the_servers_request_id_not_the_clients(api, officer, case, sent):
    """Issue 22: a client cannot choose the id its records carry (nor make two requests share one)."""
    first = api(officer).get(f"/api/cases/{case.pk}/", HTTP_X_REQUEST_ID=sent)
    second = api(officer).get(f"/api/cases/{case.pk}/", HTTP_X_REQUEST_ID=sent)
    ids = [first["X-Request-ID"], second["X-Request-ID"]]
    assert sent not in ids and ids[0] != ids[1]
    assert all(re.fullmatch(r"[0-9a-f]{32}", request_id) for request_id in ids)  # uuid4, the server's
    reads = AuditRecord.objects.filter(event="case.read").order_by("id")
    assert list(reads.values_list("request_id", flat=True))[-2:] == ids
    assert not sent or not AuditRecord.objects.filter(request_id=sent).exists()
    # the client's own id comes back beside the server's only when it is short and plain
    if sent in ("evil", "req-12345"):
        assert first["X-Client-Request-ID"] == sent
    else:
        assert "X-Client-Request-ID" not in first


# ------------------------------------------------------------------------------------------------
# Masked records (issue 22): what identifies the case goes, what an auditor counts stays
# ------------------------------------------------------------------------------------------------
def _masked_record_of(case) -> AuditRecord:
    from audit.services import audit_chain_seal

    audit_chain_seal()
    return AuditRecord.objects.filter(case_id=case.pk, event="case.update").latest("id")


def test_a_masked_record_names_neither_the_case_nor_its_object(api, case, officer, auditor):
    case_update(
        user=officer, case=case, data={"summary": "Geheime details van de overname"}, expected_version=case.version
    )
    stored = _masked_record_of(case)
    body = api(auditor).get("/api/audit/?user=officer&page_size=200").json()["results"]
    shown = next(r for r in body if r["id"] == stored.pk)
    assert shown["masked"] is True
    assert (shown["case_id"], shown["object_id"], shown["object_repr"], shown["changes"]) == (
        None,
        "",
        "[afgeschermd]",
        {},
    )
    assert shown["event"] == "case"  # the category, not the step
    # what an auditor needs to count stays
    assert (shown["seq"], shown["hash"], shown["prev_hash"]) == (stored.seq, stored.hash, stored.prev_hash)
    assert stored.seq is not None and shown["timestamp"] and shown["action"] == stored.action
    assert shown["actor_username"] == "officer" and shown["object_type"] == "cases.case"


def test_the_web_trail_masks_the_same(client, case, officer, auditor):
    from .factories import web_session

    case_update(
        user=officer, case=case, data={"summary": "Geheime details van de overname"}, expected_version=case.version
    )
    stored = _masked_record_of(case)
    web_session(client, auditor)
    page = client.get("/audit/", {"user": "officer"}).content.decode()
    assert f'<td class="num">{stored.pk}</td>' in page
    assert f"/audit/cases/{case.pk}/" not in page and "case.update" not in page
    assert case.reference not in page and "Geheime details" not in page


def test_the_admin_masks_the_same(client, case, officer, make_user):
    from .factories import web_session

    case_update(
        user=officer, case=case, data={"summary": "Geheime details van de overname"}, expected_version=case.version
    )
    stored = _masked_record_of(case)
    staff_auditor = make_user("staffauditor", Role.AUDITOR, is_staff=True)
    web_session(client, staff_auditor)
    listing = client.get("/admin/audit/auditrecord/", {"q": "officer"})
    row = next(r for r in listing.context["cl"].result_list if r.pk == stored.pk)
    model_admin = listing.context["cl"].model_admin
    assert (
        model_admin.shown_case_id(row),
        model_admin.shown_object_id(row),
        model_admin.shown_event(row),
        model_admin.shown_changes(row),
    ) == (None, "", "case", {})
    page = client.get(f"/admin/audit/auditrecord/{stored.pk}/change/").content.decode()
    assert "case.update" not in page and "Geheime details" not in page and case.reference not in page
    assert stored.hash in page  # the chain stays
