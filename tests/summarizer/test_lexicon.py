"""The shared lexicon: predicates of communication and cognition, with their written forms."""

from __future__ import annotations

from summarizer.lexicon import SPEECH_LEMMA_OF_FORM, SPEECH_VERB_FORMS, SPEECH_VERBS, inflections


def test_communication_cognition_and_stance_predicates() -> None:
    assert {"say", "argue", "insist", "concede", "fume", "blurt", "tweet", "write"} <= SPEECH_VERBS
    assert {"believe", "hope", "fear", "condemn", "call", "describe"} <= SPEECH_VERBS


def test_inflections_and_forms_the_lemmatizer_misses() -> None:
    assert inflections("hope") >= {"hope", "hopes", "hoped", "hoping"}
    assert inflections("deny") >= {"denies", "denied"}
    assert SPEECH_LEMMA_OF_FORM["hoped"] == "hope"
    assert SPEECH_LEMMA_OF_FORM["fumed"] == "fume"


def test_sentence_splitting_forms_leave_out_verbs_that_need_a_document_subject() -> None:
    assert {"said", "fumed", "tweeted"} <= SPEECH_VERB_FORMS
    assert not {"found", "shows", "ruled"} & SPEECH_VERB_FORMS
