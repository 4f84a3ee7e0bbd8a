"""Page furniture: recognised by the shape of whole lines, never by words inside a sentence."""

from __future__ import annotations

import pytest

from summarizer.boilerplate import drop_kicker, is_furniture, without_furniture


@pytest.mark.parametrize(
    "line",
    [
        "Source link",
        "Advertisement",
        "ADVERTISEMENT",
        "Share this page",
        "Share on Facebook",
        "Subscribe to our newsletter",
        "By Jane Doe",
        "By Jane Doe and John Smith, Political Correspondents",
        "Editor's note: This story was updated to correct the date of the vote, which was on a Tuesday.",
        "Editor’s Note: An earlier version misspelt the minister's name.",
        "Read more: How the budget affects you",
        "Image caption, The minister arrived at Downing Street",
        "Published 3 hours ago",
    ],
)
def test_furniture_lines(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "The minister said the advertisement had been withdrawn.",
        "Shares in the company fell 4% on Monday.",
        "By the time the vote was held, most MPs had left.",
        "Subscribers to the service will pay more from April, the company said.",
        "Related charges against two other men were dropped in March.",
        "Published figures show that inflation rose to 4% in May.",
        "Updated guidance will be issued to schools next week.",
    ],
)
def test_article_sentences_are_not_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_without_furniture_keeps_the_article() -> None:
    paragraphs = [
        "By Jane Doe",
        "The plan was unveiled on Monday.",
        "Advertisement",
        "It was welcomed.",
        "Source link",
    ]
    assert without_furniture(paragraphs) == ["The plan was unveiled on Monday.", "It was welcomed."]


def test_a_section_label_above_the_headline_is_dropped() -> None:
    text = (
        "Other News\n\nMothers could take maternity pay as a lump sum under Tory plans\n\nMothers would ..."
    )
    assert drop_kicker(text).startswith("Mothers could take maternity pay")
    # a headline with no label above it is left alone
    assert drop_kicker("Tory plans for maternity pay\n\nMothers would ...").startswith("Tory plans")
