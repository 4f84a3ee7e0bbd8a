"""The topic matcher as it was before issue 11 (summarizer/topics.py at 877b44e), kept verbatim so
bench/topics.py can score today's matcher and the new one in the same run.

Original docstring: does a briefing match a subscription topic? Keyword evidence and MiniLM
similarity, combined.

A topic is a list of terms ("climate, energy": either will do) or a short description ("elections in
Europe"). Each term is scored on its own and the topic scores as its best term.

- keyword (0..1): the term is matched on stemmed, lowercased content words, as a phrase. Found in the
  title, the summary or an actor's name/alias/role -> 1.0; found only in the body -> grows with the
  number of mentions (one passing mention is weak evidence). When a multi-word term's full phrase is
  absent, its head (the last word: "Scottish *football*") counts at reduced weight; names ("Islamic
  State") only count whole.
- semantic (0..1): MiniLM cosine similarity, the mean of two views of the article: its text (the better
  of title+summary and the centroid of all sentence embeddings) and its vocabulary (the 5 best-matching
  of its most frequent words, for each content word of the term, the weakest word deciding: "football"
  is close to "midfielder" and "striker" even when the article never says "football", and "Scottish
  football" needs support for both words, so a Scottish election story is not enough). An acronym
  counts fully when the article contains it and at half its similarity otherwise, because the uncased
  model reads "US" as "us". Rescaled so that SEMANTIC_FLOOR maps to 0 and SEMANTIC_CEILING to 1; halved
  for names, which MiniLM confuses ("Hillary Clinton" is close to any Obama story).
- score = 1 - (1 - keyword) * (1 - semantic): either kind of evidence can carry a match, both together
  reinforce it.

TOPIC_THRESHOLD (0.45, the bot's `topic_threshold`) separates a match from a miss: a title/summary hit,
three body mentions plus a little meaning, or a raw cosine above about 0.39 on its own. Calibrated on
23 CNN/Daily Mail articles x 20 topics labelled by hand (97% agree), and pinned by the tests.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import snowballstemmer
from spacy.lang.en.stop_words import STOP_WORDS

from summarizer.embeddings import Encoder
from summarizer.models import Briefing

TOPIC_THRESHOLD = 0.45
SEMANTIC_FLOOR = 0.3
SEMANTIC_CEILING = 0.5
BODY_MENTIONS_FOR_FULL = 3  # body mentions that count as strong as a headline hit (capped below)
BODY_MAX = 0.8
HEAD_ONLY_WEIGHT = 0.3
MAX_SENTENCES = 120  # the centroid of a very long article is stable well before this
VOCABULARY_SIZE = 80  # most frequent content words of the article compared with the topic
VOCABULARY_TOP = 5
NAME_SEMANTIC_WEIGHT = 0.5  # MiniLM finds "Hillary Clinton" close to any Obama story: names need the words

_TERM_SEPARATORS = re.compile(r"[,;|\n]+|\s+/\s+")
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_DOTTED_ACRONYM = re.compile(r"\b(?:[A-Z]\.){2,}")  # U.S. -> US, U.K. -> UK
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,}(?:-[^\W\d_]+)*")
_local = threading.local()


@dataclass(slots=True)
class TopicMatch:
    score: float  # 0..1; a match when >= TOPIC_THRESHOLD
    keyword: float
    semantic: float
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
    """Score several topics against one briefing, encoding the article only once."""
    article = _ArticleView(briefing, encoder)
    return [_match(article, topic, encoder) for topic in topics]


class _ArticleView:
    """The article side of matching: stemmed fields for keywords, embeddings of its text and vocabulary."""

    def __init__(self, briefing: Briefing, encoder: Encoder) -> None:
        summary = " ".join(s.text for s in briefing.summary.sentences)
        self.headline_fields = [content_terms(briefing.article.title), content_terms(summary)]
        for actor in briefing.actors:
            self.headline_fields += [content_terms(name) for name in (actor.name, *actor.aliases, actor.role)]
        body_text = " ".join(s.text for s in briefing.sentences) or briefing.article.text
        self.body = content_terms(body_text)
        sentences = [s.text for s in briefing.sentences[:MAX_SENTENCES]]
        headline = ". ".join(part for part in (briefing.article.title, summary) if part) or body_text[:2000]
        vocabulary = _frequent_words(f"{briefing.article.title} {body_text}", VOCABULARY_SIZE)
        vectors = encoder.encode([headline, *sentences, *vocabulary])
        sentence_vectors = vectors[1 : 1 + len(sentences)]
        centroid = sentence_vectors.mean(axis=0) if sentences else vectors[0]
        self.text_views = np.stack([vectors[0], centroid / max(float(np.linalg.norm(centroid)), 1e-9)])
        self.vocabulary = vectors[1 + len(sentences) :]

    def similarity(self, encoder: Encoder, term: str) -> float:
        """Raw semantic similarity (cosine scale) of one topic term to this article."""
        text = float((encoder.encode([term]) @ self.text_views.T).max())
        words = [w for w in _TOKEN.findall(term) if w.lower() not in STOP_WORDS or _is_acronym(w)] or [term]
        if not len(self.vocabulary):
            return text
        # Every content word of the term needs support: "Scottish football" is not "Scottish politics".
        per_word = encoder.encode([w.lower() for w in words]) @ self.vocabulary.T
        support = np.sort(per_word, axis=1)[:, -VOCABULARY_TOP:].mean(axis=1)
        for i, word in enumerate(words):
            if _is_acronym(word):  # the uncased model reads "US" as "us": trust the text, not the vector
                support[i] = 1.0 if _count(self.body, content_terms(word)) else support[i] / 2
        return (text + float(support.min())) / 2


def _frequent_words(text: str, limit: int) -> list[str]:
    counts = Counter(
        word.lower() for word in _VOCABULARY_WORD.findall(text) if word.lower() not in STOP_WORDS
    )
    return [word for word, _ in counts.most_common(limit)]


def _match(article: _ArticleView, topic: str, encoder: Encoder) -> TopicMatch:
    """Each term is scored alone; the topic matches as well as its best term ("climate, energy" = either)."""
    best = TopicMatch(score=0.0, keyword=0.0, semantic=0.0)
    for term in topic_terms(topic):
        keyword, found = _term_keyword(article, term)
        cosine = article.similarity(encoder, term)
        semantic = float(np.clip((cosine - SEMANTIC_FLOOR) / (SEMANTIC_CEILING - SEMANTIC_FLOOR), 0.0, 1.0))
        if _is_name(term):
            semantic *= NAME_SEMANTIC_WEIGHT
        score = 1.0 - (1.0 - keyword) * (1.0 - semantic)
        if found:
            best.matched_terms.append(term)
        best.score = max(best.score, round(score, 4))
        best.keyword = max(best.keyword, round(keyword, 4))
        best.semantic = max(best.semantic, round(semantic, 4))
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
