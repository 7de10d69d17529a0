"""Readable history of a record (who, when, before/after) from django-simple-history."""

from dataclasses import dataclass

from mdo.richtext import plain_text


@dataclass
class HistoryRow:
    date: object
    user: object
    kind: str
    changes: list[tuple[str, object, object]]


KIND_LABELS = {"+": "Création", "~": "Modification", "-": "Suppression"}


def _display(field, value):
    """Choice fields show their French label, not their code; booleans say « oui » / « non »."""
    if field.choices and value is not None:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return value


def history_rows(obj, *, limit: int = 50) -> list[HistoryRow]:
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    rows = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                old, new = _display(field, change.old), _display(field, change.new)
                # The history is read as text: a formatted text shows its words, not its tags.
                if change.field in getattr(obj, "rich_text_fields", ()):
                    old, new = plain_text(old or ""), plain_text(new or "")
                changes.append((str(field.verbose_name), old, new))
        rows.append(
            HistoryRow(record.history_date, record.history_user, KIND_LABELS.get(record.history_type, ""), changes)
        )
    return rows
