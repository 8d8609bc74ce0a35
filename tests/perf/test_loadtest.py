"""The load test's mix: one request in twenty a PDF, every page and document in turn, and its
arguments bounded (the run itself takes minutes: `make loadtest`)."""

import importlib.util
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "loadtest.py"
spec = importlib.util.spec_from_file_location("loadtest", SCRIPT)
loadtest = importlib.util.module_from_spec(spec)
spec.loader.exec_module(loadtest)


@given(pages=st.integers(1, 60), documents=st.integers(1, 6), rounds=st.integers(1, 5))
def test_documents_are_one_request_in_twenty_and_each_target_comes_round_evenly(
    pages, documents, rounds
):
    page_names = [f"page{index}" for index in range(pages)]
    document_names = [f"pdf{index}" for index in range(documents)]
    turns = loadtest.DOCUMENT_EVERY * pages * documents * rounds
    picked = Counter(loadtest.pick(turn, page_names, document_names) for turn in range(turns))
    assert sum(picked[name] for name in document_names) * loadtest.DOCUMENT_EVERY == turns
    assert len({picked[name] for name in page_names}) == 1
    assert len({picked[name] for name in document_names}) == 1


def test_without_documents_every_request_is_a_page():
    assert [loadtest.pick(turn, ["a", "b"], []) for turn in range(4)] == ["a", "b", "a", "b"]


def test_the_defaults_are_four_workers_over_the_xl_province():
    args = loadtest.parse_args([])
    assert (args.workers, args.scale) == (4, "xl")
    for wrong in (["--workers", "0"], ["--clients", "999"], ["--duration", "0"]):
        with pytest.raises(SystemExit):
            loadtest.parse_args(wrong)
