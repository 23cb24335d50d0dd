"""Web pages of the audit trail: per case, per person, and the chain verification (auditors)."""

from __future__ import annotations

import json
from dataclasses import asdict

from django import forms
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.views import web_view

from .models import AuditRecord
from .readers import require
from .selectors import audit_record_list, masked, shown
from .services import audit_chain_seal, audit_log
from .verify import verify_chain


class AuditFilterForm(forms.Form):
    case = forms.CharField(label=_("Casus (nummer of kenmerk)"), required=False, max_length=30)
    user = forms.CharField(label=_("Gebruikersnaam"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Handeling"), required=False,
                               choices=[("", _("Alle"))] + list(AuditRecord.Action.choices))


def _rows(records):
    for record in records:
        fields = shown(record)
        yield {"record": record, "masked": masked(record), "event": fields["event"], "case_id": fields["case_id"],
               "object_repr": fields["object_repr"],
               "changes": "" if not fields["changes"] else json.dumps(fields["changes"], ensure_ascii=False,
                                                                      indent=1)[:1500]}


def _trail_page(request, *, case_id=None, title=None):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    case_id = case_id or filters.get("case") or None
    qs = audit_record_list(user=request.user, case_id=case_id, username=filters.get("user") or None,
                           filters={"action": filters["action"]} if filters.get("action") else None)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/trail.html", {"form": form, "page": page, "rows": list(_rows(page.object_list)),
                                                "title": title or _("Audittrail"), "nav": "audit",
                                                "query": query.urlencode()})


@web_view
def trail(request):
    return _trail_page(request)


@web_view
def case_trail(request, pk: int):
    return _trail_page(request, case_id=pk, title=_("Audittrail van casus %(id)s") % {"id": pk})


@web_view
def verify(request):
    require(request.user, "audit.verify")
    report = None
    if request.method == "POST":
        audit_chain_seal()
        report = verify_chain()
        with transaction.atomic():
            audit_log(actor=request.user, action=AuditRecord.Action.OTHER, event="audit.verify",
                      object_type="audit.auditrecord", object_id="chain",
                      changes={"ok": report.ok, "checked": report.checked, "first_bad_id": report.first_bad_id})
        report = asdict(report)
    return render(request, "audit/verify.html", {"report": report, "nav": "audit"})


