"""The collector is paused inside the block and left as it was after, even on an error."""

import gc

import pytest

from assure.core.gc_pause import gc_paused


def test_paused_inside_and_restored_after():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block leaves it as it found it: paused
    assert gc.isenabled()


def test_restored_after_an_error():
    with pytest.raises(ValueError), gc_paused():
        raise ValueError
    assert gc.isenabled()


def test_left_off_when_it_was_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_tracker_leaves_the_collector_on(db):
    from assure.tracker import selectors
    from tests.factories import UserFactory

    selectors.tracker_rows(user=UserFactory(roles=["assurance_lead"]))
    assert gc.isenabled()
    list(selectors.iter_tracker_rows(user=UserFactory(roles=["assurance_lead"])))
    assert gc.isenabled()
