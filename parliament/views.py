"""Web pages of the letters to parliament (Kamerbrieven) and the reports: drafts, preview,
editing with revisions and differences, review and approval, DOCX/PDF download; annual and
evaluation reports generated in the background with a status page that polls."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from access.permissions import can, require
from cases.forms import DateInput
from core.exceptions import ApplicationError
from core.forms import SentOnceForm
from core.views import (
    AlreadySubmitted,
    add_error,
    already_submitted,
    confirm_first,
    refused_elsewhere,
    submitted_once,
    web_view,
)

from . import selectors, services
from .models import EVALUATION_QUESTIONS, LetterStatus, Report
from .rendering import letter_docx, letter_filename, letter_pdf

REFUSED = (ApplicationError, ValidationError)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_FORMATS = {
    "csv": ("csv_file", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx_file", XLSX_TYPE),
    "pdf": ("pdf_file", "application/pdf"),
}


class LetterEditForm(forms.Form):
    our_reference = forms.CharField(
        label=gettext_lazy("Ons kenmerk"),
        max_length=100,
        required=False,
        help_text=gettext_lazy(
            "Het nummer van deze brief in het documentsysteem. Zonder kenmerk kan de brief niet ter "
            "beoordeling worden aangeboden."
        ),
    )
    subject = forms.CharField(label=gettext_lazy("Betreft"), max_length=300, required=False)
    body = forms.CharField(
        label=gettext_lazy("Tekst"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=gettext_lazy("Alinea's gescheiden door een witregel."),
    )
    confidential_annex = forms.CharField(
        label=gettext_lazy("Vertrouwelijke bijlage"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    note = forms.CharField(label=gettext_lazy("Toelichting bij deze versie"), required=False, max_length=300)
    # Hidden: its errors come only from an edited or stale page ("Expected revision: Voer een geheel
    # getal in." before; found by trying the product).
    expected_revision = forms.IntegerField(
        label=gettext_lazy("Versie"),
        widget=forms.HiddenInput,
        error_messages={
            "required": gettext_lazy("De versie waarop u werkte ontbreekt; open de brief opnieuw om te bewerken."),
            "invalid": gettext_lazy("De versie waarop u werkte is ongeldig; open de brief opnieuw om te bewerken."),
        },
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Wat moet er veranderen?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SentForm(forms.Form):
    sent_on = forms.DateField(label=gettext_lazy("Verzonden op"), widget=DateInput())
    kamerstuk_number = forms.CharField(label=gettext_lazy("Kamerstuknummer"), max_length=100)


class ReportRequestForm(SentOnceForm):
    kind = forms.ChoiceField(label=gettext_lazy("Soort rapportage"), choices=Report.Kind.choices)
    year = forms.IntegerField(label=gettext_lazy("Jaar (jaaroverzicht)"), required=False)
    period_start = forms.DateField(label=gettext_lazy("Periode vanaf (evaluatie)"), required=False, widget=DateInput())
    period_end = forms.DateField(
        label=gettext_lazy("Periode tot en met (evaluatie)"), required=False, widget=DateInput()
    )
    werking = forms.CharField(
        label=gettext_lazy("Bevindingen evaluatoren: werking"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    doelmatigheid = forms.CharField(
        label=gettext_lazy("Bevindingen evaluatoren: doelmatigheid"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    doeltreffendheid = forms.CharField(
        label=gettext_lazy("Bevindingen evaluatoren: doeltreffendheid"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    uitbreiding = forms.CharField(
        label=gettext_lazy("Bevindingen evaluatoren: uitbreiden en/of offensiever inzetten?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# ---------------------------------------------------------------------------------------------
# Letters
# ---------------------------------------------------------------------------------------------
LETTERS_PER_PAGE = 50  # two letters per transaction: the list grows with the years


@web_view
def letters(request):
    from django.core.paginator import Paginator

    page = Paginator(selectors.letter_list(user=request.user), LETTERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "letters/list.html", {"letters": page.object_list, "page": page, "nav": "letters"})


def _diff_lines(letter, from_number: int, to_number: int) -> list[dict]:
    diff = selectors.letter_revision_diff(letter=letter, from_number=from_number, to_number=to_number)
    rows = []
    for line in diff["unified"].splitlines()[2:]:
        kind = (
            "add"
            if line.startswith("+")
            else "del"
            if line.startswith("-")
            else "hunk"
            if line.startswith("@@")
            else "same"
        )
        rows.append({"kind": kind, "text": line[1:] if kind in ("add", "del", "same") else line})
    return rows


@web_view
def letter(request, letter_id: int, bound: dict | None = None):
    item = selectors.letter_get(user=request.user, letter_id=letter_id)
    case = item.case
    bound = bound or {}
    revisions = list(selectors.letter_revisions(letter=item))
    diff = None
    if len(revisions) > 1:
        try:
            to_number = int(request.GET.get("to", revisions[-1].number))
            # by default against the generated text (version 1), so a reviewer sees every change made
            # to what the record gave, not only the last edit (found by trying the product)
            from_number = int(request.GET.get("from", revisions[0].number))
            diff = {"from": from_number, "to": to_number, "rows": _diff_lines(item, from_number, to_number)}
        except (ValueError, ApplicationError):
            diff = None
    user = request.user
    is_author = user.pk in services.letter_authors(item)
    may_review = item.status == LetterStatus.IN_REVIEW and can(user, "letter.approve", case=case)
    may_send = item.status == LetterStatus.APPROVED and can(user, "letter.send", case=case)
    # A refusal of a step whose form the page does not show (returning a draft, sending a letter not
    # yet approved) goes to the error summary at the top: it was a 400 without a message (found by
    # trying the product).
    shown = {"general"} | ({"return"} if may_review else set()) | ({"send"} if may_send else set())
    context = {
        "letter": item,
        "case": case,
        "nav": "letters",
        "revisions": revisions,
        "diff": diff,
        "may_edit": item.status == LetterStatus.DRAFT and can(user, "letter.edit", case=case),
        # Submission and approval both require "Ons kenmerk" (services): without it the page says so
        # and offers entering it instead of a submit button the service would refuse.
        "reference_complete": services.letter_reference_is_complete(item),
        "may_review": may_review,
        "is_author": is_author,
        "return_form": bound.get("return") or ReturnForm(),
        "sent_form": (bound.get("send") or SentForm(initial={"sent_on": timezone.localdate()})) if may_send else None,
        "general": bound.get("general") or refused_elsewhere(bound, shown=shown),
        "letter_date": item.sent_on or item.letter_date,
        "unbacked_figures": selectors.letter_figures_not_generated(letter=item),
    }
    return render(request, "letters/detail.html", context, status=400 if bound else 200)


@web_view
def letter_edit(request, letter_id: int):
    item = selectors.letter_get(user=request.user, letter_id=letter_id)
    require(request.user, "letter.edit", case=item.case)
    prefix = (item.letterhead or {}).get("reference_prefix", "")
    form = LetterEditForm(
        request.POST or None,
        initial={
            "our_reference": item.our_reference or (f"{prefix} / " if prefix else ""),
            "subject": item.subject,
            "body": item.body,
            "confidential_annex": item.confidential_annex,
            "expected_revision": item.revision,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        revision, reference = item.revision, item.our_reference
        try:
            with transaction.atomic():  # the kenmerk and the text are saved together or not at all
                item = services.letter_set_reference(
                    user=request.user, letter=item, our_reference=data["our_reference"]
                )
                item = services.letter_update(
                    user=request.user,
                    letter=item,
                    subject=data["subject"],
                    body=data["body"],
                    confidential_annex=data["confidential_annex"],
                    expected_revision=data["expected_revision"],
                    note=data["note"],
                )
        except REFUSED as exc:
            add_error(form, exc)
        else:
            # Said as it happened (found by trying the product: "nieuwe versie" after a kenmerk alone).
            if item.revision != revision:
                messages.success(request, _("De brief is opgeslagen als nieuwe versie."))
            elif item.our_reference != reference:
                messages.success(
                    request, _("Het kenmerk is opgeslagen; de tekst is ongewijzigd, er is geen nieuwe versie.")
                )
            else:
                messages.info(request, _("Er is niets gewijzigd."))
            return redirect("parliament:letter", letter_id=item.pk)
    return render(
        request,
        "letters/edit.html",
        {"letter": item, "case": item.case, "form": form, "nav": "letters"},
        status=400 if form.errors else 200,
    )


# The letter's irreversible steps ask first (core.views.confirm_first): title, button, consequence.
LETTER_CONFIRMATIONS = {
    "submit": (
        gettext_lazy("Ter beoordeling aanbieden"),
        gettext_lazy("Bevestigen en aanbieden"),
        gettext_lazy(
            "Een andere parlementaire contactpersoon beoordeelt de brief (vier ogen); tot hij wordt "
            "teruggestuurd, kunt u hem niet bewerken."
        ),
    ),
    "approve": (
        gettext_lazy("Kamerbrief goedkeuren"),
        gettext_lazy("Bevestigen en goedkeuren"),
        gettext_lazy("De tekst ligt daarna vast; de brief kan worden verzonden."),
    ),
    "send": (
        gettext_lazy("Verzending vastleggen"),
        gettext_lazy("Bevestigen: verzonden"),
        gettext_lazy(
            "De brief wordt als verzonden vastgelegd en als document in het dossier opgenomen; dat "
            "kan niet ongedaan worden gemaakt."
        ),
    ),
}


@web_view
@require_POST
def letter_act(request, letter_id: int, action: str):
    item = selectors.letter_get(user=request.user, letter_id=letter_id)
    user = request.user
    if action == "submit":
        form, key = forms.Form(request.POST), "general"
        call, done = (lambda d: services.letter_submit(user=user, letter=item)), _("Ter beoordeling aangeboden.")
    elif action == "approve":
        form, key = forms.Form(request.POST), "general"
        call, done = (lambda d: services.letter_approve(user=user, letter=item)), _("De brief is goedgekeurd.")
    elif action == "return":
        form, key = ReturnForm(request.POST), "return"
        call = lambda d: services.letter_return_to_draft(user=user, letter=item, reason=d["reason"])  # noqa: E731
        done = _("De brief is teruggestuurd naar concept.")
    elif action == "send":
        form, key = SentForm(request.POST), "send"
        call = lambda d: services.letter_mark_sent(user=user, letter=item, **d)  # noqa: E731
        done = _("De verzending is vastgelegd.")
    else:
        raise Http404()
    if form.is_valid():
        try:
            if action in LETTER_CONFIRMATIONS:
                title, button, consequence = LETTER_CONFIRMATIONS[action]
                facts = [
                    (_("Brief"), item.subject),
                    (_("Kamer"), item.get_chamber_display()),
                    (_("Casus"), item.case.reference),
                    *[(str(form.fields[name].label), value) for name, value in form.cleaned_data.items()],
                ]
                unbacked = selectors.letter_figures_not_generated(letter=item) if action == "approve" else []
                if unbacked:  # typed in by an editor: check them against the record before approving
                    facts.append(
                        (_("Cijfers die niet in de uit het dossier gegenereerde tekst staan"), ", ".join(unbacked))
                    )
                # Sending stores the letter as case documents (files): no dry run for it, but its facts
                # are checked before the question, so a refusal never comes after "Bevestigen".
                if action == "send":
                    services.letter_send_check(letter=item, **form.cleaned_data)
                asked = confirm_first(
                    request,
                    title=str(title),
                    facts=facts,
                    consequence=str(consequence),
                    button=str(button),
                    back_url=reverse("parliament:letter", args=[item.pk]),
                    dry_run=None if action == "send" else (lambda: call(form.cleaned_data)),
                )
                if asked is not None:
                    return asked
            call(form.cleaned_data)
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("parliament:letter", letter_id=item.pk)
    return letter.__wrapped__(request, item.pk, bound={key: form})


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@web_view
def letter_download(request, letter_id: int, fmt: str):
    item = selectors.letter_get(user=request.user, letter_id=letter_id)
    include_annex = request.GET.get("annex", "0") == "1"
    if fmt == "docx":
        content, content_type = letter_docx(item, include_annex=include_annex), DOCX_TYPE
    elif fmt == "pdf":
        content, content_type = letter_pdf(item, include_annex=include_annex), "application/pdf"
    else:
        raise Http404()
    services.letter_record_download(user=request.user, letter=item, fmt=fmt, annex=include_annex)
    return _attachment(content, content_type, letter_filename(item, fmt, include_annex=include_annex))


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------
@web_view
def reports(request):
    require(request.user, "report.generate")
    form = ReportRequestForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.work_data()
        findings = {key: data.pop(key) for key in EVALUATION_QUESTIONS}
        try:
            with submitted_once(request, form):  # sent twice, it built the report twice
                report = services.report_request(user=request.user, findings=findings, **data)
        except AlreadySubmitted:
            return already_submitted(request, reverse("parliament:reports"))
        except REFUSED as exc:
            add_error(form, exc)
        else:
            return redirect("parliament:report", report_id=report.pk)
    return render(
        request,
        "letters/reports.html",
        {"form": form, "reports": selectors.report_list(user=request.user), "nav": "reports"},
        status=400 if form.errors else 200,
    )


@web_view
def report(request, report_id: int):
    item = selectors.report_get(user=request.user, report_id=report_id)
    return render(
        request,
        "letters/report.html",
        {"report": item, "nav": "reports", "running": item.status in (Report.Status.PENDING, Report.Status.RUNNING)},
    )


@web_view
def report_status(request, report_id: int):
    item = selectors.report_get(user=request.user, report_id=report_id)
    return JsonResponse(
        {
            "status": item.status,
            "status_label": str(item.get_status_display()),
            "progress": item.progress,
            "done": item.status in (Report.Status.DONE, Report.Status.FAILED),
        }
    )


@web_view
def report_download(request, report_id: int, fmt: str):
    item = selectors.report_get(user=request.user, report_id=report_id)
    if fmt not in REPORT_FORMATS:
        raise Http404()
    field_name, content_type = REPORT_FORMATS[fmt]
    field = getattr(item, field_name)
    if not field:
        raise Http404()
    with field.open("rb") as handle:
        content = handle.read()
    return _attachment(content, content_type, field.name.rsplit("/", 1)[-1])
