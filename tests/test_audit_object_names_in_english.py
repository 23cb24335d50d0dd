"""The audit trail's object column on an English page: the trail keeps each object's name as written,
in Dutch ("€ 1.000,00 (Voorgesteld)", audit.log), and an English reader read "Voorgesteld" beside
English columns. For the objects whose name is made of their choices' labels only (registered by
their app in `audit.labels.name_labels`) the labels read in the reader's language; the stored record
does not change (append-only, chained), and a name with people's text in it stays as written."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from access.roles import Role
from audit.labels import object_name
from audit.models import AuditRecord
from bev import services

from .factories import fee_year_prepared, fund_with_tranches, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(manager):
    fund_with_tranches(user=manager)
    fee_year_prepared(timezone.localdate().year)
    fee = services.fee_propose(user=manager, amount=Decimal("1000.00"), idempotency_key="names-1", description="Q1")
    return AuditRecord.objects.get(object_type="bev.feecharge", object_id=str(fee.pk))


@pytest.fixture
def auditor(make_user):
    return make_user("auditor_en", Role.AUDITOR)


def test_an_english_reader_reads_the_objects_labels_in_english(client, auditor, proposed):
    assert proposed.object_repr == "€ 1.000,00 (Voorgesteld)"
    auditor.language = "en"
    auditor.save(update_fields=["language"])
    web_session(client, auditor)
    page = client.get(reverse("audit:trail")).content.decode()
    assert "€1,000.00 (Proposed)" in page and "(Voorgesteld)" not in page and "€ 1.000,00" not in page
    export = client.get(reverse("audit:export")).content.decode()
    assert "€1,000.00 (Proposed)" in export and "(Voorgesteld)" not in export
    proposed.refresh_from_db()
    assert proposed.object_repr == "€ 1.000,00 (Voorgesteld)"  # the record as written


def test_a_dutch_reader_reads_the_name_as_written(client, auditor, proposed):
    web_session(client, auditor)
    assert "€ 1.000,00 (Voorgesteld)" in client.get(reverse("audit:trail")).content.decode()


def test_a_name_with_peoples_text_stays_as_written():
    """A case's name holds its title, typed by a person: no label in it is read."""
    record = AuditRecord(object_type="cases.case", object_repr="BEV-2026-0001 Voorgesteld Aandelen")
    with translation.override("en"):
        assert object_name(record, record.object_repr) == "BEV-2026-0001 Voorgesteld Aandelen"


def test_only_whole_labels_are_read():
    record = AuditRecord(object_type="bev.feecharge", object_repr="€ 5,00 (Voorgesteldx) (Voorgesteld)")
    with translation.override("en"):
        assert object_name(record, record.object_repr) == "€5.00 (Voorgesteldx) (Proposed)"


@pytest.mark.parametrize(
    ("written", "english"),
    [
        ("€ 12.500.000,50 (Voorgesteld)", "€12,500,000.50 (Proposed)"),
        ("Aandelen € 5.000.000 (Goedgekeurd)", "Shares (equity) €5,000,000 (Approved)"),
        ("€ 999,99 (Afgewezen)", "€999.99 (Rejected)"),
    ],
)
def test_a_names_amounts_read_as_the_page_writes_them(written, english):
    record = AuditRecord(object_type="bev.investmentproposal", object_repr=written)
    with translation.override("en"):
        assert object_name(record, written) == english
    with translation.override("nl"):
        assert object_name(record, written) == written


def test_an_assessments_name_reads_its_kind_and_status_in_english():
    record = AuditRecord(object_type="assessments.assessment", object_repr="Risico-inschatting 7 r1 (Goedgekeurd)")
    with translation.override("en"):
        assert object_name(record, record.object_repr) == "Risk assessment 7 r1 (Approved)"
