"""Sentences and quotations on news copy: quotes, attributions, abbreviations, paragraphs."""

from __future__ import annotations

import pytest
from spacy.language import Language

from summarizer.errors import ModelUnavailable
from summarizer.lexicon import SPEECH_VERB_FORMS
from summarizer.nlp import load_spacy
from summarizer.segmentation import COMPONENT, find_quotations, segment, token_sentence_indices

LOCKE_ID = "dm-test-008aa71f64621995d749aff42be822b1b6ca7bc9"
NASA_ID = "cnn-test-23a0f5d45517620ea12e8af780b2fa1cd9a2373a"


def sentences_of(nlp: Language, text: str) -> list[str]:
    return [s.text for s in segment(nlp(text))]


def quoted(nlp: Language, text: str) -> list[str]:
    doc = nlp(text)
    return [doc[q.start : q.end].text for q in find_quotations(doc)]


def test_pipeline_is_loaded_once_with_the_news_component(nlp: Language) -> None:
    assert load_spacy() is nlp
    names = nlp.pipe_names
    assert names.index(COMPONENT) < names.index("parser")
    assert nlp.max_length >= 200_000


def test_an_unknown_model_is_reported_as_unavailable() -> None:
    with pytest.raises(ModelUnavailable, match="no_such_spacy_model"):
        load_spacy("no_such_spacy_model")


def test_speech_verb_forms_cover_inflections() -> None:
    assert {"said", "says", "told", "warned", "denies", "denied", "adding", "wrote"} <= SPEECH_VERB_FORMS


def test_attribution_after_a_quote_stays_in_its_sentence(nlp: Language) -> None:
    text = (
        '"We will not back down," Dmitry Peskov, the Kremlin spokesperson, told reporters. '
        '"Any such mission would be a violation of our sovereignty." '
        '"Help!" she shouted. "Is this real?" asked the judge. "We won." Smith said.'
    )
    assert sentences_of(nlp, text) == [
        '"We will not back down," Dmitry Peskov, the Kremlin spokesperson, told reporters.',
        '"Any such mission would be a violation of our sovereignty."',
        '"Help!" she shouted.',
        '"Is this real?" asked the judge.',
        '"We won." Smith said.',
    ]


def test_quotes_split_only_where_they_hold_several_sentences(nlp: Language) -> None:
    text = (
        'He said: "We came, we saw: it was over - and nobody, not even the mayor, noticed." '
        "“We will win. They will lose,” she added."
    )
    assert sentences_of(nlp, text) == [
        'He said: "We came, we saw: it was over - and nobody, not even the mayor, noticed."',
        "“We will win.",
        "They will lose,” she added.",
    ]


def test_a_new_sentence_after_a_quote_still_splits(nlp: Language) -> None:
    text = '"The plan is dead." The minister said the talks would resume on Monday.'
    assert len(sentences_of(nlp, text)) == 2


def test_abbreviations_do_not_end_sentences(nlp: Language) -> None:
    text = (
        "Mr. Smith met Sen. Warren and Lt. Col. Jones on Jan. 5 at No. 10 Downing Street. "
        "Dr. J. R. Hartley of Acme Inc. left early. They talked about the U.S. economy."
    )
    assert sentences_of(nlp, text) == [
        "Mr. Smith met Sen. Warren and Lt. Col. Jones on Jan. 5 at No. 10 Downing Street.",
        "Dr. J. R. Hartley of Acme Inc. left early.",
        "They talked about the U.S. economy.",
    ]


def test_sentences_never_cross_paragraph_breaks(nlp: Language) -> None:
    text = "\n\n  Breaking news\n\nThe council voted 7-2 to close the library\n \nProtests came. Police came."
    doc = nlp(text)
    sentences = segment(doc)
    assert [(s.text, s.paragraph) for s in sentences] == [
        ("Breaking news", 0),
        ("The council voted 7-2 to close the library", 1),
        ("Protests came.", 2),
        ("Police came.", 2),
    ]
    assert [s.index for s in sentences] == [0, 1, 2, 3]
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_token_sentence_indices_follow_the_sentences(nlp: Language) -> None:
    doc = nlp("One short sentence. And a second one here.")
    sentences = segment(doc)
    indices = token_sentence_indices(doc, sentences)
    assert [indices[t.i] for t in doc if t.text in ("One", "sentence", "And", "here")] == [0, 0, 1, 1]


def test_curly_and_straight_single_quotes_are_told_from_apostrophes(nlp: Language) -> None:
    text = (
        "‘I’d be over the moon to get it as it’s something I’ve worked hard towards,’ said Locke at "
        "Kilmarnock’s ground. The players' union said it was 'a fantastic opportunity' for the "
        "players' families. 'It's the rock 'n' roll of the '90s,' he added."
    )
    assert quoted(nlp, text) == [
        "I’d be over the moon to get it as it’s something I’ve worked hard towards,",
        "a fantastic opportunity",
        "It's the rock 'n' roll of the '90s,",
    ]


def test_daily_mail_run_on_quote_paragraphs_continue(nlp: Language) -> None:
    text = (
        "Locke added: ‘I had a taste of it at Hearts. I’m fortunate. ‘But I’ve said all along, it’s "
        "not about me. ‘That’s how football works.’ He left."
    )
    doc = nlp(text)
    parts = find_quotations(doc)
    assert [doc[q.start : q.end].text for q in parts] == [
        "I had a taste of it at Hearts. I’m fortunate.",
        "But I’ve said all along, it’s not about me.",
        "That’s how football works.",
    ]
    assert [(q.continues, q.closing is None) for q in parts] == [(False, True), (True, True), (True, False)]
    assert [s.text for s in segment(doc)][-2:] == ["‘That’s how football works.’", "He left."]


def test_quotes_running_over_paragraphs_continue(nlp: Language) -> None:
    text = "“The library is the heart of the village,” Lopez said. “Children read.\n\n“Pensioners keep warm.”"
    doc = nlp(text)
    parts = find_quotations(doc)
    assert [doc[q.start : q.end].text for q in parts] == [
        "The library is the heart of the village,",
        "Children read.",
        "Pensioners keep warm.",
    ]
    assert [q.continues for q in parts] == [False, False, True]


def test_an_opening_mark_that_never_closes_mid_sentence_is_not_a_quote(nlp: Language) -> None:
    text = 'They called it "the deal of the century. Nobody agreed. "It is a disaster," said Mr Lee.'
    assert quoted(nlp, text) == ["It is a disaster,"]


def test_marks_glued_to_words_are_split(nlp: Language) -> None:
    doc = nlp('(CNN)They may not be "Star Trek"-type extraterrestrials, a NASA scientist says.')
    assert [t.text for t in doc[:4]] == ["(", "CNN", ")", "They"]
    assert [doc[q.start : q.end].text for q in find_quotations(doc)] == ["Star Trek"]


def test_cnndm_daily_mail_article(nlp: Language, cnndm: dict[str, str]) -> None:
    sentences = sentences_of(nlp, cnndm[LOCKE_ID])
    over_the_moon = next(i for i, s in enumerate(sentences) if "over the moon" in s)
    assert sentences[over_the_moon].endswith(
        "towards,’ said Locke while negotiations were being finalised at the Ayrshire club."
    )
    assert (
        sentences[over_the_moon + 1] == "‘I had a taste of it (management) at Hearts and really enjoyed it."
    )
    contracts = next(s for s in sentences if s.startswith("‘When you are dealing with contracts"))
    assert contracts.endswith("I certainly don’t foresee any problems,’ he said.")


def test_cnndm_cnn_article(nlp: Language, cnndm: dict[str, str]) -> None:
    sentences = sentences_of(nlp, cnndm[NASA_ID])
    assert sentences[2:4] == ['"We know where to look.', 'We know how to look," she said.']
    assert '"We are not talking about little green men," Stofan said at the panel.' in sentences
    assert all(s.strip() == s and s for s in sentences)


def test_photo_captions_run_into_the_text_are_cut_off(nlp: Language) -> None:
    """Daily Mail captions lose their full stop when flattened; a capitalised function word
    right after the caption's last word shows where the text resumes."""
    text = (
        "The governing body cancelled the school's test results after an inquiry by the local "
        "authority (file picture) However, the teacher insisted in a statement that he had only asked "
        "pupils to write more clearly. Newcastle goalkeeper Tim Krul was helpless as the shot flew into "
        "the top corner The 32-year-old was overcome with emotion afterwards. A builder was jailed after "
        "a row over a concreting job At around 3.30pm on March 17 he returned to the site. Guffick asked "
        "pupils to make changes to their SATs exam answers The 31-year-old also altered some answers himself."
    )
    assert sentences_of(nlp, text) == [
        "The governing body cancelled the school's test results after an inquiry by the local "
        "authority (file picture)",
        "However, the teacher insisted in a statement that he had only asked pupils to write more clearly.",
        "Newcastle goalkeeper Tim Krul was helpless as the shot flew into the top corner",
        "The 32-year-old was overcome with emotion afterwards.",
        "A builder was jailed after a row over a concreting job",
        "At around 3.30pm on March 17 he returned to the site.",
        "Guffick asked pupils to make changes to their SATs exam answers",  # "answers" tagged as a verb
        "The 31-year-old also altered some answers himself.",
    ]


def test_titles_and_datelines_are_no_caption_seams(nlp: Language) -> None:
    text = (
        "(CNN)They met in a band called The Rebels and later played with the band The Who. "
        "She now lives in The Hague."
    )
    assert sentences_of(nlp, text) == [
        "(CNN)They met in a band called The Rebels and later played with the band The Who.",
        "She now lives in The Hague.",
    ]


def test_a_nested_quote_closing_a_sentence_ends_it(nlp: Language) -> None:
    text = (
        "Jacqueline Caterina, 33, said her scars had faded: 'After a couple of weeks I was like, "
        '"Wow!"\' However, plastic surgeon Norman Rowe told the Post that he questions the treatment.'
    )
    assert sentences_of(nlp, text) == [
        "Jacqueline Caterina, 33, said her scars had faded: 'After a couple of weeks I was like, \"Wow!\"'",
        "However, plastic surgeon Norman Rowe told the Post that he questions the treatment.",
    ]


# --- the cost model: no sentence runs on without end ----------------------------------------------

RUN_ON = (
    "The council met on Monday to discuss the budget. "
    + " ".join(
        f"officials in district {n} said the plan was reckless, and the mayor said it was overdue"
        for n in range(120)
    )
    + ". Opponents said the cuts went too deep."
)


def test_a_run_on_sentence_is_cut_below_the_cap_at_a_pause(nlp: Language) -> None:
    sentences = sentences_of(nlp, RUN_ON)
    assert len(RUN_ON) > 10_000 and len(sentences) > 10
    assert max(len(s) for s in sentences) <= 1_000
    assert sentences[0].startswith("The council met on Monday")
    assert sentences[-1] == "Opponents said the cuts went too deep."
    assert sum(s.startswith("and the mayor said") for s in sentences[1:-1]) > len(sentences) / 2


def test_the_cap_leaves_ordinary_sentences_alone(nlp: Language) -> None:
    text = "The talks ended on Friday. " + "A long but ordinary sentence, with clauses, " * 10 + "ends here."
    assert sentences_of(nlp, text) == [
        "The talks ended on Friday.",
        ("A long but ordinary sentence, with clauses, " * 10 + "ends here.").strip(),
    ]


def test_a_subheading_line_is_its_own_sentence(nlp: Language) -> None:
    text = (
        "The council approved the budget on Monday after a long debate.\n"
        "'Cuts were unavoidable'\n"
        "Speaking after the vote, the council leader said the library service would be protected."
    )
    sentences = [s.text for s in segment(nlp(text))]
    assert sentences[-1] == (
        "Speaking after the vote, the council leader said the library service would be protected."
    )


def test_a_hard_wrapped_line_is_not_cut(nlp: Language) -> None:
    text = (
        "The council approved the budget on Monday after a long debate in which the opposition\n"
        "Liberal Democrats proposed to keep every library open for another year."
    )
    assert len(segment(nlp(text))) == 1
