"""The build keeps each page's verdict as it comes from the audit's worker (plugin/output.py):
without the page's links, which the gate has judged, but with everything the rest of the audit
needs (what an approved page owns, for the search bundle)."""

from __future__ import annotations

from concurrent.futures import Future

from editorial.core import audit
from editorial.plugin.output import Output


def test_a_verdict_taken_as_it_comes_keeps_what_the_page_owns():
    output = Output(build=None)  # type: ignore[arg-type]  # done() reads nothing of the build
    verdict = audit.Verdict([], {"img/a.png"}, ("", ["img/a.png"]), frozenset({7, 11}))
    future: Future[audit.Verdict] = Future()
    future.set_result(verdict)
    page = object()
    output.pages["articles/a/index.html"] = (page, b"digest", future)  # type: ignore[assignment]
    output.order.append("articles/a/index.html")
    assert output.done() == [(page, verdict)]
    digest, kept = output.proved["articles/a/index.html"]
    assert digest == b"digest" and kept.owned == frozenset({7, 11}) and kept.refers_to == {"img/a.png"}
    assert kept.links is None and not output.pages  # the links and the page let go
