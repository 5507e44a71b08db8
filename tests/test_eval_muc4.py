"""The MUC-4 role-filler scorer: head nouns, counting, our roles, and the real file."""

from __future__ import annotations

import json
import math
from pathlib import Path

from factions.evaluation.muc4 import (
    MucDocument,
    MucScores,
    evaluate_muc4,
    head_nouns,
    matches,
    mention,
    muc4_figures,
    normalise,
    predicted_fillers,
    read_muc4,
    role_of,
    score_document,
    score_role,
    unwrap,
    weapon_key,
)
from tests.conftest import SHARED, require_shared
from tests.eval_helpers import event, kb_with

MUC_FILE = SHARED / "eval" / "events-muc4" / "muc4-dev.jsonl"
TEXT = (
    "REBELS OF THE HILL FRONT BLEW UP THE NORTHERN POWER STATION\nLAST NIGHT, "
    "THE ARMY SAID.\n\nA GUARD, JUAN EXAMPLE, WAS WOUNDED."
)


def test_normalise_and_head_nouns() -> None:
    assert normalise('The "Northern" power-station, A farm.') == "northern powerstation farm"
    assert head_nouns("northern power station") == ("station",)
    # An acronym has no noun chunk for the model: it matches only as a whole string.
    assert mention("HF").span == "hf"


def test_head_noun_and_exact_matching() -> None:
    ours = [mention("THE POWER STATION")]
    gold = [mention("NORTHERN POWER STATION")]
    assert matches(ours, gold) and not matches(ours, gold, exact=True)
    assert matches([mention("the Northern Power Station")], gold, exact=True)
    assert not matches([mention("THE ARMY")], gold)


def test_counting_one_role() -> None:
    gold = [["NORTHERN POWER STATION", "STATION"], ["BRIDGE"]]
    ours = [["THE POWER STATION"], ["POWER STATION"], ["A BUS"]]
    counts, missed, spurious = score_role(ours, gold)
    # The second filler repeats the first one's head noun and is dropped.
    assert (counts.predicted, counts.predicted_right) == (2, 1)
    assert (counts.gold, counts.gold_found) == (2, 1)
    assert missed == [1] and spurious == [1]
    exact, _, _ = score_role(ours, gold, exact=True)
    assert (exact.predicted, exact.predicted_right, exact.gold_found) == (3, 0, 0)
    none, _, _ = score_role(ours, [])
    assert (none.predicted, none.predicted_right, none.gold) == (2, 0, 0)


def test_unwrap_joins_wrapped_lines_of_a_paragraph() -> None:
    assert unwrap(TEXT) == (
        "REBELS OF THE HILL FRONT BLEW UP THE NORTHERN POWER STATION LAST NIGHT, THE ARMY "
        "SAID.\n\nA GUARD, JUAN EXAMPLE, WAS WOUNDED."
    )


def test_our_roles() -> None:
    assert role_of("actor", "armed_group") == "perp_organization_id"
    assert role_of("actor", "person") == "perp_individual_id"
    assert role_of("actor", "location") is None
    # An organisation attacked is the owner of what was hit, not a physical target.
    assert role_of("target", "organization") is None
    assert role_of("target", "person") == role_of("wounded", "person") == "hum_tgt_name"
    assert role_of("assoc", "armed_group") is None


def test_a_document(tmp_path: Path) -> None:
    record = {
        "docid": "DEV-1",
        "doc": TEXT,
        "roles": {
            "perp_individual_id": [["REBELS"]],
            "perp_organization_id": [["HILL FRONT"]],
            "phys_tgt_id": [["NORTHERN POWER STATION"]],
            "hum_tgt_name": [["JUAN EXAMPLE", "GUARD"]],
            "incident_instrument_id": [["EXPLOSIVES"]],
        },
    }
    path = tmp_path / "muc.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (doc,) = read_muc4(path)
    assert isinstance(doc, MucDocument) and doc.roles["hum_tgt_name"] == [["JUAN EXAMPLE", "GUARD"]]
    text = unwrap(TEXT)
    kb = kb_with(
        [
            ("g-hf", "armed_group", "Hill Front", []),
            ("o-ps", "property", "Northern Power Station", []),
            ("p-je", "person", "Juan Example", []),
            ("s-army", "state_force", "Army", []),
            ("g-other", "armed_group", "Other Front", []),
        ],
        events={
            "DEV-1": [
                event(
                    "Explosions/Remote violence",
                    "Remote explosive/landmine/IED",
                    [("g-hf", "actor"), ("o-ps", "target"), ("p-je", "wounded")],
                ),
                event("Violence against civilians", "Attack", [("s-army", "actor")], id="second"),
                # Combat between armed sides is no incident MUC-4 codes.
                event("Battles", "Armed clash", [("g-other", "actor")], id="third"),
            ]
        },
        texts={"DEV-1": text},
        mentions={
            "DEV-1": [
                ("g-hf", text.index("HILL FRONT"), text.index("HILL FRONT") + 10),
                ("p-je", text.index("JUAN"), text.index("JUAN") + 12),
            ]
        },
    )
    fillers = predicted_fillers(kb, "DEV-1")
    assert fillers["perp_organization_id"] == [["HILL FRONT"], ["Army"]]
    assert fillers["phys_tgt_id"] == [["Northern Power Station"]]
    assert fillers["hum_tgt_name"] == [["JUAN EXAMPLE"]]
    scores = MucScores()
    score_document(doc, kb, scores)
    assert (
        scores.head["perp_organization_id"].predicted_right,
        scores.head["perp_organization_id"].predicted,
    ) == (1, 2)
    assert scores.head["phys_tgt_id"].gold_found == scores.head["hum_tgt_name"].gold_found == 1
    assert scores.head["incident_instrument_id"].gold_found == 0
    micro = scores.micro()
    assert (micro.gold, micro.gold_found, micro.predicted, micro.predicted_right) == (5, 3, 4, 3)
    (line,) = scores.misses
    assert "PerpInd missed 'REBELS'" in line and "PerpOrg spurious 'army'" in line


def test_real_documents() -> None:
    require_shared(MUC_FILE)
    scores = evaluate_muc4(MUC_FILE, limit=10)
    assert scores.documents == 10
    micro = scores.micro()
    assert micro.gold == sum(c.gold for c in scores.head.values())
    assert micro.predicted_right <= micro.predicted and micro.gold_found <= micro.gold
    figures = muc4_figures(scores)
    assert figures and all(0.0 <= v <= 1.0 and not math.isnan(v) for v in figures.values())


def test_people_named_by_kind_fill_their_roles() -> None:
    assert role_of("actor", "collective") == "perp_individual_id"
    assert role_of("target", "property") == "phys_tgt_id"
    # MUC-4's human targets are names; a town is the incident's location, not a target.
    assert role_of("victim", "collective") is None
    assert role_of("target", "location") is None


def test_a_force_s_individuals_are_perpind_its_name_perporg_and_instruments_fill_weapon() -> None:
    text = "ARMY TROOPS FIRED MORTARS AT THE TOWN, THE ARMY SAID. A CAR BOMB WENT OFF."
    kb = kb_with(
        [("s-army", "state_force", "Military Forces", [])],
        events={
            "DEV-2": [
                event(
                    "Explosions/Remote violence",
                    "Shelling/artillery/missile attack",
                    [("s-army", "actor")],
                    instruments=[
                        {"text": "MORTARS", "document": "d-DEV-2", "start": 18, "end": 25}
                    ],
                ),
                event(
                    "Explosions/Remote violence",
                    "Remote explosive/landmine/IED",
                    id="second",
                    instruments=[
                        {"text": "CAR BOMB", "document": "d-DEV-2", "start": 56, "end": 64}
                    ],
                ),
            ]
        },
        texts={"DEV-2": text},
        mentions={"DEV-2": [("s-army", 0, 11), ("s-army", 43, 47)]},
    )
    fillers = predicted_fillers(kb, "DEV-2")
    assert fillers["perp_individual_id"] == [["ARMY TROOPS"]]
    assert fillers["perp_organization_id"] == [["ARMY"]]
    assert fillers["incident_instrument_id"] == [["MORTARS"], ["CAR BOMB"]]
    # "a bomb" and "two bombs" are one weapon.
    assert weapon_key("TWO BOMBS") == weapon_key("A BOMB") == "bomb"


def test_we_submit_no_denied_event_no_counter_insurgency_nor_who_stopped_a_bomb() -> None:
    kb = kb_with(
        [
            ("g-hf", "armed_group", "Hill Front", []),
            ("s-police", "state_force", "National Police", []),
            ("o-farm", "property", "Example Farm", []),
            ("o-house", "property", "Safe House", []),
            ("o-bank", "property", "Example Bank", []),
            ("p-je", "person", "Juan Example", []),
        ],
        events={
            "DEV-3": [
                # "The army denied that rebels of the Hill Front attacked the farm."
                event(
                    "Violence against civilians",
                    "Attack",
                    [("g-hf", "actor"), ("o-farm", "target")],
                    certainty="denied",
                ),
                # "The police destroyed a safe house of the front."
                event(
                    "Strategic developments",
                    "Looting/property destruction",
                    [("s-police", "actor"), ("o-house", "target")],
                    id="second",
                ),
                # "A guard, Juan Example, defused a bomb left at the bank."
                event(
                    "Strategic developments",
                    "Disrupted weapons use",
                    [("p-je", "actor"), ("o-bank", "target")],
                    id="third",
                ),
            ]
        },
        texts={"DEV-3": "A GUARD DEFUSED A BOMB."},
    )
    fillers = predicted_fillers(kb, "DEV-3")
    assert fillers["perp_organization_id"] == [] and fillers["perp_individual_id"] == []
    assert fillers["phys_tgt_id"] == [["Example Bank"]]
