"""Need-to-know in the admin, as in the API: an admin page of a model that refers to a case shows
only rows of cases the person may see, and answers an object page of any other row as one that
does not exist (404)."""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Case


class CaseScopedAdmin(admin.ModelAdmin):
    """Every admin page reads rows through `get_queryset` (changelist, search, filters and their
    counts, date hierarchy, autocomplete, change/view, history, delete), so scoping it scopes them
    all; the search is scoped once more, so that an override of `get_queryset` cannot turn the
    search over free text (a ledger entry's description) into an oracle.

    `case_lookup` is the path from the model to its case; `rows_without_case` keeps the rows that
    belong to no case (fund-wide ledger entries). Subclasses whose API reads through a selector
    (`assessment_list`, `Document.objects.visible_to`, ...) return that selector from `get_queryset`;
    the search and the object pages stay scoped here."""

    case_lookup = "case"
    rows_without_case = False

    def scoped(self, request, queryset: QuerySet) -> QuerySet:
        # The case file's visibility (the team except department advisors, within clearance): what
        # the API's case, position and proposal reads use.
        visible = Case.objects.case_file_visible_to(request.user).values("pk")
        condition = Q(**{f"{self.case_lookup}__in": visible})
        if self.rows_without_case:
            condition |= Q(**{f"{self.case_lookup}__isnull": True})
        return queryset.filter(condition)

    def get_queryset(self, request):
        return self.scoped(request, super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return self.scoped(request, results), may_have_duplicates

    def get_object(self, request, object_id, from_field=None):
        """404 for a row the person may not see, as for one that does not exist (Django's admin
        would redirect to the index with a message naming the id)."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj
