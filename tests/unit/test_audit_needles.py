"""The audit's needles in their compact form (a sorted array of 64-bit window hashes, which the
audit's worker hands to the build to share the end of the work): the same answers as the set."""

from __future__ import annotations

import pickle
import random
import sys

from editorial.core.audit import SHINGLE, SortedHashes, _Needles, _windows
from editorial.core.visible import words


def test_sorted_hashes_answer_as_the_set_does():
    rng = random.Random(25)
    needles = {rng.getrandbits(64) - 2**63 for _ in range(20_000)}
    probe = rng.sample(sorted(needles), 300) + [rng.getrandbits(64) - 2**63 for _ in range(3_000)]
    probe += [-(2**63), 2**63 - 1, min(needles), max(needles)]
    compact = SortedHashes(needles)
    assert len(compact) == len(needles)
    assert compact.intersection(probe) == needles.intersection(probe)
    assert compact.intersection([]) == set()
    assert all(value in compact for value in probe if value in needles)
    assert not any(value in compact for value in probe if value not in needles)
    # 8 bytes a hash, where the set's table alone takes more (and each int object 32 bytes besides)
    assert sys.getsizeof(compact.hashes) < 9 * len(needles) < sys.getsizeof(needles)


def test_compact_needles_find_a_withheld_passage_and_keep_their_answers():
    draft = "the pump must never be refilled while the infection is still present in the pocket"
    shingles = {SHINGLE: set(_windows(words(draft), SHINGLE))}
    needles = _Needles(shingles, {"gate-draft-x": ("id `gate-draft-x` of unpublished article", "content/a.md")})
    compact = pickle.loads(pickle.dumps(needles.compact()))
    page = words("Home. " + draft + " Read more.")
    assert compact.shingles[SHINGLE].intersection(_windows(page, SHINGLE)) == shingles[SHINGLE].intersection(
        _windows(page, SHINGLE)
    )
    assert compact.shingles[SHINGLE].intersection(_windows(page, SHINGLE))
    assert compact.tokens == needles.tokens


def test_a_search_remembers_what_is_withheld_in_a_text_and_nothing_else():
    # the memo of texts searched holds the withheld tokens and windows a text shows, not every
    # token of every text (about 46 MB for a full memo at 2.3 KB a text)
    draft = "the pump must never be refilled while the infection is still present in the pocket"
    needles = _Needles(
        {SHINGLE: set(_windows(words(draft), SHINGLE))},
        {"gate-draft-x": ("id `gate-draft-x` of unpublished article", "content/a.md")},
    )
    tokens, hits = needles.search("See gate-draft-x: " + draft + ", says the page.")
    assert tokens == {"gate-draft-x"} and len(hits) == len(words(draft)) - SHINGLE + 1
    plain = [needles.search(text) for text in ("Home", "A page about pumps and their pockets", "x " * 40)]
    assert plain == [(frozenset(), frozenset())] * 3
    assert all(found is plain[0][0] for pair in plain for found in pair)  # one empty set for all of them
    assert needles.search("Home") is plain[0]  # remembered
