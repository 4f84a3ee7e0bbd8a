"""Reported statements from the parse: every kind of predicate and source, one test per error category."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Analysis

Analyse = Callable[[str], "Analysis"]


def said(analysis: Analysis) -> set[tuple[str, str]]:
    return {(p.actor, p.text) for p in analysis.positions}


def test_beliefs_knowledge_and_intent_are_statements(analyse: Analyse) -> None:
    result = analyse(
        "The senator met intelligence officials on Tuesday. Senator Mark Warner believes the "
        "agency underestimated the threat. The intelligence community has been confident that "
        "the hackers worked for a foreign government. Republicans are furious that the briefing "
        "came so late. The committee plans to publish its report next month."
    )
    assert said(result) >= {
        ("Mark Warner", "the agency underestimated the threat"),
        ("intelligence community", "the hackers worked for a foreign government"),
        ("Republicans", "the briefing came so late"),
        ("the committee", "to publish its report next month"),
    }


def test_cue_verbs_beyond_said(analyse: Analyse) -> None:
    result = analyse(
        "Councillor Amy Price fumed that the budget had been agreed in secret. Her deputy, Tom Hale, "
        "conceded the process had been rushed. The mayor, Lisa Grant, insisted the figures were sound "
        "and tweeted that the council would publish them in full. Grant hoped the row would end soon."
    )
    assert said(result) >= {
        ("Amy Price", "the budget had been agreed in secret"),
        ("Tom Hale", "the process had been rushed"),
        ("Lisa Grant", "the figures were sound"),
        ("Lisa Grant", "the council would publish them in full"),
        ("Lisa Grant", "the row would end soon"),
    }


def test_statement_nouns_carry_the_speaker(analyse: Analyse) -> None:
    result = analyse(
        "The ministry issued a statement saying the border crossing would reopen on Friday. Israel's "
        "assertion that the strike hit only militants was disputed by aid agencies."
    )
    assert said(result) >= {
        ("the ministry", "the border crossing would reopen on Friday"),
        ("Israel", "the strike hit only militants"),
    }


def test_documents_records_and_outlets_are_sources(analyse: Analyse) -> None:
    result = analyse(
        "FEC records show the company's employees gave $318,000 to the campaign. A study by the "
        "Family Policy Institute found that fewer than half of fathers take paternity leave. The "
        "Washington Post reported that the talks had stalled. The cat showed no fear of the dog."
    )
    positions = said(result)
    assert ("FEC records", "the company's employees gave $318,000 to the campaign") in positions
    assert ("Family Policy Institute", "fewer than half of fathers take paternity leave") in positions
    assert ("Washington Post", "the talks had stalled") in positions
    assert not [p for p in result.positions if "fear" in p.text]  # a cat shows nothing on the record


def test_calling_something_names_it_and_reads_as_a_statement(analyse: Analyse) -> None:
    result = analyse(
        "Opposition leader Ruth Davidson called the plan 'illogical'. The employment minister, Gareth "
        "Lyle, dismissed the proposals as a gimmick. EU spokeswoman Cristina Gallach condemned the "
        "shelling as 'completely unacceptable'."
    )
    assert said(result) >= {
        ("Ruth Davidson", "called the plan 'illogical'"),
        ("Gareth Lyle", "dismissed the proposals as a gimmick"),
        ("Cristina Gallach", "condemned the shelling as 'completely unacceptable'"),
    }


def test_a_cue_set_off_inside_its_clause(analyse: Analyse) -> None:
    result = analyse(
        "Theresa May set out the plan at a nursery in London. The plan, she said, would cost no more "
        "than the current system. The scheme appealed to him, Mr Crabtree said, because it was simple."
    )
    assert ("Theresa May", "The plan, she said, would cost no more than the current system") in said(result)
    assert any(p.text.startswith("The scheme appealed to him") for p in result.positions)


def test_reported_clauses_are_complete(analyse: Analyse) -> None:
    result = analyse(
        "Theresa May spoke at a nursery. She said new mothers were already entitled to 12 months leave, "
        "but that many women could not take it because the pay ran out after six months."
    )
    texts = [p.text for p in result.by("Theresa May")]
    assert texts == [
        "new mothers were already entitled to 12 months leave, but that many women could not take it "
        "because the pay ran out after six months"
    ]


def test_questions_and_hypotheticals_are_not_statements(analyse: Analyse) -> None:
    result = analyse(
        "Asked whether militants had been in the school, John Ging said he did not know. The minister "
        "would say nothing more. Reporters asked if the talks had failed."
    )
    assert [p.text for p in result.positions] == ["he did not know"]


def test_a_speaker_named_like_a_modal_verb(analyse: Analyse) -> None:
    """ "Mrs May said ..." is no "may say": the name is the subject, not an auxiliary."""
    result = analyse(
        "Theresa May visited a nursery in south London on Monday. Speaking to parents, Mrs May said the "
        "current rules had been written for a different world. Officials may announce the details later."
    )
    assert [(p.actor.split()[-1], p.text) for p in result.positions] == [
        ("May", "the current rules had been written for a different world")
    ]


def test_a_quoted_phrase_is_never_the_speaker(analyse: Analyse) -> None:
    """ "dismissed as 'complete nonsense' claims that ...": the parser may make the quoted words the
    subject of "claims"; they speak for no one."""
    result = analyse(
        "The council has been accused of neglecting the libraries. Last year the previous leader, Ann "
        "Hart, dismissed as 'complete nonsense' claims that the service was being run down."
    )
    assert not [p for p in result.positions if "nonsense" in p.actor.lower()]


def test_an_outlet_quoting_a_person_is_the_via(analyse: Analyse) -> None:
    """Nested attribution: "The Herald quoted X as saying ..." - X speaks, the outlet carries it."""
    result = analyse(
        "The finance ministry faces a cash crunch this spring. The Herald newspaper quoted the ministry's "
        "general secretary, Paul Anders, as saying the government would miss next week's payment."
    )
    position = next(p for p in result.positions if p.text.startswith("the government would miss"))
    assert position.actor == "Paul Anders"
    assert "Herald" in position.via


def test_a_speaker_introduced_by_called_is_the_name(analyse: Analyse) -> None:
    result = analyse(
        "Fighting continued overnight near the border. Another rebel figure, a military spokesman called "
        "Omar Haddad, said thousands of fighters were waiting to advance."
    )
    assert ("Omar Haddad", "thousands of fighters were waiting to advance") in said(result)
