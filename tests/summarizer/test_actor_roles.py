"""Roles as written (summarizer/actors/roles.py, stated_roles.py, affiliations.py), one general
construction of English news per test: roles stated with "be", appointment or service, roles naming
the person, titles against relations, signatures, lists, possessives, and kinds the tagger gets wrong.
Sentences written for these tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Analysis

Analyse = Callable[[str], "Analysis"]


def test_a_role_stated_with_be_in_a_later_sentence(analyse: Analyse) -> None:
    result = analyse(
        "Shares in Northwind Energy fell 8 per cent on Monday. Daniel Ortiz is the chief executive of "
        "Northwind Energy. He said the firm would cut 200 jobs."
    )
    assert result.actor("Daniel Ortiz").role == "chief executive of Northwind Energy"


def test_a_role_stated_in_a_relative_clause(analyse: Analyse) -> None:
    result = analyse(
        "The ruling was welcomed by Karen Lowe, who is the director of the Open Courts Project. "
        "Lowe said it was a victory for the public."
    )
    assert result.actor("Karen Lowe").role == "director of the Open Courts Project"


def test_a_stated_role_leaves_out_the_clause_that_describes_more(analyse: Analyse) -> None:
    result = analyse(
        "Police arrested Tom Briggs at his home on Sunday. Briggs is a former soldier who served in "
        "Afghanistan, officers said."
    )
    assert result.actor("Tom Briggs").role == "former soldier"


def test_a_stated_role_keeps_which_one_but_not_a_quality(analyse: Analyse) -> None:
    result = analyse(
        "Daniel Cross is a professor of law at Yale. He said the ruling was flawed. Her colleagues said "
        "Ms Hart was a nurse of the highest standards."
    )
    assert result.actor("Daniel Cross").role == "professor of law at Yale"
    assert result.actor("Hart").role == "nurse"


def test_a_negated_or_non_personal_stated_role_is_no_role(analyse: Analyse) -> None:
    result = analyse(
        "Mark Fenwick is not the owner of the stadium, the club said. Helen Park is the reason the "
        "deal collapsed, according to two people familiar with the talks."
    )
    assert result.actor("Mark Fenwick").role == ""
    assert result.actor("Helen Park").role == ""


def test_a_title_at_the_name_beats_a_role_stated_later(analyse: Analyse) -> None:
    """ "Judge Maria Alvarez ... Alvarez was a prosecutor for two decades": the title is her role now."""
    result = analyse(
        "Judge Maria Alvarez sentenced him to ten years in prison. Alvarez was a prosecutor for two "
        "decades before joining the bench."
    )
    assert result.actor("Maria Alvarez").role == "Judge"


def test_roles_given_by_appointment_or_service(analyse: Analyse) -> None:
    result = analyse(
        "Kemi Adeyemi, who was appointed chief executive of the trust in May, said the cuts were "
        "unavoidable. Paul Grant, who served as ambassador to Kenya, said the embassy had been warned."
    )
    adeyemi = result.actor("Kemi Adeyemi")
    assert (adeyemi.role, adeyemi.kind) == ("chief executive of the trust", "person")
    assert result.actor("Paul Grant").role == "ambassador to Kenya"


def test_a_role_noun_that_gives_the_name(analyse: Analyse) -> None:
    """ "a military spokesman named X", "a taxi driver called Y"."""
    result = analyse(
        "A military spokesman named Karim Haddad said the army had retaken the town. Another witness, "
        "a taxi driver called Omar Siddiqui, said he saw the car speed away."
    )
    assert result.actor("Karim Haddad").role == "military spokesman"
    assert result.actor("Omar Siddiqui").role == "taxi driver"


def test_a_title_beats_a_relation_to_another_person(analyse: Analyse) -> None:
    """ "Obama's successor, President X": the relation says who came before, the title who they are."""
    result = analyse(
        "Obama's successor, President Donald Trump, signed the order on Friday. Supporters of President "
        "Ali Hassan rallied in the capital. Posters showed Hassan, the successor of the late leader Omar "
        "Bakr, waving to crowds."
    )
    assert result.actor("Donald Trump").role == "President"
    assert result.actor("Ali Hassan").role == "President"
    assert result.actor("Omar Bakr").role == "late leader"  # not "successor of the late leader"


def test_a_relation_is_the_role_when_nothing_else_is_written(analyse: Analyse) -> None:
    result = analyse("Rescuers found Lena Moss, the younger sister of Jake Moss, alive on Tuesday.")
    assert result.actor("Lena Moss").role == "younger sister of Jake Moss"


def test_a_party_member_in_apposition_after_a_title(analyse: Analyse) -> None:
    """ "Representative X, the Virginia Republican running for ...": fuller than the title."""
    result = analyse(
        "Representative Carla Dunmore, the Virginia Republican running for the Senate, defended the "
        "donations on Tuesday."
    )
    assert result.actor("Carla Dunmore").role == "Virginia Republican running for the Senate"


def test_a_press_release_signature_keeps_the_organisation(analyse: Analyse) -> None:
    """ "X, Head of Research, Barclays, said": the organisation is part of the role, and an
    organisation, whatever the tagger made of its name."""
    result = analyse(
        "Jane Cole, Head of Research, Barclays, said the market had turned. Mark Diffley, Director, "
        "Ipsos MORI Scotland said: 'The poll gives a clear steer.'"
    )
    assert result.actor("Jane Cole").role == "Head of Research, Barclays"
    assert result.actor("Mark Diffley").role == "Director, Ipsos MORI Scotland"
    assert result.actor("Ipsos MORI Scotland").kind == "organization"


def test_a_name_in_a_list_is_not_part_of_the_next_role(analyse: Analyse) -> None:
    result = analyse(
        "On stage, from left to right, Tory Ruth Davidson, Labour's Jim Murphy, the SNP's Nicola "
        "Sturgeon and Liberal Democrat Willie Rennie faced off in a television debate last night."
    )
    assert result.actor("Willie Rennie").role == "Liberal Democrat"


def test_a_club_or_outlet_possessive_is_the_role_when_nothing_else_is_written(analyse: Analyse) -> None:
    result = analyse(
        "Liverpool's Tom Archer scored twice before half-time. The plan was mocked by Matchday's Gary "
        "Lineker. London's Air Ambulance was called to the scene."
    )
    assert result.actor("Tom Archer").role == "Liverpool's"
    assert result.actor("Gary Lineker").role == "Matchday's"
    assert result.actor("Air Ambulance").role == ""  # a place's organisation: no role


def test_a_lower_case_apposition_tagged_as_a_name(analyse: Analyse) -> None:
    result = analyse(
        "Marcus Rashford, the Manchester United forward, has launched a campaign on child poverty."
    )
    assert result.actor("Marcus Rashford").role == "Manchester United forward"


def test_a_role_noun_the_tagger_took_for_a_verb(analyse: Analyse) -> None:
    result = analyse("(CNN)Blues legend B.B. King was hospitalized for dehydration on Friday.")
    assert result.actor("B.B. King").role == "Blues legend"


def test_a_person_noun_before_an_unlisted_first_name(analyse: Analyse) -> None:
    result = analyse("Spokeswoman Jen Psaki said the president had been briefed on the attack.")
    assert result.actor("Jen Psaki").role == "Spokeswoman"


def test_a_place_glued_into_a_role_noun(analyse: Analyse) -> None:
    """ "an Ashgabat resident": the tagger took the city for a person's name."""
    result = analyse('"Nobody told us anything," said Maral, 45, an Ashgabat resident.')
    assert result.actor("Maral").role == "Ashgabat resident"


def test_an_organisation_type_with_its_article_before_the_name(analyse: Analyse) -> None:
    result = analyse(
        "A baby was rescued 22 hours after the quake struck, the newspaper Kathmandu Today reported."
    )
    assert result.actor("Kathmandu Today").role == "newspaper"


def test_a_definite_description_with_an_age_refers_back(analyse: Analyse) -> None:
    """ "The former Conservative MP, 71, had faced calls ...": the age is no name in apposition."""
    result = analyse(
        "Carl Novak resigned from the Lords on Friday. The former Conservative MP, 71, had faced calls "
        "to step down for weeks."
    )
    assert result.actor("Carl Novak").role == "former Conservative MP"


def test_a_first_name_given_as_a_name_is_a_person(analyse: Analyse) -> None:
    """The tagger takes a lone unfamiliar first name for an organisation; "her first name, X" says
    whose it is."""
    for name in ("Marika", "Thaleia"):
        result = analyse(
            f"One student at the protest, who gave only her first name, {name}, said young people felt "
            "ignored by the government."
        )
        assert result.actor(name).kind == "person"


def test_us_and_uk_political_titles(analyse: Analyse) -> None:
    """A role hung on the party tag ("R-Ohio"), "Leader" and "Chair" as titles, "MP for" a seat."""
    result = analyse(
        "Rep. Dan Mercer, R-Ohio, the top Republican on the Oversight Committee, said the inquiry was a "
        "sham. Senate Majority Leader Ruth Calder (D-N.Y.) called the ruling a disgrace. Fed Chair Alan "
        "Brook said rates would stay high. Labour MP for Hove Tom Ashby said the decision was shameful."
    )
    assert result.actor("Dan Mercer").role == "top Republican on the Oversight Committee"
    assert result.actor("Ruth Calder").role == "Senate Majority Leader"
    assert result.actor("Alan Brook").role == "Fed Chair"
    assert result.actor("Tom Ashby").role == "Labour MP for Hove"


def test_an_affiliation_set_off_by_commas_and_a_side_in_court(analyse: Analyse) -> None:
    """Science and court reports: "Dr X, from the University of Y, said", "Z, defending, said"."""
    result = analyse(
        "Dr Hannah Webb, from the University of Sheffield, said the findings were surprising. Prof Omar "
        "Lutz, of Imperial College London, said more work was needed. In court, Claire Dunne, defending, "
        "said her client was remorseful."
    )
    assert result.actor("Hannah Webb").role == "from the University of Sheffield"
    assert result.actor("Omar Lutz").role == "of Imperial College London"
    assert result.actor("Claire Dunne").role == "defending"


def test_no_role_from_predictions_opinions_captions_or_another_clause(analyse: Analyse) -> None:
    """ "X will be the champion" predicts, "'X is a proven leader,' she said" is an opinion,
    ", right," is a caption, "the champion Y has faced" is someone else, "her native Austria" is a
    place."""
    result = analyse(
        "Paul Stone will be the next champion, pundits say. 'Anna Reyes is a proven leader,' her "
        "campaign said. Comedian Leo Marsh, left, mocked Dan Keane, right, at the rally. Carl Ruiz will "
        "be the third unbeaten fighter Joe Bell has faced. Sister Maria had worked in Kenya after moving "
        "from her native Austria."
    )
    assert result.actor("Paul Stone").role == ""
    assert result.actor("Anna Reyes").role == ""
    assert result.actor("Dan Keane").role == ""
    assert result.actor("Joe Bell").role == ""
    assert result.actor("Austria").kind == "place"


def test_no_role_from_the_second_sentence_of_a_quotation(analyse: Analyse) -> None:
    """A quotation that runs over two sentences is still someone's words in its second sentence."""
    result = analyse(
        'Senator Ruth Calder backed the bill on Tuesday. "We will win this vote. Tom Hale is the best '
        'negotiator we have," she told reporters.'
    )
    assert result.actor("Tom Hale").role == ""


def test_a_relation_keeps_its_place_when_no_title_is_written(analyse: Analyse) -> None:
    """A role naming another person is set aside for a title only: here it is the first written."""
    result = analyse(
        "Mark Vance's older brother, 26-year-old Adam Vance, died in a shootout. Adam Vance, the "
        "organiser, had planned the attack."
    )
    assert result.actor("Adam Vance").role == "Mark Vance's older brother"


def test_a_text_that_ends_in_a_party_letter_is_analysed(analyse: Analyse) -> None:
    # A feed teaser cut after the party letter: no hyphen and no state follow it.
    for text in ("Rep. Jim Jordan, R", "The committee heard from Jim Jordan, R"):
        assert analyse(text).actor("Jim Jordan").kind == "person"


def test_role_nouns_are_not_also_organisation_or_title_words() -> None:
    from summarizer.actors.common import PERSON_NOUNS, ROLE_NOUNS, TITLES
    from summarizer.lexicon import ORGANISATION_NOUNS

    assert not ROLE_NOUNS & (ORGANISATION_NOUNS | PERSON_NOUNS | set(TITLES))
