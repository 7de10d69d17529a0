"""Spreadsheet files that open right in French Excel, for every list and export of the app.

CSV: UTF-8 with a BOM (without it Excel reads the file as Windows-1252), ``;`` between cells (Excel's
list separator in a French locale), decimal comma, dates ``jj/mm/aaaa``. XLSX: amounts are numbers
with a euro format, dates are real dates, years are plain numbers, an autofilter on the header row.

Both neutralise spreadsheet formulas (OWASP "CSV injection"): a text cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is written as text — prefixed with an apostrophe in CSV,
an explicit string cell in XLSX (never a formula cell). Numbers and dates are typed values, so a
negative amount stays a number.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

BOM = "\ufeff"
EURO_FORMAT = '#,##0.00\\ "€"'
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if text and text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def _local(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def french_cell(value) -> str:
    """One value as French Excel reads it from a CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.datetime):
        return f"{_local(value):%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return neutralise(str(value))


def write_french_csv(out, rows: Iterable[list], *, bom: bool = True, delimiter: str = ";") -> None:
    """Writes ``rows`` (the first one is the header) to the text stream ``out``."""
    if bom:
        out.write(BOM)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([french_cell(value) for value in row])


def french_csv_response(rows: Iterable[list], *, filename: str) -> HttpResponse:
    response = HttpResponse(content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_french_csv(response, rows)
    return response


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str) -> str:
    """Excel refuses ``[]:*?/\\`` and more than 31 characters in a sheet name."""
    name = " ".join(_SHEET_FORBIDDEN.sub(" ", str(title)).split()).strip("'")
    return name[:31].strip() or "Export"


def xlsx_bytes(rows: Iterable[list], *, title: str) -> bytes:
    """An XLSX workbook of one sheet named after ``title``; the first row is the header."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = sheet_name(title)
    widths: dict[int, int] = {}
    last_row = 0
    for row_index, row in enumerate(rows, start=1):
        last_row = row_index
        for column_index, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=column_index)
            text_length = _set_cell(cell, value)
            widths[column_index] = max(widths.get(column_index, 8), min(text_length + 2, 60))
    if last_row:
        last_column = get_column_letter(max(widths) if widths else 1)
        sheet.auto_filter.ref = f"A1:{last_column}{last_row}"
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    for column_index, width in widths.items():
        sheet.column_dimensions[get_column_letter(column_index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _set_cell(cell, value) -> int:
    """Writes one typed value; returns its display length (for the column width)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        cell.value = "Oui" if value else "Non"
        return 3
    if isinstance(value, Decimal):
        cell.value = value
        cell.number_format = EURO_FORMAT
        return len(f"{value:,.2f}") + 2
    if isinstance(value, (int, float)):
        cell.value = value
        return len(str(value))
    if isinstance(value, datetime.datetime):
        cell.value = _local(value)
        cell.number_format = DATETIME_FORMAT
        return 16
    if isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return 10
    text = str(value)
    cell.value = text
    # openpyxl makes a formula of any string starting with "=": forced back to a string cell.
    cell.data_type = "s"
    return len(text)


def xlsx_response(rows: Iterable[list], *, title: str, filename: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(rows, title=title), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
