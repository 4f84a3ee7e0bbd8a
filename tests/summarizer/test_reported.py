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


def test_a_speakers_own_belief_inside_their_statement_is_one_position(analyse: Analyse) -> None:
    """ "X said it feared ...", "she said she was confident ...", "he says he intends ...": the
    belief is what the speaker says, not a second statement of the same words."""
    result = analyse(
        "The Federation of Small Firms said it feared the new rules would leave employers out of pocket. "
        "Ms Carter said she was confident that families would see the benefit within a year. The mayor "
        "says he intends to scrap the congestion charge next spring."
    )
    assert [(p.cue, p.text) for p in result.positions] == [
        ("said", "it feared the new rules would leave employers out of pocket"),
        ("said", "she was confident that families would see the benefit within a year"),
        ("says", "he intends to scrap the congestion charge next spring"),
    ]


def test_someone_elses_statement_inside_a_statement_stays(analyse: Analyse) -> None:
    result = analyse(
        "Mr Hale said the minister had told him the scheme would be scrapped by the autumn. Ms Gray said "
        "officials had warned that the bridge was unsafe."
    )
    assert said(result) >= {
        ("the minister", "the scheme would be scrapped by the autumn"),
        ("officials", "the bridge was unsafe"),
    }


def test_the_one_told_is_not_a_speaker(analyse: Analyse) -> None:
    """ "after he was told he would face no action": a passive "told" names the listener."""
    result = analyse(
        "Councillor Tom Reeve criticised the length of the inquiry after he was told he would face no "
        "further action. The players were informed that the match had been postponed."
    )
    assert not [p for p in result.positions if "no further action" in p.text or "postponed" in p.text]


def test_a_person_suggesting_or_revealing_a_clause_states_it(analyse: Analyse) -> None:
    """ "suggest", "reveal" need a document or outlet as subject ("the figures suggest a rise"),
    unless a person says a whole clause with them."""
    result = analyse(
        "Anna Berg, the head of the relief agency, condemned the shelling and suggested the army knew the "
        "building was a school. Coach Tom Weller has revealed he will leave the club in May. The cat "
        "showed that it was hungry."
    )
    assert said(result) >= {
        ("Anna Berg", "the army knew the building was a school"),
        ("Tom Weller", "he will leave the club in May"),
    }
    assert not [p for p in result.positions if "hungry" in p.text]


def test_an_according_to_phrase_is_the_via_not_the_content(analyse: Analyse) -> None:
    result = analyse(
        "Kristina Karo, a model, lives in Los Angeles. She also claims the theft of her pet 25 years ago "
        "has prevented her from pursuing her dream, according to TMZ."
    )
    assert [(p.actor, p.text, p.via) for p in result.positions] == [
        (
            "Kristina Karo",
            "the theft of her pet 25 years ago has prevented her from pursuing her dream",
            "TMZ",
        )
    ]


def test_a_speech_announced_ahead_is_a_statement(analyse: Analyse) -> None:
    """ "will say that ..." previews a speech with its words; "will confirm" and "would say" do not."""
    result = analyse(
        "The Chancellor, Rachel Moore, will say today that the tax cut is paid for. She will warn that "
        "the opposition would raise VAT. The club will confirm its new manager on Friday. Asked about "
        "the deal, her aide would say only that talks continue."
    )
    assert said(result) == {
        ("Rachel Moore", "the tax cut is paid for"),
        ("Rachel Moore", "the opposition would raise VAT"),
    }


def test_statements_the_parse_hangs_elsewhere(analyse: Analyse) -> None:
    """A statement fronted before ", said NAME"; a described speaker the parser made the subject
    of a participle; a cue that reports its own clause before the quotation it introduces."""
    result = analyse(
        "The lawyer acting for the guard, who has been charged, said that early tests showed the shot "
        "was a ricochet. In Oregon, the duty to consult wildlife biologists before logging is "
        "particularly crucial, said Anne Wolfe, state director of the Forest Alliance. Mr Dorsey denied "
        'militants were at the clinic: "We are sure there were no militants in the building."'
    )
    assert said(result) >= {
        (
            "Anne Wolfe",
            "In Oregon, the duty to consult wildlife biologists before logging is particularly crucial",
        ),
        ("the lawyer", "early tests showed the shot was a ricochet"),
        ("Dorsey", "militants were at the clinic"),
        ("Dorsey", "We are sure there were no militants in the building."),
    }
