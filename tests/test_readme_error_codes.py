"""The README's API section promises stable 409 codes and lists them: an API client builds on that
list. Every code the service raises with a 409 (core.exceptions.Conflict and LimitExceeded) is named
there, either by name or as one of the `already_*` / `not_*` families the README names as such.
(Found by trying the README: about twenty codes, among them `cabinet_ordered_sale`, were missing.)"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "access", "audit", "cases", "documents", "assessments", "bev", "parliament")
CONFLICTS = {"Conflict", "LimitExceeded"}
FAMILIES = ("already_", "not_")


def _conflict_codes() -> dict[str, str]:
    """code -> where it is raised, for every Conflict(..., code="...") in the apps' source."""
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name not in CONFLICTS:
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                        found.setdefault(keyword.value.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_409_code_the_service_raises_is_in_the_readme():
    codes = _conflict_codes()
    assert len(codes) > 40 and "cabinet_ordered_sale" in codes  # the scan finds them
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("The 409 codes are stable") :][:6000]
    for family in FAMILIES:
        assert f"`{family}*`" in section
    missing = {
        code: where for code, where in codes.items() if not code.startswith(FAMILIES) and f"`{code}`" not in section
    }
    assert not missing, f"README's list of 409 codes lacks: {missing}"
