"""What every spreadsheet the app writes goes through.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which
some programs skip before looking) is a formula to Excel and LibreOffice: a merchant called
``=HYPERLINK("http://…","点我")`` would become a live link in the employer's copy of the
interview list. Such text is written with a leading ``'`` and stays a string cell, so it is
shown, never evaluated (OWASP, "CSV Injection"). Numbers, dates and empty cells are left as
they are.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to write into a cell: text that would start a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]
