"""The words an explanation gives for each signal the learned model reads."""

from __future__ import annotations

import doctest

from classifiers import glossary
from classifiers.cascade import RULES
from classifiers.glossary import FLAGS, VALUES, describe
from classifiers.model import CASCADE_FEATURES
from classifiers.signals import FEATURES


def test_every_signal_the_model_reads_has_words_and_no_other_name_does() -> None:
    names = {*FEATURES, *CASCADE_FEATURES}
    assert not FLAGS.keys() & VALUES.keys()
    assert names - (FLAGS.keys() | VALUES.keys()) == set()
    assert (FLAGS.keys() | VALUES.keys()) - names == set()
    assert set(glossary._RULES) == set(RULES)
    assert glossary.COUNTS.keys() <= VALUES.keys()


def test_a_flag_reads_yes_or_no_and_a_value_reads_as_its_value() -> None:
    assert describe("check_fact", 1.0) == "a correctness check failed: yes"
    assert describe("check_fact", 0.0) == "a correctness check failed: no"
    assert describe("rule_context_held", 1.0) == \
        "the rules decided by 'the passages held the answer and the output differs': yes"
    assert describe("casc_information_conf", 0.9) == "the rules' confidence in an information fault: 0.9"
    assert describe("ref_token_recall", 1 / 3) == "share of the reference's words the output holds: 0.333"
    assert describe("n_questions", 0.25) == "questions asked: 1"
    assert describe("instr_count", 1.0) == "checkable instructions: 5 or more"
    assert describe("not_a_signal", 2.0) == "not_a_signal = 2"


def test_the_module_examples_hold() -> None:
    failed, tried = doctest.testmod(glossary)
    assert tried == 2 and failed == 0
