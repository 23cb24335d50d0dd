"""The API's OpenAPI description (/api/schema/, /api/docs/): it builds without a warning of
drf-spectacular and validates against the OpenAPI specification, and its texts follow the reader's
language as the rest of the service does (Dutch first, English through the catalogue)."""

import pytest
import yaml
from django.core.management import call_command
from django.utils import translation

pytestmark = pytest.mark.django_db


def _schema(tmp_path, language: str) -> dict:
    path = tmp_path / f"schema-{language}.yaml"
    with translation.override(language):
        call_command("spectacular", validate=True, fail_on_warn=True, file=str(path), lang=language)
    return yaml.safe_load(path.read_text())


def _descriptions(schema: dict, part: str = "paths") -> set[str]:
    found = set()

    def walk(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "description" and isinstance(inner, str):
                    found.add(inner)
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(schema.get(part, {}))
    return found


def test_the_schema_builds_without_warnings_in_either_language(tmp_path):
    dutch, english = _descriptions(_schema(tmp_path, "nl")), _descriptions(_schema(tmp_path, "en"))
    assert "Niet in de juiste status, of een regel is niet voldaan." in dutch
    assert (
        "Met de vertrouwelijke bijlage: true. Standaard (false) alleen de openbare brief, zoals de webpagina." in dutch
    )
    assert (
        "With the confidential annex: true. By default (false) only the public letter, as on the web page." in english
    )
    assert "Reference date (YYYY-MM-DD); today by default." in english
    assert "Peildatum (JJJJ-MM-DD); standaard vandaag." not in english


def test_the_fields_descriptions_follow_the_language(tmp_path):
    """The fields' help texts of the token, audit and letter serializers were English literals, in the
    Dutch description too."""
    dutch = _descriptions(_schema(tmp_path, "nl"), "components")
    english = _descriptions(_schema(tmp_path, "en"), "components")
    assert "Na dit moment wordt het token geweigerd (401)." in dutch
    assert "After this moment the token is refused (401)." in english
    assert not {"After this moment the token is refused (401).", "Username: that person's trail."} & dutch


def test_the_interactive_docs_load_nothing_the_content_security_policy_refuses(api, officer):
    """/api/docs/ was drf-spectacular's default page: Swagger UI's scripts and styles from a CDN and an
    inline init script, all refused by the service's policy (script-src and style-src 'self'), so the
    page stayed blank (and needs no CDN now: a ministry's network may reach none). Its scripts and
    styles are the service's own static files now, the init script one of them (?script=)."""
    import re

    client = api(officer)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "script-src 'self'" in page["Content-Security-Policy"]
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script"
    assert "<style" not in html
    assert any("swagger-ui-bundle.js" in s for s in sources)
    init = client.get("/api/docs/?script=")
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in init.content.decode()
