"""Versions (full snapshots), the audit trail, and the difference between two versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(eq=False)
class OrderVersion:
    order_number: str
    version: int
    at: datetime
    actor: str
    front: str
    action: str
    reason: str
    snapshot: dict[str, Any]
    id: int | None = None


@dataclass(eq=False)
class AuditEntry:
    """Who did what, through which front end, when and why — or tried to and was refused."""

    at: datetime
    actor: str
    front: str
    action: str
    subject: str
    outcome: str = "ok"  # ok | denied
    version: int | None = None
    detail: str = ""
    reason: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Change:
    """One difference: a header field, or a field of one order line (line is None for the header)."""

    field: str
    old: Any
    new: Any
    line: int | None = None
    sku: str = ""


@dataclass
class Diff:
    number: str
    old_version: int
    new_version: int
    changes: list[Change] = field(default_factory=list)
    added_lines: list[dict[str, Any]] = field(default_factory=list)
    removed_lines: list[dict[str, Any]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.changes or self.added_lines or self.removed_lines)


# What stage moves change between two revisions; a diff of terms leaves them out unless the revision itself
# held, resumed or cancelled the order.
_STAGE = {"status", "held_from", "carrier", "tracking"}
_BY_CHANGE = {"on_hold", "cancelled"}


def diff_snapshots(number: str, old_v: int, old: dict[str, Any], new_v: int, new: dict[str, Any]) -> Diff:
    result = Diff(number, old_v, new_v)
    stage_changed = bool({old.get("status"), new.get("status")} & _BY_CHANGE)
    for key in new.keys() | old.keys():
        if key == "lines" or (key in _STAGE and not (stage_changed and key in ("status", "held_from"))):
            continue
        if old.get(key) != new.get(key):
            result.changes.append(Change(key, old.get(key), new.get(key)))
    result.changes.sort(key=lambda c: c.field)
    old_lines = {ln["line"]: ln for ln in old.get("lines", [])}
    new_lines = {ln["line"]: ln for ln in new.get("lines", [])}
    for no in sorted(old_lines.keys() | new_lines.keys()):
        before, after = old_lines.get(no), new_lines.get(no)
        if before is None and after is not None:
            result.added_lines.append(after)
        elif after is None and before is not None:
            result.removed_lines.append(before)
        elif before is not None and after is not None:
            for key in sorted(after.keys() - {"line"}):
                if before.get(key) != after.get(key):
                    result.changes.append(Change(key, before.get(key), after.get(key), no, after["sku"]))
    return result
