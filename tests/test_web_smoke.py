"""Every web page, opened by every demo person on the demo data: nothing crashes, and nobody
sees a case they are not on the team of."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from access.models import User
from cases.models import Case

from .factories import web_session

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

LINK = re.compile(r'href="(/(?:cases|assessments|fund|documents|letters|audit)/[^"?#]*)"')


@pytest.fixture
def demo(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    call_command("seed_demo", stdout=io.StringIO())


def test_every_page_reachable_from_the_menus_renders_for_every_demo_person(client, demo):
    assert Case.objects.exists()
    for user in User.objects.filter(is_active=True).order_by("username"):
        client.logout()
        web_session(client, user)
        visible = set(Case.objects.visible_to(user).values_list("reference", flat=True))
        hidden = set(Case.objects.values_list("reference", flat=True)) - visible
        seen, queue = set(), [reverse("core:home"), reverse("cases:list")]
        while queue and len(seen) < 120:
            url = queue.pop(0)
            if url in seen or "/download/" in url:
                continue
            seen.add(url)
            response = client.get(url)
            assert response.status_code < 500, f"{user.username} {url}"
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            body = response.content.decode()
            assert not [ref for ref in hidden if ref in body], f"{user.username} sees a hidden case on {url}"
            queue += [link for link in LINK.findall(body) if link not in seen]
