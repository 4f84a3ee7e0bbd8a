"""The attribution bench's command line and error listing: `--errors` is for dev only, and it
tells false positives at no annotated attribution from those with the wrong speaker."""

from __future__ import annotations

import pytest
from attribution import Matching, _false_positive, parse_args

from summarizer.models import Position


def test_errors_refuse_the_test_split(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--errors", "--split", "test"], ["--split", "dev", "--split", "test", "--errors"]):
        with pytest.raises(SystemExit) as raised:
            parse_args(argv)
        assert raised.value.code == 2
        assert "test split is for reporting" in capsys.readouterr().err


def test_errors_alone_measure_dev_only() -> None:
    assert parse_args(["--errors"]).split == ["dev"]
    assert parse_args(["--errors", "--split", "dev"]).split == ["dev"]
    assert parse_args([]).split is None  # both splits, no errors printed


def test_false_positives_say_why() -> None:
    gold = [
        {"source": "Nora Vell", "content": "the bridge will reopen in May"},
        {"source": "Tobias Grint", "content": "the ferry is cheaper"},
    ]
    matching = Matching(
        located={0: [0, 1], 1: []},
        matched={0: 0},
        speaker_ok=lambda p, g: p.actor == g["source"],
    )
    right = Position("Nora Vell", "the bridge will reopen in May", "reported", "said", 2)
    wrong = Position("Harbour Board", "the bridge will reopen in May", "reported", "said", 2)
    astray = Position("Tobias Grint", "the weather was fine", "reported", "said", 5)
    assert _false_positive("a1", wrong, [0], matching, gold)["why"] == "wrong speaker (annotated: Nora Vell)"
    assert _false_positive("a1", right, [0], matching, gold)["why"] == "duplicate"
    assert _false_positive("a1", astray, [], matching, gold)["why"] == "nothing here"
