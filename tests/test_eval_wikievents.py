"""The WikiEvents scorer: rebuilding the text from tokens, locating triggers, the paper's
measures on a document written here, and the real dev file."""

from __future__ import annotations

import json
import math
from pathlib import Path

from factions.evaluation.wikievents import (
    WikiScores,
    align_tokens,
    evaluate_wikievents,
    load_kairos_table,
    locate_trigger,
    our_events,
    parse_kairos_table,
    read_wikievents,
    rebuild_text,
    score_document,
    wiki_figures,
)
from tests.conftest import SHARED, require_shared
from tests.eval_helpers import event, kb_with

WIKI_FILE = SHARED / "eval" / "events-wikievents" / "dev.jsonl"

# Two sentences whose offsets run on without a space ("…LowtownIt…"), as the shipped `text`
# glues them; inside the second, "was" and "n't" touch.
SENTENCES = [
    [["Rebels", 0, 6], ["attacked", 7, 15], ["Lowtown", 16, 23]],
    [["It", 23, 25], ["was", 26, 29], ["n't", 29, 32], ["over", 33, 37], [".", 37, 38]],
]


def test_rebuild_text_from_tokens() -> None:
    text, spans = rebuild_text(SENTENCES)
    assert text == "Rebels attacked Lowtown It wasn't over."
    tokens = [t[0] for s in SENTENCES for t in s]
    assert [text[a:b] for a, b in spans] == tokens
    # Tokens without offsets are joined by spaces.
    assert rebuild_text([["a", "b"], ["c"]])[0] == "a b c"


def test_align_tokens_in_a_cleaned_text() -> None:
    tokens = ["Rebels", "attacked", "Lowtown", "\u00a0", "It", "was"]
    stored = [("d1", "Rebels  attacked Lowtown"), ("d2", "It was")]
    assert align_tokens(tokens, stored) == [
        ("d1", 0, 6),
        ("d1", 8, 16),
        ("d1", 17, 24),
        None,
        ("d2", 0, 2),
        ("d2", 3, 6),
    ]


def test_locate_trigger() -> None:
    evidence = [
        {"document": "d", "text": "The attackers fled.", "start": 0, "end": 19},
        {"document": "d", "text": "Rebels attacked the post.", "start": 20, "end": 45},
    ]
    assert locate_trigger("attack", evidence) is None  # whole words only
    assert locate_trigger("ATTACKED", evidence) == ("d", 27, 35)
    assert locate_trigger("", evidence) is None


def test_kairos_table() -> None:
    table = load_kairos_table()
    explode = table.lookup("Conflict.Attack.DetonateExplode")
    assert explode == (frozenset({"Explosions/Remote violence"}), "event")
    unspecified = table.lookup("Conflict.Attack.Unspecified")
    assert unspecified is not None and "Battles" in unspecified[0]
    assert table.lookup("Life.Die.Unspecified") is not None
    assert table.lookup("Life.Die.Unspecified")[1] == "outcome"  # type: ignore[index]
    assert table.lookup("Contact.Contact.Meet") is None
    assert table.lookup("Conflict.Attacker") is None  # a prefix of words, not of characters
    small = parse_kairos_table(
        {"type": [{"kairos": "A", "acled": ["X"]}], "roles": {"R": ["actor"]}}
    )
    assert small.lookup("A.B") == (frozenset({"X"}), "event") and small.roles["R"] == {"actor"}


def _document(tmp_path: Path):
    record = {
        "doc_id": "doc-1",
        "tokens": [t[0] for s in SENTENCES for t in s],
        "text": "RebelsattackedLowtownItwasn'tover.",
        "sentences": [[s, " ".join(t[0] for t in s)] for s in SENTENCES],
        "entity_mentions": [
            {"id": "doc-1-T1", "start": 0, "end": 1, "entity_type": "PER", "text": "Rebels"},
            {"id": "doc-1-T2", "start": 2, "end": 3, "entity_type": "GPE", "text": "Lowtown"},
            {"id": "doc-1-T3", "start": 3, "end": 4, "entity_type": "PER", "text": "It"},
        ],
        "event_mentions": [
            {
                "id": "doc-1-E1",
                "event_type": "Conflict.Attack.Unspecified",
                "trigger": {"start": 1, "end": 2, "text": "attacked", "sent_idx": 0},
                "arguments": [
                    {"entity_id": "doc-1-T1", "role": "Attacker", "text": "Rebels"},
                    {"entity_id": "doc-1-T2", "role": "Target", "text": "Lowtown"},
                ],
            },
            {
                "id": "doc-1-E2",
                "event_type": "Life.Die.Unspecified",
                "trigger": {"start": 6, "end": 7, "text": "over", "sent_idx": 1},
                "arguments": [],
            },
        ],
    }
    path = tmp_path / "dev.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (tmp_path / "dev-coref.jsonlines").write_text(
        json.dumps({"doc_key": "doc-1", "clusters": [["doc-1-T1", "doc-1-T3"]]}) + "\n"
    )
    return read_wikievents(path)


def test_a_document_scored(tmp_path: Path) -> None:
    (doc,) = _document(tmp_path)
    assert doc.text == "Rebels attacked Lowtown It wasn't over."
    assert doc.coreferent["doc-1-T1"] == ("doc-1-T1", "doc-1-T3")
    text = doc.text
    sentence = {"document": "d-doc-1", "text": text[:23], "start": 0, "end": 23}
    second = {"document": "d-doc-1", "text": text[24:], "start": 24, "end": len(text)}
    kb = kb_with(
        [
            ("g-rebels", "armed_group", "Rebels", []),
            ("l-low", "location", "Lowtown", []),
            ("p-it", "person", "It", []),
        ],
        events={
            "doc-1": [
                # Right trigger, actor right, Lowtown as our place (the gold calls it Target):
                # identified but not classified.
                event(
                    "Battles",
                    "Armed clash",
                    [("g-rebels", "actor")],
                    trigger="attacked",
                    place="l-low",
                    evidence=[sentence],
                ),
                # On the death trigger: left out of the main figures.
                event("Battles", "Armed clash", trigger="over", id="x", evidence=[second]),
                # A trigger word that is not in its evidence.
                event("Riots", "Mob violence", trigger="stormed", id="y", evidence=[second]),
            ]
        },
        texts={"doc-1": text},
        mentions={"doc-1": [("g-rebels", 0, 6), ("l-low", 16, 23)]},
    )
    scores = WikiScores()
    score_document(doc, kb, scores, load_kairos_table())
    main = scores.main
    assert (main.trigger_id.predicted, main.trigger_id.predicted_right) == (2, 1)
    assert (main.trigger_id.gold, main.trigger_id.gold_found) == (1, 1)
    assert main.trigger_cls.predicted_right == 1  # Battles is allowed for Conflict.Attack
    assert main.neutral == 1
    assert (main.arg_id.predicted, main.arg_id.predicted_right) == (2, 2)
    assert (main.arg_cls.predicted_right, main.arg_cls.gold_found) == (1, 1)
    assert (main.arg_id.gold, main.arg_id.gold_found) == (2, 2)
    # Counting deaths as events too: the second event now matches the death trigger.
    assert scores.wide.trigger_id.predicted_right == 2 and scores.wide.trigger_id.gold == 2
    assert scores.unlocated_triggers == 1 and scores.unaligned_tokens == 0
    assert any("spurious Riots/Mob violence 'stormed'" in m for m in scores.misses)
    assert all(0.0 <= v <= 1.0 for v in wiki_figures(scores).values())


def test_real_documents() -> None:
    require_shared(WIKI_FILE)
    scores = evaluate_wikievents(WIKI_FILE, limit=3)
    assert scores.documents == 3 and scores.unaligned_tokens == 0
    main = scores.main
    assert main.trigger_id.gold == scores.gold_events
    assert main.trigger_id.predicted + main.neutral == scores.our_events
    assert main.trigger_cls.predicted_right <= main.trigger_id.predicted_right
    assert main.arg_cls.gold_found <= main.arg_id.gold_found <= main.arg_id_coref.gold_found
    figures = wiki_figures(scores)
    assert figures and all(0.0 <= v <= 1.0 and not math.isnan(v) for v in figures.values())


def test_every_trigger_span_of_an_event_is_a_mention() -> None:
    text = "Rebels attacked Lowtown. The blast was heard far away."
    first = {
        "document": "d-k",
        "text": text[:24],
        "start": 0,
        "end": 24,
        "triggers": [{"start": 7, "end": 15}],
    }
    second = {
        "document": "d-k",
        "text": text[25:],
        "start": 25,
        "end": len(text),
        "triggers": [{"start": 29, "end": 34}],
    }
    kb = kb_with(
        [("g-rebels", "armed_group", "Rebels", [])],
        events={
            "k": [
                event(
                    "Battles",
                    "Armed clash",
                    [("g-rebels", "actor")],
                    trigger="attacked",
                    evidence=[first, second],
                )
            ]
        },
        texts={"k": text},
    )
    mentions = our_events(kb, "k")
    assert [(m.trigger, m.location) for m in mentions] == [
        ("attacked", ("d-k", 7, 15)),
        ("blast", ("d-k", 29, 34)),
    ]
    # The event's arguments are counted once, with its first mention.
    assert [len(m.arguments) for m in mentions] == [1, 0]


def test_a_trigger_with_its_own_arguments_is_scored_on_them(tmp_path: Path) -> None:
    # The export gives "attacked" its arguments: "Rebels" acting and "Lowtown" hit. They are
    # scored in place of the event's participants (here a wrong actor from another sentence).
    (doc,) = _document(tmp_path)
    text = doc.text
    trigger = {
        "start": 7,
        "end": 15,
        "arguments": [
            {"start": 0, "end": 6, "role": "actor"},
            {"start": 16, "end": 23, "role": "target"},
        ],
    }
    sentence = {"document": "d-doc-1", "text": text[:23], "start": 0, "end": 23}
    kb = kb_with(
        [("g-other", "armed_group", "Others", []), ("l-low", "location", "Lowtown", [])],
        events={
            "doc-1": [
                event(
                    "Battles",
                    "Armed clash",
                    [("g-other", "actor")],
                    trigger="attacked",
                    place="l-low",
                    evidence=[sentence | {"triggers": [trigger]}],
                )
            ]
        },
        texts={"doc-1": text},
        mentions={"doc-1": [("g-other", 0, 6), ("l-low", 16, 23)]},
    )
    [mention] = our_events(kb, "doc-1")
    assert mention.arguments == [] and mention.spans == [
        ("actor", ("d-doc-1", 0, 6)),
        ("target", ("d-doc-1", 16, 23)),
    ]
    scores = WikiScores()
    score_document(doc, kb, scores, load_kairos_table())
    main = scores.main
    assert (main.arg_cls.predicted, main.arg_cls.predicted_right) == (2, 2)
    assert (main.arg_cls.gold, main.arg_cls.gold_found) == (2, 2)
    # A trigger whose arguments were read and found none has none: no fallback to the event's.
    empty = sentence | {"triggers": [{"start": 7, "end": 15, "arguments": []}]}
    kb.document_events_by_key["doc-1"][0]["evidence"] = [empty]
    [mention] = our_events(kb, "doc-1")
    assert mention.arguments == [] and mention.spans == []
