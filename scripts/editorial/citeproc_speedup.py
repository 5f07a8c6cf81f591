"""citeproc-py, made fast for rendering thousands of entries: a process-wide change to its
classes, applied explicitly by the code that renders many (the MkDocs plugin, before it forks
its workers; the summary command; the benchmark) and by nobody else. core/citations.py works
with or without it, and renders the same entries either way.

Proven on CITEPROC_PROVEN only: tests/test_citations.py renders every shape of reference in
four styles with and without it and checks the release installed (pyproject.toml pins it)."""

from __future__ import annotations

from .core import citations

CITEPROC_PROVEN = "0.11.1"  # the citeproc-py release this was proven on (a test checks)


def apply() -> None:
    """Remember citeproc-py's lookups in the style and locale trees, which are parsed once a style.

    citeproc-py searches the style's XML again for every macro, term and option of every
    entry: 46 XPath queries an entry, half the time it takes. Keeping the element in the
    memo keeps lxml's Python proxy, so the same node is the same key.

    The trees change in one way once parsed: rendering a `cs:names` that has no `cs:name`,
    citeproc-py 0.11 inserts a default `Name()` child, but one without the CSL namespace,
    which its own lookup never finds, so it inserted another for every entry, and an XPath
    over their siblings grew with each (quadratic: 4 ms an entry after 18,000). The child
    lookup here also finds that default child, and a lookup that finds nothing is not
    remembered; with it, every (element, query) has one answer.

    Two more lookups are repeated for every variable of every entry: a locale's option
    (a search of its XML) and a citation item's reference (four dictionary look-ups through
    properties); both are remembered too. Applying it twice changes nothing."""
    from citeproc import model, source

    element = model.CitationStylesElement
    if getattr(element.xpath_search, "memoised", False):
        return
    child = model.SomewhatObjectifiedElement.__getattr__

    def child_or_default(node, name):
        found = child(node, name)
        if found is None and name == "name":
            return node.find("Name")  # the default child citeproc-py added, see above
        return found

    xpath_search, child_once = _once_per_node(element.xpath_search), _once_per_node(child_or_default, keep_none=False)

    def __getattr__(self, name):
        if name.startswith("__"):  # protocol look-ups (copy, pickle): not children
            return child(self, name)
        return child_once(self, name)

    locale_option = _once_per_node(_answer_or_index_error(model.Locale.get_option))

    def get_option(self, name):
        found = locale_option(self, name)
        if isinstance(found, IndexError):
            raise IndexError(name)  # the locale has no such option: citeproc-py tries the next one
        return found

    def reference(self):
        remembered = vars(self)  # the item's own attributes (its items are the citation's fields)
        if "_reference" not in remembered:
            remembered["_reference"] = self.bibliography.source[self.key]
        return remembered["_reference"]

    citations.forget_styles()  # a tree parsed before would mix the two
    xpath_search.memoised = True
    element.xpath_search = xpath_search
    model.SomewhatObjectifiedElement.__getattr__ = __getattr__
    model.Locale.get_option = get_option
    source.CitationItem.reference = property(reference)


def _answer_or_index_error(lookup):
    def answer(node, query):
        try:
            return lookup(node, query)
        except IndexError as exc:
            return exc

    return answer


def _once_per_node(lookup, keep_none: bool = True):
    """`lookup(node, query)`, remembered per (node, query); a None answer only if `keep_none`."""
    answers: dict = {}

    def remembered(node, query):
        key = (node, query)
        try:
            return answers[key]
        except KeyError:
            found = lookup(node, query)
            if found is not None or keep_none:
                answers[key] = found
            return found

    return remembered
