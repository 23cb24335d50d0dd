"""Web pages of a case's documents: list and search, upload, versions, withdraw, reclassify, download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from access.permissions import can
from cases.selectors import case_get
from core.exceptions import ApplicationError
from core.views import AlreadySubmitted, add_error, already_submitted, confirm_first, submitted_once, web_view

from . import selectors, services
from .forms import (
    DocumentSearchForm,
    DocumentUploadForm,
    ReclassifyForm,
    VersionAddForm,
    WithdrawForm,
)
from .http import version_download_response

REFUSED = (ApplicationError, ValidationError)


@web_view
def case_documents(request, pk: int):
    case = case_get(user=request.user, case_id=pk, audit_read=request.method == "GET")
    upload_form = DocumentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and upload_form.is_valid():
        data = upload_form.work_data()
        try:
            with submitted_once(request, upload_form):  # sent twice, it stored the document twice
                content, filename = services.read_upload(data.pop("file"))
                document = services.document_upload(
                    user=request.user,
                    case=case,
                    content=content,
                    filename=filename,
                    **{k: v for k, v in data.items() if v not in ("", None)},
                )
        except AlreadySubmitted:
            return already_submitted(request, reverse("documents:case", args=[case.pk]))
        except REFUSED as exc:
            add_error(upload_form, exc)
        else:
            messages.success(request, _("Document „%(title)s” toegevoegd.") % {"title": document.title})
            return redirect("documents:detail", pk=case.pk, document_id=document.pk)
    search = DocumentSearchForm(request.GET or None)
    documents = selectors.document_list(user=request.user, case=case)
    if search.is_valid():
        documents = selectors.document_search(documents, search.cleaned_data["q"])
    return render(
        request,
        "web/documents/list.html",
        {
            "case": case,
            "documents": documents,
            "search": search,
            "form": upload_form,
            "nav": "cases",
            "may_upload": can(request.user, "document.upload", case=case),
        },
        status=400 if upload_form.errors else 200,
    )


@web_view
def document_detail(request, pk: int, document_id: int, forms: dict | None = None):
    case = case_get(user=request.user, case_id=pk, audit_read=False)
    document = selectors.document_get(user=request.user, document_id=document_id, case=case)
    forms = forms or {}
    return render(
        request,
        "web/documents/detail.html",
        {
            "case": case,
            "document": document,
            "versions": _with_withdraw_forms(document, forms.get("withdraw")),
            "nav": "cases",
            "version_form": forms.get("version") or VersionAddForm(),
            "reclassify_form": forms.get("reclassify")
            or ReclassifyForm(initial={"classification": document.classification}),
            "may_upload": can(request.user, "document.upload", case=case),
            "may_withdraw": can(request.user, "document.withdraw", case=case),
        },
        status=400 if forms else 200,
    )


def _with_withdraw_forms(document, bound):
    versions = list(document.versions.all())
    for version in versions:
        if bound is not None and bound.prefix == f"w{version.number}":
            version.withdraw_form = bound
        else:
            version.withdraw_form = WithdrawForm(prefix=f"w{version.number}")
    return versions


def _document(request, pk, document_id):
    case = case_get(user=request.user, case_id=pk, audit_read=False)
    return case, selectors.document_get(user=request.user, document_id=document_id, case=case)


@web_view
def version_add(request, pk: int, document_id: int):
    case, document = _document(request, pk, document_id)
    form = VersionAddForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with submitted_once(request, form):
                content, filename = services.read_upload(form.cleaned_data["file"])
                version = services.document_version_add(
                    user=request.user, document=document, content=content, filename=filename
                )
        except AlreadySubmitted:
            return already_submitted(request, reverse("documents:detail", args=[case.pk, document.pk]))
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("Versie %(n)s toegevoegd.") % {"n": version.number})
            return redirect("documents:detail", pk=case.pk, document_id=document.pk)
    return document_detail.__wrapped__(request, pk, document_id, forms={"version": form})


@web_view
def version_withdraw(request, pk: int, document_id: int, number: int):
    case, document = _document(request, pk, document_id)
    version = selectors.document_version_get(user=request.user, document_id=document.pk, number=number, case=case)
    form = WithdrawForm(request.POST or None, prefix=f"w{number}")
    if request.method == "POST" and form.is_valid():

        def withdraw():
            return services.document_version_withdraw(
                user=request.user, version=version, reason=form.cleaned_data["reason"]
            )

        try:
            asked = confirm_first(
                request,
                title=_("Versie intrekken"),
                button=_("Bevestigen en intrekken"),
                facts=[
                    (_("Document"), document.title),
                    (_("Versie"), number),
                    (_("Casus"), f"{case.reference} {case.title}"),
                    (_("Reden"), form.cleaned_data["reason"]),
                ],
                consequence=_(
                    "De versie blijft leesbaar en in het dossier, gemarkeerd als ingetrokken; dat kan niet "
                    "ongedaan worden gemaakt."
                ),
                back_url=reverse("documents:detail", args=[case.pk, document.pk]),
                dry_run=withdraw,
            )
            if asked is not None:
                return asked
            withdraw()
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("Versie %(n)s ingetrokken.") % {"n": number})
            return redirect("documents:detail", pk=case.pk, document_id=document.pk)
    return document_detail.__wrapped__(request, pk, document_id, forms={"withdraw": form})


@web_view
def reclassify(request, pk: int, document_id: int):
    case, document = _document(request, pk, document_id)
    form = ReclassifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_reclassify(user=request.user, document=document, **form.cleaned_data)
        except REFUSED as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("Rubricering gewijzigd."))
            return redirect("documents:detail", pk=case.pk, document_id=document.pk)
    return document_detail.__wrapped__(request, pk, document_id, forms={"reclassify": form})


@web_view
def download(request, pk: int, document_id: int, number: int):
    case = case_get(user=request.user, case_id=pk, audit_read=False)
    version = selectors.document_version_get(user=request.user, document_id=document_id, number=number, case=case)
    content = services.document_version_download(user=request.user, version=version)
    return version_download_response(version, content)
