"""Access codes derived with the server's key (email cases, forms) and the receipt id that keeps a
form's token out of URLs."""
from shared.domain import crockford
from shared.domain.access_codes import code_from_digest
from shared.domain.form_tokens import (
    form_access_code,
    form_key,
    is_form_token,
    new_form_token,
    receipt_id,
)
from shared.domain.reply_tokens import derived_access_code

KEY = b"k" * 32


def test_an_email_cases_code_is_what_it_always_was():
    # Codes already mailed to reporters must keep opening their cases.
    assert derived_access_code(KEY, "TS-20261203-96SEW4-1") == "3428-97Z9-D1D2-22FW"
    assert derived_access_code(b"dev", "JB-20260101-ABCDEF-X") == "GXC1-SPR2-630J-K3PD"


def test_a_digest_spells_sixteen_crockford_symbols_in_groups_of_four():
    code = code_from_digest(bytes(range(32)))
    assert code == "0123-4567-89AB-CDEF"
    assert all(len(group) == 4 and set(group) <= set(crockford.ALPHABET) for group in code.split("-"))


def test_a_receipt_id_reveals_neither_the_token_nor_the_code():
    token = new_form_token()
    receipt = receipt_id(KEY, token)
    assert receipt == receipt_id(KEY, token) and is_form_token(receipt)
    assert token not in receipt and receipt != receipt_id(b"other key" * 4, token)
    assert receipt_id(KEY, receipt) != receipt  # posting the id as a token finds another form
    assert form_key(receipt) == "form:" + receipt
    code = form_access_code(KEY, receipt)
    assert code != form_access_code(KEY, token) and code.replace("-", "") not in receipt
