"""The workflow's signals: each has its receivers once the app is built, in every process."""

from blinker import NamedSignal

from meeting import signals


def test_every_signal_has_a_receiver_once_the_app_is_built(bare_app):
    declared = {v.name: v for v in vars(signals).values() if isinstance(v, NamedSignal)}
    assert len(declared) >= 7
    assert [name for name, signal in declared.items() if not signal.receivers] == []
