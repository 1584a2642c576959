import uuid

from behandlerklient.core import uid


def test_layout_follows_rfc_9562_version_7():
    text = uid.uuid7(now_ms=0x0123456789AB)
    parsed = uuid.UUID(text)
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert text == str(parsed) and text.islower()
    assert uid.millis(text) == 0x0123456789AB
    assert uid.is_uuid7(text)
    assert not uid.is_uuid7(str(uuid.uuid4()))
    assert not uid.is_uuid7(7)
    assert not uid.is_uuid7(text + "\n") and not uid.is_uuid7(text.upper())


def test_strictly_increasing_within_a_millisecond_and_when_the_clock_steps_back():
    made = [uid.uuid7() for _ in range(20_000)]  # many share a millisecond
    assert made == sorted(made) and len(set(made)) == len(made)
    later = uid.uuid7(now_ms=1)  # a clock that went back still gives a larger id
    assert later > made[-1]
    assert all(uid.is_uuid7(u) for u in made[:100])
