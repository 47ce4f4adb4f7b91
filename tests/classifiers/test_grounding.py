"""Token grounding of output and reference against context passages."""

from __future__ import annotations

from classifiers.grounding import content_tokens, ground

CONTEXT = ("The Eiffel Tower was completed in 1889 and stands in Paris, France.",
           "Mount Everest is the highest mountain above sea level, in the Himalayas.")


def test_supported_output_and_reference_in_context() -> None:
    g = ground("When was the Eiffel Tower completed?", "The Eiffel Tower was completed in 1889.", "1889", CONTEXT)
    assert g.out_support == 1.0 and g.unsupported_sentences == 0.0
    assert g.ref_in_context == 1.0 and g.ref_in_top_bm25 == 1.0


def test_unsupported_sentence_and_missing_reference() -> None:
    g = ground("When was the Eiffel Tower completed?",
               "The Eiffel Tower was completed in 1889. It was designed by Leonardo da Vinci during a trip to Rome.",
               "Gustave Eiffel", CONTEXT)
    assert 0 < g.unsupported_sentences < 1
    assert "Leonardo" in g.worst_sentence
    assert g.ref_in_context < 1.0


def test_content_tokens_drop_stop_words() -> None:
    assert content_tokens("The houses of the gardens") == ["house", "garden"]


def test_a_number_with_thousands_separators_is_one_token() -> None:
    assert "2462" in content_tokens("The all-in rate is $2,462.")
    assert content_tokens("80,6,2180") == ["80", "6", "2180"]


def test_reference_words_missing_from_the_output_that_a_context_rule_states_are_counted() -> None:
    note = ("Schema note: games.final_team1 is deprecated and NULL from 2024. Compute final scores by summing "
            "end_scores.points per scoring_team_id.")
    g = ground("List the games won by 5 or more.", "SELECT game_id FROM games WHERE final_team1 - final_team2 >= 5;",
               "SELECT game_id, SUM(es.points) FROM games g JOIN end_scores es ON es.game_id = g.game_id "
               "GROUP BY es.scoring_team_id", ("CREATE TABLE games (game_id INT, final_team1 INT);", note))
    assert g.ref_gap_in_directive >= 4
    # The same words in a passage that only describes the data prescribe nothing.
    plain = "end_scores holds points per scoring_team_id for each end; summing gives final scores."
    g = ground("List the games won by 5 or more.", "SELECT game_id FROM games WHERE final_team1 - final_team2 >= 5;",
               "SELECT game_id, SUM(es.points) FROM games g JOIN end_scores es ON es.game_id = g.game_id "
               "GROUP BY es.scoring_team_id", ("CREATE TABLE games (game_id INT, final_team1 INT);", plain))
    assert g.ref_gap_in_directive == 0
