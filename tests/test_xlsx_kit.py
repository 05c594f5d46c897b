"""The xlsx kit's shared helpers: the row-height estimator (column letters: test_cells.py)."""

from __future__ import annotations

from matrixbook import xlsx


def test_lines_break_between_words_or_after_slashes_and_hyphens() -> None:
    url = "https://www.example.org/migration/climate-change/report"
    assert xlsx.count_lines(url, 20) == 3  # one word, cut where it meets the edge
    assert xlsx.count_lines(url, 20, xlsx.BREAKS) == 4  # broken after its slashes
    assert xlsx.count_lines("one two three four", 9) == 3  # "one two", "three", "four"
    assert xlsx.count_lines("one\ntwo", 40) == 2


def test_row_height_counts_text_only_and_stops_at_excels_tallest_row() -> None:
    assert xlsx.row_height([None, 12, ""], [5, 5, 5]) == 18.0  # one line: 15 points + 3
    assert xlsx.row_height(["word " * 30], [10]) == 15.0 * 15 + 3  # two words a line
    assert xlsx.row_height(["word " * 2000], [10]) == 409.0
    assert xlsx.row_heights([["a", "word " * 30]], [10]) == [18.0, 15.0 * 15 + 3]
