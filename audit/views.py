"""Web pages of the audit trail: filtered by case or person, and the chain verification (auditors).
A case's own trail page lives with the case (`cases.views.case_audit_trail`)."""

from __future__ import annotations

import json

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict
from core.views import web_view

from . import evidence
from .models import AuditRecord, ChainVerification
from .readers import require
from .selectors import audit_record_list, chain_verification_get, chain_verification_list, masked, shown
from .services import chain_verification_evidence, chain_verification_request


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


def trail_page(request, *, case_id=None, title=None):
    """The trail page, filtered by the form; a case's own trail page (in `cases`) passes its case."""
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
    return trail_page(request)


class EvidenceCheckForm(forms.Form):
    document = forms.FileField(label=_("Bewijsstuk (JSON, zoals gedownload)"))

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("Een bewijsstuk is kleiner dan %(kb)s KB.") % {"kb": EVIDENCE_MAX_BYTES // 1024})
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
    verifications = list(chain_verification_list(user=request.user)[:20])
    busy = any(v.status in (ChainVerification.Status.PENDING, ChainVerification.Status.RUNNING) for v in verifications)
    return render(request, "audit/verify.html", {
        "verifications": verifications, "latest": verifications[0] if verifications else None, "busy": busy,
        "check_form": check_form, "checked": checked, "nav": "audit"}, status=400 if check_form.errors else 200)


@web_view
def verification_evidence(request, pk: int):
    """The signed result of a finished verification, as a JSON download."""
    try:
        document = chain_verification_evidence(user=request.user,
                                               verification=chain_verification_get(user=request.user, pk=pk))
    except Conflict as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(json.dumps(document, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{evidence.filename(document)}"'
    return response
