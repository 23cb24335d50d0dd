"""The hash chain's canonical text is json.dumps with the chain's options, byte for byte: a record
hashed by the sealer must hash the same when verified, on any interpreter, whatever its content."""

import datetime
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.chain import canonical_text, content_hash, record_hash


def reference(payload):
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=12), json_values, max_size=8))
def test_canonical_text_is_json_dumps_with_the_chain_options(payload):
    assert canonical_text(payload) == reference(payload)


def test_the_spelling_of_what_json_has_no_type_for_and_of_escapes():
    payload = {
        "z": Decimal("100000000.00"),
        "a": datetime.date(2023, 6, 30),
        "é": '€ "quoted"\n\t\x01\u2028',
        "nested": {"b": [1, 2.5, None, True], "a": {}},
    }
    assert canonical_text(payload) == reference(payload)
    assert canonical_text(payload).startswith('{"a":"2023-06-30","nested":{"a":{},"b":[1,2.5,null,true]}')


def test_a_record_hashes_to_the_same_value_as_before_the_encoder_was_made_once():
    # The SHA-256 of a fixed record, computed with json.dumps: a change of spelling breaks every chain.
    values = {
        "id": 1,
        "timestamp": datetime.datetime(2023, 6, 30, 12, 0, tzinfo=datetime.timezone.utc),
        "actor_id": 3,
        "actor_username": "beleid",
        "action": "create",
        "event": "case.create",
        "object_type": "cases.case",
        "object_id": "1",
        "object_repr": "BEV-2023-0001",
        "case_id": 1,
        "request_id": "r1",
        "ip_address": "127.0.0.1",
        "channel": "web",
        "changes": {"b": 1, "a": "é"},
    }
    import hashlib

    text = reference({**values, "timestamp": "2023-06-30T12:00:00.000000+00:00"})
    expected = hashlib.sha256(("0" * 64 + "|" + text).encode()).hexdigest()
    assert record_hash(values, "0" * 64) == expected
    row = tuple({**values, "timestamp": "2023-06-30T12:00:00.000000+00:00"}[name] for name in values)
    assert content_hash(row, "0" * 64) == expected
