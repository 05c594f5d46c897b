"""Excel cell addresses: column letters and numbers, the row of an address (A1, AA10)."""

from __future__ import annotations


def column_letter(index: int) -> str:
    """0-based column index to Excel letters: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_letters(cell: str) -> str:
    """The column of an address: 'AB12' -> 'AB'."""
    return "".join(ch for ch in cell if ch.isalpha())


def column_number(cell: str | None) -> int:
    """The 1-based column of an address ('B7' -> 2), 0 when there is none."""
    if not cell:
        return 0
    n = 0
    for ch in cell:
        if ch.isalpha():
            n = n * 26 + (ord(ch.upper()) - 64)
        else:
            break
    return n


def row_number(cell: str | None) -> int | None:
    """The row of an address ('B7' -> 7), None when there is none."""
    if not cell:
        return None
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else None
