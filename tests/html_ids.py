"""Every id on a page once: a duplicate id sends a label, an error summary's link or aria-describedby
to the wrong element (two forms each rendering `<textarea id="id_rationale">`)."""

from collections import Counter
from html.parser import HTMLParser


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids[value] += 1

    handle_startendtag = handle_starttag


def duplicate_ids(html: str) -> dict[str, int]:
    """The ids that occur more than once on the page, with how often."""
    parser = _Ids()
    parser.feed(html)
    parser.close()
    return {value: count for value, count in parser.ids.items() if count > 1}


def assert_ids_unique(response) -> None:
    assert response.status_code == 200, response.status_code
    duplicates = duplicate_ids(response.content.decode())
    assert not duplicates, f"ids on the page more than once: {duplicates}"
