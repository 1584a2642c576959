"""The hybrid logical clock and the fold: pure functions, the same on every laptop and on the server."""

from behandlerklient.core.conflicts import field_conflicts
from behandlerklient.core.events import Event, fold, fold_fields, hlc_text, next_hlc


def _e(uid: str, value, hlc: str, device: str = "a", base: str | None = None, field: str = "track_id") -> Event:
    return Event(uid=uid, aggregate="course", subject="1", field=field, value=value, hlc=hlc, device=device,
                 base_uid=base)


def test_the_clock_moves_on_even_when_the_wall_clock_is_set_back() -> None:
    first = next_hlc(None, 5_000)
    assert first == hlc_text(5_000, 0)
    second = next_hlc(first, 4_000)  # the laptop's clock went back a second
    third = next_hlc(second, 4_500)
    assert first < second < third
    assert next_hlc(third, 9_000) == hlc_text(9_000, 0)


def test_the_fold_takes_the_last_event_by_clock_then_device_then_uid() -> None:
    events = [_e("u3", "cool-kids", hlc_text(3, 0)), _e("u1", "mind-my-mind", hlc_text(1, 0)),
              _e("u2", "tiger", hlc_text(3, 0), device="b")]
    assert fold(events) == "tiger"  # same clock reading: device b after device a, on every laptop
    assert fold(reversed(events)) == "tiger"
    assert fold([], initial="cool-kids") == "cool-kids"  # never changed: the value the row was created with
    assert fold_fields(events + [_e("u4", {"status": "completed"}, hlc_text(2, 0), field="status")]) == {
        "track_id": "tiger", "status": {"status": "completed"}}


def test_a_chain_of_edits_on_two_devices_is_no_conflict_but_two_edits_after_one_base_are() -> None:
    a1 = _e("a1", "x", hlc_text(1, 0), "a")
    b1 = _e("b1", "y", hlc_text(2, 0), "b", base="a1")  # b saw a1
    assert field_conflicts([a1, b1]) == []
    a2 = _e("a2", "z", hlc_text(3, 0), "a", base="a1")  # a did not see b1
    (conflict,) = field_conflicts([a1, b1, a2])
    assert [o.ref for o in conflict.options] == ["b1", "a2"] and conflict.target == ("course", "1", "track_id")
    assert "forløbets spor" in conflict.description


def test_ten_thousand_readings_in_one_millisecond_borrow_the_next_and_keep_their_text_order() -> None:
    # A frozen clock (the demo's story clock at 10,000 children wrote 16,000 events at one reading) must not make a
    # five-digit counter: as text it would sort before the four-digit ones, and the export's format refuses it.
    readings, last = [], None
    for _ in range(10_002):
        last = next_hlc(last, 1_700_000_000_000)
        readings.append(last)
    assert readings == sorted(readings) and len(set(readings)) == len(readings)
    assert all(len(r) == 18 for r in readings)
    assert readings[9_999] == "1700000000000.9999" and readings[10_000] == "1700000000001.0000"
