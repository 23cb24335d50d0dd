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
