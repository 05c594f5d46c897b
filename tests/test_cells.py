"""Cell addresses as Excel shows them: the one helper every message, sheet and log uses."""

from __future__ import annotations

from openpyxl.utils import column_index_from_string, get_column_letter
from xlsxwriter.utility import xl_col_to_name

from matrixbook.cells import column_letter, column_letters, column_number, row_number


def test_column_letters_are_excels() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert all(column_letter(i) == xl_col_to_name(i) for i in range(3000))


def test_column_letters_agree_with_excel_up_to_the_last_column() -> None:
    for index in range(16_384):  # XFD, Excel's last column
        letters = get_column_letter(index + 1)
        assert column_letter(index) == letters
        assert column_number(f"{letters}7") == column_index_from_string(letters) == index + 1


def test_the_parts_of_an_address() -> None:
    assert column_letters("AB12") == "AB"
    assert row_number("AB12") == 12
    assert row_number(None) is None and column_number(None) == 0
