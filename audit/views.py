"""Web pages of the audit trail: filtered by case or person, and the chain verification (auditors).
A case's own trail page lives with the case (`cases.views.case_audit_trail`)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, NotFound
from core.forms import refuse_reversed_period
from core.views import web_view

from . import evidence, labels
from .models import AuditRecord, ChainVerification
from .readers import find_case, require
from .selectors import (
    audit_record_list,
    case_references,
    chain_verification_get,
    chain_verification_list,
    masked,
    shown,
)
from .services import EXPORT_MAX_ROWS, audit_trail_export, chain_verification_evidence, chain_verification_request


class AuditFilterForm(forms.Form):
    case = forms.CharField(label=_("Casus (nummer of kenmerk)"), required=False, max_length=30)
    # The list names people; the filter takes that name too (or the username, as the list's links send).
    user = forms.CharField(label=_("Persoon (naam of gebruikersnaam)"), required=False, max_length=300)
    action = forms.ChoiceField(
        label=_("Handeling"), required=False, choices=[("", _("Alle"))] + list(AuditRecord.Action.choices)
    )
    date_from = forms.DateField(
        label=_("Vanaf (datum)"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("Tot en met (datum)"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        refuse_reversed_period(self, "date_from", "date_to")
        return cleaned

    def record_filters(self) -> dict:
        """The filters on the records: the action, and the period as whole days in Dutch time (both
        dates included)."""
        data, filters = self.cleaned_data, {}
        if data.get("action"):
            filters["action"] = data["action"]
        if data.get("date_from"):
            filters["timestamp__gte"] = _start_of(data["date_from"])
        if data.get("date_to"):
            filters["timestamp__lt"] = _start_of(data["date_to"] + timedelta(days=1))
        return filters


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _rows(records, *, references):
    """Each record as people read it: the actor's name (the username only in a title, to tell two
    people with one name apart), the event's label, the object's kind and the changes as lines
    "field: before → after". A masked record stays masked (audit.selectors.masked). The people and
    values the changes name are read once for all rows (labels.prepare_changes)."""
    prepared = labels.prepare_changes(r for r in records if not masked(r))
    for record in records:
        hidden, fields = masked(record), shown(record)  # masked: the event's category only (issue 22)
        yield {
            "record": record,
            "masked": hidden,
            "person": labels.person_name(record),
            "event": labels.event_label(fields["event"]),
            "object_label": labels.object_label(record),
            "object_repr": fields["object_repr"] if hidden else labels.object_name(record, fields["object_repr"]),
            "case_reference": "" if hidden else references.get(record.case_id, ""),
            "changes": [] if hidden else labels.change_lines(record, prepared=prepared),
        }


def _filtered(request, *, case_id=None):
    """The form and the records it selects (None while the form is invalid: no rows for bad input).
    The right to read the trail is asked first: an invalid filter showed the trail's page, empty, to
    anyone signed in."""
    require(request.user, "audit.view")
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None
    filters = form.cleaned_data if form.is_bound else {}
    asked = None if case_id else filters.get("case") or None
    try:
        qs = audit_record_list(
            user=request.user,
            case_id=case_id or asked,
            person=filters.get("user") or None,
            filters=form.record_filters() if form.is_bound else None,
        )
    except NotFound:
        if asked is None:
            raise
        # A case typed in the filter that is not there for this person: an error at the field, as
        # any other filter value (the same words whether it does not exist or is off the team).
        form.add_error("case", _("Geen casus met dit nummer of kenmerk die u mag inzien."))
        return form, None
    return form, qs.select_related("actor")


def trail_page(request, *, case_id=None, title=None):
    """The trail page, filtered by the form; a case's own trail page (in `cases`) passes its case."""
    form, qs = _filtered(request, case_id=case_id)
    page = Paginator(qs if qs is not None else AuditRecord.objects.none(), 50).get_page(request.GET.get("page"))
    records = list(page.object_list)
    references = case_references(user=request.user, case_ids={r.case_id for r in records if not masked(r)})
    query = request.GET.copy()
    query.pop("page", None)
    export_query = query.copy()
    if case_id:
        export_query["case"] = case_id
    if title is None and qs is not None and form.is_bound and form.cleaned_data.get("case"):
        # A heading names the case by its reference, whether it was asked for by number or reference.
        title = _("Audittrail van %(reference)s") % {
            "reference": find_case(request.user, form.cleaned_data["case"]).reference
        }
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "page": page,
            "rows": list(_rows(records, references=references)),
            "title": title or _("Audittrail"),
            "nav": "audit",
            "query": query.urlencode(),
            "export_query": export_query.urlencode(),
        },
        status=400 if qs is None else 200,
    )


@web_view
def trail_export(request):
    """The filtered trail as a CSV file (what the page shows, all pages); recorded as an export."""
    form, qs = _filtered(request)
    if qs is None:
        return trail_page(request)
    records = list(qs[:EXPORT_MAX_ROWS])
    references = case_references(user=request.user, case_ids={r.case_id for r in records if not masked(r)})
    content = audit_trail_export(
        user=request.user,
        records=records,
        case_references=references,
        filters=dict(form.cleaned_data) if form.is_bound else {},
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audittrail-{timezone.localdate():%Y%m%d}.csv"'
    return response


@web_view
def trail(request):
    return trail_page(request)


class EvidenceCheckForm(forms.Form):
    document = forms.FileField(label=_("Bewijsstuk (JSON, zoals gedownload)"))

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(
                _("Een bewijsstuk is kleiner dan %(kb)s KB.") % {"kb": EVIDENCE_MAX_BYTES // 1024}
            )
        try:
            return json.loads(upload.read(EVIDENCE_MAX_BYTES + 1))
        except ValueError:
            raise forms.ValidationError(_("Dit is geen JSON-bestand.")) from None


EVIDENCE_MAX_BYTES = 64 * 1024


@web_view
def verify(request):
    """Ask for a verification of the chain (a worker does it) and see the recent ones with their result."""
    require(request.user, "audit.verify")
    check_form, checked = EvidenceCheckForm(), None
    if request.method == "POST" and "document" in request.FILES:
        check_form = EvidenceCheckForm(request.POST, request.FILES)
        if check_form.is_valid():
            checked = evidence.check(check_form.cleaned_data["document"])
    elif request.method == "POST":
        chain_verification_request(user=request.user)
        return redirect("audit:verify")
    verifications = list(chain_verification_list(user=request.user).select_related("requested_by")[:20])
    busy = any(v.status in (ChainVerification.Status.PENDING, ChainVerification.Status.RUNNING) for v in verifications)
    return render(
        request,
        "audit/verify.html",
        {
            "verifications": verifications,
            "latest": verifications[0] if verifications else None,
            "busy": busy,
            "check_form": check_form,
            "checked": checked,
            "nav": "audit",
        },
        status=400 if check_form.errors else 200,
    )


@web_view
def verification_evidence(request, pk: int):
    """The signed result of a finished verification, as a JSON download."""
    try:
        document = chain_verification_evidence(
            user=request.user, verification=chain_verification_get(user=request.user, pk=pk)
        )
    except Conflict as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(json.dumps(document, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{evidence.filename(document)}"'
    return response
