"""Language guesses on news-like text, including the short snippets where "en" would be a lazy default."""

from __future__ import annotations

import pytest

from summarizer.language import UNDETERMINED, detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The central bank raised interest rates by a quarter point on Wednesday, "
            "citing persistent inflation in services.",
            "en",
        ),
        (
            "La banque centrale a relevé mercredi ses taux d'intérêt d'un quart de point, "
            "invoquant une inflation persistante dans les services.",
            "fr",
        ),
        (
            "Die Zentralbank hat am Mittwoch die Leitzinsen um einen Viertelpunkt angehoben "
            "und verwies auf die anhaltende Inflation bei Dienstleistungen.",
            "de",
        ),
        (
            "El banco central subió el miércoles los tipos de interés un cuarto de punto, "
            "alegando una inflación persistente en los servicios.",
            "es",
        ),
        (
            "Центральный банк в среду повысил процентную ставку на четверть пункта, "
            "сославшись на устойчивую инфляцию в сфере услуг.",
            "ru",
        ),
        ("中央银行周三将利率上调了四分之一个百分点，理由是服务业通胀持续。", "zh"),
    ],
)
def test_detects_the_language_of_a_news_sentence(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Guten Morgen, wie geht es Ihnen heute?", "de"), ("Où est la gare, s'il vous plaît ?", "fr")],
)
def test_short_text_gets_a_best_guess_not_english(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_shouting_headline_is_read_like_normal_case() -> None:
    assert detect_language("LA BANQUE CENTRALE RELÈVE SES TAUX POUR LA TROISIÈME FOIS CETTE ANNÉE") == "fr"


@pytest.mark.parametrize("text", ["", "12345 67 890", "!!! ??? ..."])
def test_text_without_language_features_is_undetermined(text: str) -> None:
    assert detect_language(text) == UNDETERMINED
