"""DRF's `?search=` with a bounded number and length of terms (`core.input_rules`)."""

from rest_framework.filters import SearchFilter

from core.input_rules import search_terms_checked


class BoundedSearchFilter(SearchFilter):
    def get_search_terms(self, request):
        return search_terms_checked(super().get_search_terms(request), field=self.search_param)
