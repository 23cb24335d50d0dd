"""Readable records (issue 23): the audit trail shows people's names, event labels and changes as
"field: before → after", filters on dates, exports to CSV (masked where the page masks, itself a
record of the trail) and names a case by its reference."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from access.roles import Role
from audit.models import AuditRecord
from cases.services import case_team_add, case_update

from .factories import make_case, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", Role.AUDITOR, first_name="Anna", last_name="Smit")


@pytest.fixture
def named_officer(make_user):
    return make_user("ebakker", Role.CASE_OFFICER, first_name="Els", last_name="Bakker")


def _table(body: str) -> str:
    return body.split("<tbody>")[1].split("</tbody>")[0]


def test_a_record_reads_as_a_name_a_label_and_a_change(client, auditor, named_officer):
    case = make_case(officer=named_officer, summary="Oude samenvatting")
    case_team_add(user=named_officer, case=case, member=auditor, role=Role.AUDITOR)
    case_update(user=named_officer, case=case, data={"summary": "Nieuwe samenvatting"}, expected_version=case.version)
    web_session(client, auditor)
    body = client.get(reverse("cases:audit", args=[case.pk])).content.decode()
    rows = _table(body)
    assert "Els Bakker" in rows and ">ebakker<" not in rows  # the username only in a title attribute
    assert 'title="ebakker"' in rows
    assert "Casus gewijzigd" in rows and "Teamlid toegevoegd" in rows
    assert "case.update" not in rows and "case.team_add" not in rows
    assert "samenvatting: Oude samenvatting → Nieuwe samenvatting" in rows
    assert "Teamlid: — → Anna Smit (Auditor)" in rows and "auditor:auditor" not in rows
    assert "urgentie: — → Normaal" in rows and "→ normal<" not in rows  # a choice by its label
    assert "{" not in rows and "&quot;before&quot;" not in rows


def test_headings_and_links_name_the_case_by_its_reference(client, auditor, named_officer):
    case = make_case(officer=named_officer)
    case_team_add(user=named_officer, case=case, member=auditor, role=Role.AUDITOR)
    web_session(client, auditor)
    body = client.get(reverse("audit:trail"), {"case": str(case.pk)}).content.decode()
    assert f"<h1>Audittrail van {case.reference}</h1>" in body
    rows = _table(body)
    assert f">{case.reference}</a>" in rows
    assert f"casus {case.pk}<" not in rows


def _record(user, *, when, repr_):
    return AuditRecord.objects.create(
        timestamp=when,
        actor=user,
        actor_username=user.username,
        action=AuditRecord.Action.CREATE,
        event="case.create",
        object_repr=repr_,
    )


def test_date_filters_narrow_the_rows_and_refuse_an_inverted_range(client, auditor, named_officer):
    now = timezone.now()
    _record(named_officer, when=now - timedelta(days=10), repr_="Oude regel")
    _record(named_officer, when=now, repr_="Nieuwe regel")
    web_session(client, auditor)
    today, earlier = timezone.localdate(), timezone.localdate() - timedelta(days=10)
    rows = _table(
        client.get(
            reverse("audit:trail"), {"date_from": today.isoformat(), "date_to": today.isoformat()}
        ).content.decode()
    )
    assert "Nieuwe regel" in rows and "Oude regel" not in rows
    rows = _table(
        client.get(
            reverse("audit:trail"), {"date_from": earlier.isoformat(), "date_to": earlier.isoformat()}
        ).content.decode()
    )
    assert "Oude regel" in rows and "Nieuwe regel" not in rows  # the end date is included
    rows = _table(client.get(reverse("audit:trail"), {"date_to": earlier.isoformat()}).content.decode())
    assert "Oude regel" in rows and "Nieuwe regel" not in rows
    response = client.get(reverse("audit:trail"), {"date_from": today.isoformat(), "date_to": earlier.isoformat()})
    assert response.status_code == 400
    assert "De einddatum ligt vóór de begindatum." in response.content.decode()
    assert "Oude regel" not in response.content.decode() and "Nieuwe regel" not in response.content.decode()


def test_csv_export_holds_the_filtered_rows_masked_where_the_page_masks_and_is_recorded(
    client, auditor, named_officer, make_user
):
    visible = make_case(officer=named_officer, title="Zichtbare casus")
    case_team_add(user=named_officer, case=visible, member=auditor, role=Role.AUDITOR)
    case_update(
        user=named_officer, case=visible, data={"summary": "Zichtbare samenvatting"}, expected_version=visible.version
    )
    hidden = make_case(officer=named_officer, title="Verborgen casus")
    case_update(
        user=named_officer, case=hidden, data={"summary": "Geheime samenvatting"}, expected_version=hidden.version
    )
    other = make_user("other", Role.CASE_OFFICER)
    make_case(officer=other, title="Andermans casus")
    web_session(client, auditor)
    response = client.get(reverse("audit:export"), {"user": "ebakker"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    text = "\n".join(";".join(row) for row in rows)
    assert "Els Bakker" in text and "Casus aangemaakt" in text and "Casus gewijzigd" in text
    assert "Zichtbare casus" in text and visible.reference in text
    assert "Verborgen casus" not in text and "Geheime samenvatting" not in text and hidden.reference not in text
    assert "[afgeschermd]" in text
    assert "Andermans casus" not in text  # filtered on the person
    assert len(rows) - 1 == AuditRecord.objects.filter(actor_username="ebakker").exclude(event="audit.export").count()
    export = AuditRecord.objects.filter(event="audit.export").get()
    assert export.actor_id == auditor.pk and export.action == AuditRecord.Action.EXPORT
    assert export.changes["filters"] == {"user": "ebakker"}


def test_csv_export_refuses_an_inverted_range_and_records_nothing(client, auditor):
    web_session(client, auditor)
    today = timezone.localdate()
    response = client.get(
        reverse("audit:export"), {"date_from": today.isoformat(), "date_to": (today - timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 400
    assert not AuditRecord.objects.filter(event="audit.export").exists()


def test_every_event_written_has_a_label():
    """Each code an app writes is named by that app (audit.labels.event_labels), so no code shows."""
    import re
    from pathlib import Path

    from audit.labels import event_label

    root = Path(__file__).resolve().parent.parent
    codes = set()
    for path in root.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        codes.update(re.findall(r'event="([a-z_]+\.[a-z_.]+)"', path.read_text()))
    assert codes
    assert sorted(code for code in codes if event_label(code) == code) == []


def test_the_trail_in_english(client, auditor, named_officer):
    case = make_case(officer=named_officer)
    case_team_add(user=named_officer, case=case, member=auditor, role=Role.AUDITOR)
    web_session(client, auditor)
    client.post(reverse("set_language"), {"language": "en"})
    body = client.get(reverse("audit:trail")).content.decode()
    assert "Case created" in _table(body) and "Export (CSV)" in body and "Up to and including (date)" in body


def test_every_name_in_the_demos_changes_reads_in_words(settings, tmp_path):
    """What services record beside a model's fields (a transition's reason, a score's indicator, a
    booking's lines) reads by a label (audit.labels.KEY_LABELS), not as its code, in every record the
    demo writes: from the fund's establishment and its tranches to a Kamerbrief's draft."""
    from django.core.management import call_command
    from django.test import override_settings

    from audit.labels import change_lines, prepare_changes, unlabelled_keys

    from .factories import use_tmp_document_storage

    use_tmp_document_storage(settings, tmp_path)
    with override_settings(BEV_DEMO_MODE=True):
        call_command("seed_demo", stdout=io.StringIO())
    records = list(AuditRecord.objects.exclude(changes={}))
    assert len({r.event for r in records}) > 30, "the demo wrote too few kinds of record to prove anything"
    unlabelled = sorted({(r.event, name) for r in records for name in unlabelled_keys(r)})
    assert unlabelled == []
    lines = {r.event: change_lines(r) for r in records}
    assert "reden: —" in lines["case.start_intake"] and "reason: —" not in lines["case.start_intake"]
    assert lines["user.password_change"] == ["wachtwoord: — → (gewijzigd)"]
    created = lines["case.create"]  # codes of the apps' choices by their labels (core.extensions.code_labels)
    assert "categorieën: — → Zeer sensitieve technologie, Sensitieve technologie" in created, created
    assert not [line for line in created if "essential_supplier" in line or "wet_vifo" in line], created
    condition = lines["assessment.condition"]
    assert any(line.startswith("na: status: Voldaan, onderbouwing: ") for line in condition), condition
    tranche = lines["ledger.tranche"]
    lines_of_tranche = [line for line in tranche if line.startswith("boekingsregels: ")]
    assert lines_of_tranche and "rekening: Liquide middelen, beschikbaar" in lines_of_tranche[0], tranche
    assert "bedrag: € 50.000.000,00" in lines_of_tranche[0], tranche
    assert "geplande tranches: — → 2023: € 50.000.000,00, 2024: € 50.000.000,00" in lines["fund.establish"]
    # Codes of the framework version the assessment used, by that version's labels (its CodeReader).
    assert "indicator: Unieke en gevoelige kennis en technologie" in lines["assessment.score"], lines
    assert "niveau: 4 (Zeer hoog)" in lines["assessment.score"], lines
    assert "risiconiveau: zeer hoog" in lines["assessment.approve"], lines
    assert "code: Bestaande instrumenten schieten tekort" in lines["assessment.check"], lines
    assert lines["consultation.request"][0].startswith("betreft onderdelen: Directe of indirecte invloed"), lines
    # People named by username read by their name; a second-factor device by its kind.
    assert lines["cabinet_decision.confirm"] == ["bevestigd door: — → Karin Kabinet"]
    assert "belang (%): — → 25" in lines["position.create"], lines["position.create"]  # not 25.000000
    assert "departementaal adviseur: Anna Adviseur" in lines["consultation.request"]
    assert lines["user.second_factor_change"] == ["tweede factor: wijziging: toegevoegd, apparaat: authenticator-app"]
    # No value of any record the demo writes reads as a code (snake_case), in Dutch or in English.
    prepared = prepare_changes(records)
    for language in ("nl", "en"):
        with translation.override(language):
            coded = {
                (r.event, code)
                for r in records
                for line in change_lines(r, prepared=prepared)
                for code in re.findall(r"(?<![\w./-])[a-z]+(?:_[a-z0-9]+)+(?![\w./-])", line)
            }
        assert coded == set(), language
    with translation.override("en"):
        assert "risk level: very high" in change_lines(next(r for r in records if r.event == "assessment.approve"))


def test_the_trail_is_kept_in_dutch_whoever_acts_in_english(officer, case):
    """Found by trying the product: records named their object in the language of whoever acted,
    "Risk assessment 7 r1 (Approved)" beside "Risico-inschatting 7 r1 (Goedgekeurd)". The trail's
    text is the service's own language, Dutch."""
    from access.roles import Role as Roles
    from audit.log import audit_log
    from cases.models import CaseTeamMember

    member = CaseTeamMember.objects.filter(case=case, role=Roles.CASE_OFFICER).first()
    with translation.override("en"):
        english = str(Roles.CASE_OFFICER.label)
        assert english in str(member)  # what an English page shows
        record = audit_log(
            actor=officer,
            action=AuditRecord.Action.UPDATE,
            event="test.language",
            obj=member,
            changes={"role": Roles.CASE_OFFICER.label},  # a label, translated when stored
        )
    with translation.override("nl"):
        dutch = str(Roles.CASE_OFFICER.label)
    assert dutch != english
    assert f"({dutch})" in record.object_repr and record.changes["role"] == dutch
