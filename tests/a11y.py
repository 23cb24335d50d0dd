"""axe-core in the browser tests (issue 23): every page a browser test visits is checked, and a
finding of impact "serious" or "critical" fails the test, listed rule by rule with its nodes.

axe-playwright-python bundles axe-core; it is injected through Playwright's evaluate, which the
page's Content-Security-Policy does not govern, so the CSP stays as strict as in production."""

from __future__ import annotations

import hashlib
import re

BLOCKING = ("serious", "critical")

_AXE = None


def _axe():
    global _AXE
    if _AXE is None:
        from axe_playwright_python.sync_playwright import Axe

        _AXE = Axe()
    return _AXE


# A page whose document is exactly one axe already passed (the login page for each person, the home
# page after each login) in the same viewport gives the same findings again: the hashes of the
# documents axe passed, per process, with what changes on every request (the CSRF token, the CSP
# nonce) blanked.
_PASSED: set[str] = set()
_VOLATILE = re.compile(r'((?:name="csrfmiddlewaretoken" value|nonce)=")[^"]*"')
DOCUMENT = "() => document.documentElement.outerHTML"


def findings(page) -> list[dict]:
    """The serious and critical violations on the page as it is now."""
    page.wait_for_load_state()
    document = _VOLATILE.sub(r'\1"', page.evaluate(DOCUMENT))
    key = hashlib.sha256(f"{page.viewport_size}\n{document}".encode()).hexdigest()
    if key in _PASSED:
        return []
    results = _axe().run(page)
    found = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    if not found:
        _PASSED.add(key)
    return found


# axe-core accepts an aria-describedby when any one of its ids exists; a reference to a missing id is
# still read as nothing (issue 23: "no dangling aria-describedby"), so every id must exist on the
# elements assistive technology sees.
DANGLING = """() => {
  const missing = [];
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
    // a hidden input (Django's as_hidden keeps the help text's reference) is not exposed to assistive technology
    for (const el of document.querySelectorAll("[" + attr + "]:not(input[type=hidden])")) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) { missing.push(attr + "=" + id + " on <" + el.tagName.toLowerCase() + (el.id ? " id=" + el.id : "") + ">"); }
      }
    }
  }
  return missing;
}"""


# Links that read the same but lead to different places ("Openen", "Download PDF" twice) cannot be
# told apart in a screen reader's list of links (WCAG 2.4.4/2.4.9; issue 23: "distinct link texts").
SAME_TEXT_LINKS = """() => {
  const byName = new Map();
  for (const a of document.querySelectorAll("a[href]")) {
    if (!a.getClientRects().length) { continue; }
    const name = (a.getAttribute("aria-label") || a.textContent).replace(/\\s+/g, " ").trim().toLowerCase();
    const href = a.href.split("#")[0];
    if (!byName.has(name)) { byName.set(name, new Set()); }
    byName.get(name).add(href);
  }
  return Array.from(byName).filter(([, hrefs]) => hrefs.size > 1).map(([name, hrefs]) => name + " -> " + Array.from(hrefs).join(", "));
}"""


def same_text_links(page) -> list[str]:
    return page.evaluate(SAME_TEXT_LINKS)


def dangling_references(page) -> list[str]:
    return page.evaluate(DANGLING)


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:200]}")
    return "\n".join(lines)


def check(page, where: str = "", *, link_texts: bool = True) -> None:
    """Fails when axe finds a serious or critical violation on the current page, when an ARIA reference
    points at a missing id, or when two links read the same but lead to different places (link_texts=False
    for Django's own admin, whose index repeats "Weergeven"/"Wijzigen" per model: its markup, not ours)."""
    violations = findings(page)
    assert not violations, f"axe-core on {where or page.url}:\n{describe(violations)}"
    dangling = dangling_references(page)
    assert not dangling, f"references to missing ids on {where or page.url}: {dangling}"
    same = same_text_links(page) if link_texts else []
    assert not same, f"links with the same text to different places on {where or page.url}: {same}"
