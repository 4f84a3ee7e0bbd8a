"""Does a briefing match a subscription topic? Keyword evidence and MiniLM similarity, combined by
weights fitted on labelled data.

A topic is a list of terms ("climate, energy": either will do) or a short description ("elections in
Europe"). Each term is scored on its own and the topic scores as its best term. A term is described
by five numbers (`FEATURES`), each cheap once the brief exists:

- keyword (0..1): the term matched on stemmed, lowercased content words, as a phrase. Found in the
  title, the summary or an actor's name/alias/role -> 1.0; only in the body -> grows with the number
  of mentions; a multi-word term's head ("Scottish *football*") alone counts at reduced weight.
- sentences: the mean of the 3 best cosines between the term and the article's sentences. A broad
  topic is carried by its sub-topics' sentences: "football" is close to "the Tottenham striker
  scored 31 goals" although the word never appears.
- centroid: the cosine between the term and the mean of all sentence vectors (what the whole
  article is about, so one passing sentence is not enough).
- described: the same for the term put as a description ("A news story about football."), which
  MiniLM compares with sentences better than a bare word.
- vocabulary: how well every content word of the term is supported by the article's 80 most frequent
  words (the 5 closest, the weakest word deciding: "Scottish football" needs both).
- closest: the same with each term word's single closest article word (1.0 when the article uses the
  word itself): a story about the topic tends to have one word that is the topic or one of its own
  kinds ("footballer"), where a neighbouring subject only has several loosely related ones. It
  lifted leave-one-topic-out F1 on dev from 0.674 to 0.701 (`bench/topics.py --cv`), mostly in
  precision; it does not yet tell a rugby union story from football (tests/summarizer/test_topics.py).

The sentence vectors are the ones the summary already computed (`Briefing.sentence_vectors`), so a
fresh brief is never encoded twice; only a brief read back from the store is encoded again. Term
vectors and word vectors are cached per process: topics and news words recur.

score = sigmoid(BIAS + WEIGHTS . features), a calibrated probability; TOPIC_THRESHOLD is where it
becomes a match. Weights and threshold were fitted on the dev split of bench/data/topics (18 topics,
188 labelled pairs) by `python bench/topics.py --tune`, features chosen by `--cv` (leave one dev topic
out); bench/topics.py reports the test split.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import snowballstemmer
from spacy.lang.en.stop_words import STOP_WORDS

from summarizer.embeddings import Encoder
from summarizer.models import Briefing

FEATURES = ("keyword", "sentences", "centroid", "described", "vocabulary", "closest")
# Fitted on the dev split by `python bench/topics.py --tune` (see the module docstring).
BIAS = -2.609
WEIGHTS = (0.335, 0.984, 1.507, 1.342, 1.109, 1.311)
TOPIC_THRESHOLD = 0.4  # the bot's `topic_threshold` default
TOP_SENTENCES = 3
DESCRIPTION = "A news story about {term}."
BODY_MENTIONS_FOR_FULL = 3  # body mentions that count as strong as a headline hit (capped below)
BODY_MAX = 0.8
HEAD_ONLY_WEIGHT = 0.3
MAX_SENTENCES = 120  # the centroid of a very long article is stable well before this
VOCABULARY_SIZE = 80  # most frequent content words of the article compared with the topic
VOCABULARY_TOP = 5
WORD_CACHE_SIZE = 20_000  # word vectors kept per process (~30 MB)

_TERM_SEPARATORS = re.compile(r"[,;|\n]+|\s+/\s+")
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_DOTTED_ACRONYM = re.compile(r"\b(?:[A-Z]\.){2,}")  # U.S. -> US, U.K. -> UK
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,}(?:-[^\W\d_]+)*")
_local = threading.local()
_word_lock = threading.Lock()
_word_vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()


@dataclass(slots=True)
class TopicMatch:
    score: float  # 0..1, a calibrated probability; a match when >= TOPIC_THRESHOLD
    keyword: float
    semantic: float  # the sentence similarity of the best term (cosine)
    matched_terms: list[str] = field(default_factory=list)  # topic terms found in the article, as written


def content_terms(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Stems of the content words of `text`, in order: what keyword matching compares."""
    stems = []
    for token in _TOKEN.findall(_DOTTED_ACRONYM.sub(lambda m: m.group().replace(".", ""), text)):
        word = _POSSESSIVE.sub("", token)
        # "US", "IT", "WHO" are names, not the stop words "us", "it", "who".
        if not keep_stopwords and word.lower() in STOP_WORDS and not _is_acronym(word):
            continue
        stems.append(_stemmer().stemWord(word.lower().replace("’", "'")))
    return stems


def topic_terms(topic: str) -> list[str]:
    """The terms of a topic as the user wrote them: "climate, energy" -> ["climate", "energy"]."""
    return [term.strip() for term in _TERM_SEPARATORS.split(topic) if term.strip()]


def match_topic(briefing: Briefing, topic: str, encoder: Encoder) -> TopicMatch:
    return match_topics(briefing, [topic], encoder)[0]


def match_topics(briefing: Briefing, topics: list[str], encoder: Encoder) -> list[TopicMatch]:
    """Score several topics against one briefing; the article side is prepared once."""
    article = _ArticleView(briefing, encoder)
    return [_match(article, topic, encoder) for topic in topics]


def match_features(briefing: Briefing, term: str, encoder: Encoder) -> list[float]:
    """The FEATURES of one term against a briefing (what the weights were fitted on)."""
    return _ArticleView(briefing, encoder).features(encoder, term)[0]


def clear_topic_cache() -> None:
    """Forget cached term and word vectors (benchmarks time the cold path with this)."""
    _term_vectors_for.cache_clear()
    with _word_lock:
        _word_vectors.clear()


class _ArticleView:
    """The article side: stemmed fields for keywords, sentence vectors, its vocabulary's vectors."""

    def __init__(self, briefing: Briefing, encoder: Encoder) -> None:
        summary = " ".join(s.text for s in briefing.summary.sentences)
        self.headline_fields = [content_terms(briefing.article.title), content_terms(summary)]
        for actor in briefing.actors:
            self.headline_fields += [content_terms(name) for name in (actor.name, *actor.aliases, actor.role)]
        body_text = " ".join(s.text for s in briefing.sentences) or briefing.article.text
        self.body = content_terms(body_text)
        self.sentences = _sentence_vectors(briefing, encoder)
        centroid = self.sentences.mean(axis=0)
        self.centroid = centroid / max(float(np.linalg.norm(centroid)), 1e-9)
        words = _frequent_words(f"{briefing.article.title} {body_text}", VOCABULARY_SIZE)
        self.vocabulary = _words_encoded(encoder, words)

    def features(self, encoder: Encoder, term: str) -> tuple[list[float], bool]:
        """The term's FEATURES, and whether the whole term was found as written."""
        keyword, found = _term_keyword(self, term)
        vectors = _term_vectors(encoder, term)
        sentence_cosines = np.sort(self.sentences @ vectors.term)[::-1]
        sentences = float(sentence_cosines[:TOP_SENTENCES].mean())
        centroid = float(self.centroid @ vectors.term)
        described = float(self.centroid @ vectors.described)
        return [keyword, sentences, centroid, described, *self._support(vectors.words, term)], found

    def _support(self, word_vectors: np.ndarray, term: str) -> tuple[float, float]:
        """The weakest of the term's words, each by its 5 closest article words and by its closest one."""
        if not len(self.vocabulary):
            return 0.0, 0.0
        per_word = np.sort(word_vectors @ self.vocabulary.T, axis=1)
        support = per_word[:, -VOCABULARY_TOP:].mean(axis=1)
        closest = per_word[:, -1].copy()
        for i, word in enumerate(_term_words(term)):
            if _is_acronym(word):  # the uncased model reads "US" as "us": trust the text, not the vector
                present = _count(self.body, content_terms(word)) > 0
                support[i] = 1.0 if present else support[i] / 2
                closest[i] = 1.0 if present else closest[i] / 2
        return float(support.min()), float(closest.min())


@dataclass(frozen=True, slots=True)
class _TermVectors:
    term: np.ndarray
    described: np.ndarray
    words: np.ndarray  # one row per content word of the term


@lru_cache(maxsize=1024)
def _term_vectors_for(encoder: Encoder, term: str) -> _TermVectors:
    words = [w.lower() for w in _term_words(term)]
    vectors = encoder.encode([term, DESCRIPTION.format(term=term), *words])
    return _TermVectors(term=vectors[0], described=vectors[1], words=vectors[2:])


def _term_vectors(encoder: Encoder, term: str) -> _TermVectors:
    return _term_vectors_for(encoder, " ".join(term.split()))


def _term_words(term: str) -> list[str]:
    return [w for w in _TOKEN.findall(term) if w.lower() not in STOP_WORDS or _is_acronym(w)] or [term]


def _sentence_vectors(briefing: Briefing, encoder: Encoder) -> np.ndarray:
    """The brief's own sentence embeddings when it carries them; encoded here only otherwise."""
    vectors = briefing.sentence_vectors
    if vectors is not None and len(vectors) == len(briefing.sentences) and len(vectors):
        return np.asarray(vectors[:MAX_SENTENCES], dtype=np.float32)
    texts = [s.text for s in briefing.sentences[:MAX_SENTENCES]] or [briefing.article.text[:2000]]
    return encoder.encode(texts)


def _words_encoded(encoder: Encoder, words: list[str]) -> np.ndarray:
    """Word vectors through a bounded per-process cache: news vocabulary repeats across articles."""
    key = encoder.name
    with _word_lock:
        missing = [w for w in words if (key, w) not in _word_vectors]
    # One batch: at most VOCABULARY_SIZE short words, narrowly padded, encode fastest together.
    fresh = dict(zip(missing, encoder.encode(missing, batch_size=max(1, len(missing))), strict=True))
    rows = []
    with _word_lock:
        for word in words:
            vector = fresh.get(word)
            if vector is None:
                vector = _word_vectors.get((key, word))
                if vector is None:
                    continue  # evicted by another thread in between: rare, and one word less is fine
                _word_vectors.move_to_end((key, word))
            else:
                _word_vectors[(key, word)] = vector
            rows.append(vector)
        while len(_word_vectors) > WORD_CACHE_SIZE:
            _word_vectors.popitem(last=False)
    return np.stack(rows) if rows else np.zeros((0, encoder.dim), dtype=np.float32)


def _frequent_words(text: str, limit: int) -> list[str]:
    counts = Counter(
        word.lower() for word in _VOCABULARY_WORD.findall(text) if word.lower() not in STOP_WORDS
    )
    return [word for word, _ in counts.most_common(limit)]


def _match(article: _ArticleView, topic: str, encoder: Encoder) -> TopicMatch:
    """Each term is scored alone; the topic matches as well as its best term ("climate, energy" = either)."""
    best = TopicMatch(score=0.0, keyword=0.0, semantic=0.0)
    for term in topic_terms(topic):
        features, found = article.features(encoder, term)
        logit = BIAS + sum(w * f for w, f in zip(WEIGHTS, features, strict=True))
        score = 1.0 / (1.0 + math.exp(-logit))
        if found:
            best.matched_terms.append(term)
        best.score = max(best.score, round(score, 4))
        best.keyword = max(best.keyword, round(features[0], 4))
        best.semantic = max(best.semantic, round(features[1], 4))
    return best


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _is_name(term: str) -> bool:
    return all(word[0].isupper() for word in _TOKEN.findall(term))


def _term_keyword(article: _ArticleView, term: str) -> tuple[float, bool]:
    """Keyword evidence for one term, and whether the whole term was found."""
    phrase = content_terms(term)
    if not phrase:
        return 0.0, False
    score = _phrase_evidence(article, phrase)
    if score == 0.0 and len(phrase) > 1 and not _is_name(term):
        return HEAD_ONLY_WEIGHT * _phrase_evidence(article, phrase[-1:]), False
    return score, score > 0


def _phrase_evidence(article: _ArticleView, phrase: list[str]) -> float:
    if any(_count(field_, phrase) for field_ in article.headline_fields):
        return 1.0
    mentions = _count(article.body, phrase)
    return BODY_MAX * min(mentions, BODY_MENTIONS_FOR_FULL) / BODY_MENTIONS_FOR_FULL


def _count(sequence: list[str], phrase: list[str]) -> int:
    size = len(phrase)
    return sum(sequence[i : i + size] == phrase for i in range(len(sequence) - size + 1))


def _stemmer() -> snowballstemmer.stemmer:
    """Snowball stemmers keep state between calls, so each thread gets its own."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer
