"""How subjects are cut into search terms (`queues.search_terms`): the same cut for what is stored
and what staff type, so a search is an exact match of terms."""
from __future__ import annotations

import pytest

from shared.domain.queues import MAX_TERM_LENGTH, MAX_TERMS, CaseQuery, search_terms


@pytest.mark.parametrize("text, terms", [
    ("退款申请", ("退款", "款申", "申请")),  # overlapping pairs
    ("我 要 投诉", ("我", "要", "投诉")),  # a one-character run is itself
    ("Refund NOT received, refund!", ("refund", "not", "received")),  # lower-cased, once each
    ("订单123号", ("订单", "123", "号")),  # script changes split runs
    ("ＡＢＣ１２３ Café", ("abc123", "café")),  # full-width forms read as ASCII (NFKC); no stemming
    ("订单 TS-20261128-4F7KQ2-X", ("订单", "ts", "20261128", "4f7kq2", "x")),
    ("「账号」被盗！", ("账号", "被盗")),  # CJK punctuation separates
    ("カスタマー 서비스", ("カス", "スタ", "タマ", "マー", "서비", "비스")),
    ("!!! ... ", ()),
    ("", ()),
])
def test_subjects_are_cut_into_words_and_pairs_of_characters(text, terms):
    assert search_terms(text) == terms


def test_a_case_keeps_a_bounded_number_of_terms_of_bounded_length():
    long = "很长的主题" * 100 + " " + "x" * 500
    terms = search_terms(long)
    assert len(terms) <= MAX_TERMS and len(set(terms)) == len(terms)
    assert search_terms("a" * 500) == ("a" * MAX_TERM_LENGTH,)
    assert len(search_terms(" ".join(f"w{i}" for i in range(1000)))) == MAX_TERMS


def test_a_query_keeps_its_words_and_leads_with_the_longest():
    query = CaseQuery(words=search_terms("退款 refunded"))
    assert query.words == ("退款", "refunded") and query.leading_word() == "refunded"
    assert "words" not in query.filters()
