"""The classifier version registry: record, list, activate, roll back to the shipped default."""

from __future__ import annotations

import pytest

from server.errors import NotFound


def test_versions_activate_and_roll_back(store) -> None:  # type: ignore[no-untyped-def]
    assert store.list_classifier_versions() == []
    a = store.save_classifier_version("v-a", "/models/v-a", {"macro_f1": 0.8}, feedback_count=0)
    store.save_classifier_version("v-b", "/models/v-b", {"macro_f1": 0.9}, feedback_count=3)
    assert not a.active
    store.activate_classifier_version("v-b")
    assert [(v.version, v.active) for v in store.list_classifier_versions()] == [("v-a", False), ("v-b", True)]
    store.activate_classifier_version("v-a")
    versions = store.list_classifier_versions()
    assert [(v.version, v.active) for v in versions] == [("v-a", True), ("v-b", False)]
    assert versions[1].metrics == {"macro_f1": 0.9} and versions[1].feedback_count == 3
    store.activate_classifier_version(None)
    assert not any(v.active for v in store.list_classifier_versions())
    store.save_classifier_version("v-a", "/models/v-a-again", {"macro_f1": 0.81}, feedback_count=1)
    again = [v for v in store.list_classifier_versions() if v.version == "v-a"]
    assert len(again) == 1 and again[0].path == "/models/v-a-again" and again[0].feedback_count == 1
    with pytest.raises(NotFound):
        store.activate_classifier_version("v-zzz")
