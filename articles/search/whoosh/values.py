"""Values in and out of Whoosh: prepared index documents as Whoosh takes them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


def to_whoosh(value):
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return value


_EPOCH = datetime(1970, 1, 1)


def whoosh_document(doc: dict, schema) -> dict:
    """A prepared index document as Whoosh takes it (fields of the schema only)."""
    out = {}
    for key, value in doc.items():
        if key not in schema or value is None or value == []:
            continue
        value = to_whoosh(value)
        if key == "updated_at":  # a column of microseconds since the epoch
            value = (value - _EPOCH) // timedelta(microseconds=1)
        out[key] = value
    return out


def from_epoch_micros(value: int) -> datetime:
    return (_EPOCH + timedelta(microseconds=int(value))).replace(tzinfo=UTC)
