"""Reading the text files people upload (vote results, contracts): encodings, line ends, CSV records.

Every way a file can be unreadable becomes :class:`UnreadableFile`, whose message is French and
names the line, so that an import lists it with its other errors instead of failing.
"""

import csv
import io
from collections.abc import Iterator

UTF8_BOM = b"\xef\xbb\xbf"


class UnreadableFile(ValueError):
    """The file cannot be read as text or as CSV; ``str(error)`` is the message for the user."""


def _line_of(data: bytes, offset: int) -> int:
    before = data[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return before.count(b"\n") + 1


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 — what Excel saves on a city PC.

    Line ends come out as ``\\n`` whatever the file used (Windows CR LF, old Mac bare CR).
    """
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            # 0x81, 0x8D, 0x8F, 0x90 and 0x9D are defined in neither encoding.
            raise UnreadableFile(
                f"ligne {_line_of(data, error.start)} : l'octet 0x{data[error.start]:02X} n'est ni de l'UTF-8 ni du "
                "Windows-1252 ; enregistrez le fichier au format « CSV UTF-8 » et recommencez."
            ) from None
    if "\x00" in text:
        raise UnreadableFile(
            f"ligne {text[: text.index(chr(0))].count(chr(10)) + 1} : le fichier contient un "
            "caractère nul : ce n'est pas un fichier texte (CSV ou .pb)."
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _csv_message(error: csv.Error, line: int) -> str:
    if "field larger than field limit" in str(error):
        return (
            f"ligne {line} : une valeur dépasse {csv.field_size_limit():,} caractères ; "
            "vérifiez qu'aucun guillemet n'est resté ouvert."
        ).replace(",", " ")
    return f"ligne {line} : ligne CSV illisible (guillemet mal placé ?)."


def csv_records(text: str, *, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, values) of each CSV record of ``text``; the line is the record's last physical line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise UnreadableFile(_csv_message(error, reader.line_num)) from None
        yield reader.line_num, values


def csv_line(raw: str, *, delimiter: str, line: int) -> list[str]:
    """The values of one line of a line-based format (Pabulib)."""
    try:
        return next(csv.reader([raw], delimiter=delimiter), [])
    except csv.Error as error:
        raise UnreadableFile(_csv_message(error, line)) from None
