import time
import uuid

from behandlerklient.core import uid


def test_layout_follows_rfc_9562_version_7():
    # The time is now's (the generator never goes back, so an explicit earlier time would read as a later one
    # in a process that already made ids): at most a few milliseconds borrowed ahead.
    before = time.time_ns() // 1_000_000
    text = uid.uuid7()
    parsed = uuid.UUID(text)
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert text == str(parsed) and text.islower()
    assert before <= uid.millis(text) <= time.time_ns() // 1_000_000 + 100
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
