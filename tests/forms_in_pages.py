"""What a browser sends back of a form in a page, unchanged: for the tests that follow a
page's form as a person does, rather than writing its fields by hand."""

from collections import defaultdict
from html.parser import HTMLParser

_SENT_INPUTS = {"text", "hidden", "number", "date", "time", "url", "email", "tel", "search", ""}


class _FormValues(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.values: dict[str, list[str]] = defaultdict(list)
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None
        # A single choice with no option selected sends its first option.
        self._first_option: str | None = None
        self._multiple = False

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._in_form = attributes.get("id") == self.form_id
        if not self._in_form or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "").lower()
            if kind in _SENT_INPUTS:
                self.values[name].append(attributes.get("value", ""))
            elif kind in {"checkbox", "radio"} and "checked" in attributes:
                self.values[name].append(attributes.get("value", "on"))
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name].append("")
        elif tag == "select" and name:
            self._select, self._first_option = name, None
            self._multiple = "multiple" in attributes
            self.values.setdefault(name, [])
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = attributes.get("value", "")
            if "selected" in attributes:
                self.values[self._select].append(attributes.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            if not self.values[self._select] and not self._multiple:
                self.values[self._select].append(self._first_option or "")
            if not self.values[self._select]:
                del self.values[self._select]
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            # A textarea's first newline is not part of its value.
            value = self.values[self._textarea][-1] + data
            self.values[self._textarea][-1] = value.removeprefix("\n")


def form_values(page: str, form_id: str) -> dict[str, list[str]]:
    """The names and values the form `form_id` of the page sends as it is shown."""
    parser = _FormValues(form_id)
    parser.feed(page)
    return dict(parser.values)
