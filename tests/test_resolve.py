"""Resolution across documents: which names merge, which stay apart, and why."""

from __future__ import annotations

from factions.model import EntityRecord
from factions.resolve.entities import KnownPerson, find_person_link, name_similarity


def _person(name: str, context: list[str]) -> EntityRecord:
    return EntityRecord(id=f"ent-{name}", type="person", name=name, context=context)


def _known(name: str, context: set[str]) -> dict[str, KnownPerson]:
    return {f"k-{name}": KnownPerson(f"k-{name}", name, tuple(name.lower().split()), context)}


def test_transliteration_variant_merges_when_context_agrees() -> None:
    link = find_person_link(
        _person("Attiqullah Barayalai", ["taliban"]),
        _known("Attiqullah Baryalai", {"taliban", "imu"}),
    )
    assert link is not None
    canonical, score, method = link
    assert (
        canonical == "k-Attiqullah Baryalai" and score >= 0.85 and method == "name-variant+context"
    )


def test_variant_stays_apart_without_shared_context() -> None:
    assert (
        find_person_link(
            _person("Attiqullah Barayalai", ["al-shabaab"]),
            _known("Attiqullah Baryalai", {"taliban"}),
        )
        is None
    )


def test_dropped_first_name_merges_with_context() -> None:
    assert name_similarity(("daud", "daud"), ("mohammad", "daud", "daud")) == 90.0
    link = find_person_link(
        _person("Daud Daud", ["taliban"]), _known("Mohammad Daud Daud", {"taliban"})
    )
    assert link is not None and link[0] == "k-Mohammad Daud Daud"


def test_two_men_sharing_one_word_do_not_merge() -> None:
    assert name_similarity(("mohammad", "omar"), ("omar", "abdullah")) < 85
    assert (
        find_person_link(
            _person("Omar Abdullah", ["taliban"]), _known("Mohammad Omar", {"taliban"})
        )
        is None
    )
