"""The API's patterns grouped by first segment (core.api.routing, config/urls.py): every API URL
resolves to what the apps' patterns side by side resolve it to, and a path is tried only against its
own group's patterns."""

import re
import types
from importlib import import_module

import pytest
from django.urls import Resolver404, include, path
from django.urls.resolvers import RegexPattern, URLResolver

import config.urls
from core.views import api_unmatched

MODULES = config.urls.API_URL_MODULES  # side by side, as before they were grouped
SAMPLES = {r"[a-z_]+": "cash", r"csv|xlsx|pdf": "xlsx", r"[\w-]+": "c-1"}


def _resolver(urlpatterns):
    return URLResolver(RegexPattern(r"^/"), types.SimpleNamespace(urlpatterns=urlpatterns))


def _sample_path(pattern) -> str:
    text = str(pattern.pattern).lstrip("^").rstrip("$")
    text = re.sub(r"\(\?P<\w+>([^)]*)\)", lambda m: SAMPLES.get(m[1], "7"), text)
    return "/api/" + re.sub(r"<\w+:\w+>", "7", text)


def _flat():
    api = [path("", include(module)) for module in MODULES]
    return _resolver([path("api/", include(api))])


def _every_api_path():
    return [_sample_path(p) for module in MODULES for p in import_module(module).urlpatterns]


@pytest.mark.parametrize("url", _every_api_path())
def test_every_api_url_resolves_as_before(url):
    before, now = _flat().resolve(url), _resolver(config.urls.urlpatterns).resolve(url)
    assert (now.func, now.args, now.kwargs, now.url_name) == (before.func, before.args, before.kwargs, before.url_name)


def test_a_path_is_tried_only_against_its_group():
    """Side by side, a position's path was tried against every case, assessment and fund pattern."""
    with pytest.raises(Resolver404) as flat:
        _flat().resolve("/api/positions/7/unknown/")
    # The grouped patterns without the last one, which answers every path nothing else matched
    # (core.views.api_unmatched: the API's JSON 404).
    assert _resolver(config.urls.urlpatterns).resolve("/api/positions/7/unknown/").func is api_unmatched
    assert config.urls.api_patterns[-1].callback is api_unmatched
    with pytest.raises(Resolver404) as grouped:
        _resolver([path("api/", include(config.urls.api_patterns[:-1]))]).resolve("/api/positions/7/unknown/")

    def under_api(error):
        return [tried for tried in error.value.args[0]["tried"] if str(tried[0].pattern) == "api/"]

    assert len(under_api(flat)) > 100
    assert len(under_api(grouped)) < 40  # the groups, and the 14 patterns of positions/
