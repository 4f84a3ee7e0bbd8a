"""Clause shapes of reported speech (`summarizer/clause_shapes.py`), and the look-alikes that are none."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Analysis

Analyse = Callable[[str], "Analysis"]


def said(analysis: Analysis) -> set[tuple[str, str]]:
    return {(p.actor, p.text) for p in analysis.positions}


def speakers(analysis: Analysis) -> set[str]:
    return {p.actor for p in analysis.positions}


def test_a_gerund_after_a_preposition_speaks_for_the_main_subject(analyse: Analyse) -> None:
    result = analyse(
        "The Harbour Trust angered ferry users by arguing that the old pier was beyond repair. "
        "Councillor Wendy Plaskett resigned after warning that the library budget would run dry."
    )
    assert said(result) >= {
        ("Harbour Trust", "the old pier was beyond repair"),
        ("Wendy Plaskett", "the library budget would run dry"),
    }


def test_a_light_verb_with_a_stance_noun_or_clear_is_a_cue(analyse: Analyse) -> None:
    result = analyse(
        "Mayor Ottilie Brandt made clear that the tram depot would stay open. The Dockers Guild issued "
        "a warning that strikes would follow any cut to night shifts. Senator Rufus Kemble will make a "
        "strong argument for cheaper rail fares in the valley."
    )
    assert said(result) >= {
        ("Ottilie Brandt", "the tram depot would stay open"),
        ("Dockers Guild", "strikes would follow any cut to night shifts"),
        ("Rufus Kemble", "cheaper rail fares in the valley"),
    }


def test_raising_doubts_is_no_statement(analyse: Analyse) -> None:
    result = analyse(
        "The leaked memo raised doubts about the canal scheme. The flood raised fears about the dam."
    )
    assert not result.positions


def test_a_stance_noun_owned_by_its_holder(analyse: Analyse) -> None:
    result = analyse(
        "The Kestrel Quarry Company defended its record on Monday. Its claim to be restoring every quarry it "
        "closes was challenged by walkers. Professor Ines Varga's view that the aquifer is shrinking "
        "is shared by few colleagues."
    )
    assert said(result) >= {
        ("Kestrel Quarry Company", "to be restoring every quarry it closes"),
        ("Ines Varga", "the aquifer is shrinking"),
    }


def test_a_stance_noun_someone_else_criticises_is_their_topic(analyse: Analyse) -> None:
    result = analyse("Ms Dorrit Vane attacked Mr Olund Fisk's pledge to scrap the toll on the coast road.")
    assert ("Olund Fisk", "to scrap the toll on the coast road") not in said(result)


def test_a_passive_naming_verb_with_its_agent_describes(analyse: Analyse) -> None:
    result = analyse(
        "The new ring road was described by Councillor Abel Quist as a waste of public money. "
        "The opera was dubbed 'a triumph' by Greta Holm and 'tedious' by Piet Maas."
    )
    positions = said(result)
    assert (
        "Councillor Abel Quist",
        "The new ring road was described as a waste of public money",
    ) in positions
    assert {"Greta Holm", "Piet Maas"} <= speakers(result)


def test_being_called_up_by_a_team_is_no_description(analyse: Analyse) -> None:
    result = analyse(
        "He was called up by Portugal for the friendly in Lisbon. The goalkeeper was called in by the "
        "manager after training."
    )
    assert not result.positions


def test_a_relative_naming_verb_describes_the_noun_it_hangs_on(analyse: Analyse) -> None:
    result = analyse(
        "Olga Petrenko criticised the parking levy, which she described as a tax on nurses and carers."
    )
    assert ("Olga Petrenko", "the parking levy as a tax on nurses and carers") in said(result)


def test_an_inverted_subject_after_the_cue(analyse: Analyse) -> None:
    result = analyse("The likely outcome will be longer queues at every crossing, argued the Hauliers Union.")
    assert ("Hauliers Union", "The likely outcome will be longer queues at every crossing") in said(result)


def test_an_audience_after_a_comma_is_no_inverted_speaker(analyse: Analyse) -> None:
    result = analyse(
        "The harbour master resigned on Friday, told the Coast Gazette. The ferry firm cut its timetable, "
        "informed Radio Skerry. The warden locked the gates and thanked Inspector Rolf Dahl."
    )
    assert not {"Coast Gazette", "Radio Skerry", "Rolf Dahl"} & speakers(result)


def test_calls_for_someone_to_act_and_speaking_out_against(analyse: Analyse) -> None:
    result = analyse(
        "Councillor Ayo Benn called for the harbour board to publish the dredging contract. The bishop "
        "of Carrow, Simon Welde, spoke out against the closure of three rural surgeries."
    )
    assert said(result) >= {
        ("Ayo Benn", "the harbour board to publish the dredging contract"),
        ("Simon Welde", "the closure of three rural surgeries"),
    }


def test_a_practice_calling_for_something_states_nothing(analyse: Analyse) -> None:
    result = analyse("The old rule calls for inspectors to visit every farm twice a year.")
    assert not result.positions


def test_a_speaker_the_parser_took_for_a_passive_subject(analyse: Analyse) -> None:
    result = analyse(
        "Two hikers were found alive near the summit after three nights in the snow, the newspaper "
        "Valley Courier reported."
    )
    assert "Valley Courier" in speakers(result)


def test_noting_something_states_it(analyse: Analyse) -> None:
    result = analyse("Senator Maud Ferris noted the sharp rise in river pollution since the spring.")
    assert ("Maud Ferris", "the sharp rise in river pollution since the spring") in said(result)


def test_look_alikes_of_gerund_light_verb_and_naming_cues(analyse: Analyse) -> None:
    result = analyse(
        "Hollis Crane was stopped at the border after thinking his visa was still valid. The Rovers "
        "clinched the title after posting a 4-0 win in a match that decided the league. Once the "
        "bank issues a warning about a scam, fraudsters change their script. Inventor Lea Moss built "
        "a folding ladder, which she called the Stepstar."
    )
    assert not result.positions


def test_a_name_the_parser_hung_elsewhere_before_a_subjectless_cue(analyse: Analyse) -> None:
    result = analyse(
        "Three ferries were cancelled after the storm, the Island Transport Board said. Mr Tobin Ashe, "
        "in a speech at the harbour on Monday, said the new breakwater would be finished by spring."
    )
    assert said(result) >= {
        ("Island Transport Board", "Three ferries were cancelled after the storm"),
        ("Tobin Ashe", "the new breakwater would be finished by spring"),
    }


def test_a_quoted_judgement_hung_on_a_deeper_noun(analyse: Analyse) -> None:
    result = analyse(
        "Mayor Ingrid Solberg said the budget was late and called the auditors from the county "
        "'utterly careless'."
    )
    assert any(p.actor == "Ingrid Solberg" and "utterly careless" in p.text for p in result.positions)


def test_an_object_stance_keeps_whom_it_is_for_and_why(analyse: Analyse) -> None:
    result = analyse(
        "Ms Rhona Tait promised free bus passes for 20,000 pensioners to ease winter costs and said the "
        "scheme would start in May. Envoy Pavel Dusek urged restraint from both militias. Minister Carla "
        "Ruiz will pledge to halve waiting lists within two years."
    )
    assert said(result) >= {
        ("Rhona Tait", "free bus passes for 20,000 pensioners to ease winter costs"),
        ("Pavel Dusek", "restraint from both militias"),
        ("Carla Ruiz", "to halve waiting lists within two years"),
    }


def test_urging_a_person_alone_is_no_statement(analyse: Analyse) -> None:
    result = analyse("The coach urged his young defenders before kick-off.")
    assert not result.positions


def test_having_plans_to_act_is_an_intent_on_the_record(analyse: Analyse) -> None:
    result = analyse("Mayor Edith Carrow has plans to rebuild the boathouse next year.")
    assert ("Edith Carrow", "to rebuild the boathouse next year") in said(result)


def test_having_no_plans_is_no_intent(analyse: Analyse) -> None:
    result = analyse("Mayor Edith Carrow has no plans to move the market.")
    assert not result.positions
