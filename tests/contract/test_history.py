"""``uow.history``: order versions (full snapshots, in version order) and the audit trail (per subject, in the
order written)."""

from __future__ import annotations

from domain.history import AuditEntry, OrderVersion
from tests.contract.world import Store, at

SO1, SO2 = "SO-2026-000001", "SO-2026-000002"


def snapshot(version: int, **extra: object) -> dict[str, object]:
    lines = [{"line": 1, "sku": "NUT-M8", "quantity": "250", "requested_date": None}]
    return {"number": SO1, "version": version, "amount": "12.50", "lines": lines, **extra}


def test_versions_read_back_in_version_order(store: Store) -> None:
    with store() as uow:
        uow.history.add_version(OrderVersion(SO1, 2, at(5), "wang", "slack", "change", "CR-1", snapshot(2)))
        uow.history.add_version(OrderVersion(SO2, 1, at(1), "mike", "shell", "create", "", {"number": SO2}))
        uow.history.add_version(OrderVersion(SO1, 1, at(0), "lily", "shell", "create", "", snapshot(1, rush=True)))
        uow.history.add_version(OrderVersion(SO1, 3, at(9), "lily", "telegram", "edit", "客户要求", snapshot(3)))
        uow.commit()
    with store(readonly=True) as uow:
        versions = uow.history.versions(SO1)
        assert [(v.version, v.actor, v.front, v.action, v.reason) for v in versions] == [
            (1, "lily", "shell", "create", ""),
            (2, "wang", "slack", "change", "CR-1"),
            (3, "lily", "telegram", "edit", "客户要求"),
        ]
        assert [v.at for v in versions] == [at(0), at(5), at(9)] and all(v.id is not None for v in versions)
        assert versions[0].snapshot == snapshot(1, rush=True)  # the JSON comes back as it went in
        two = uow.history.version(SO1, 2)
        assert two is not None and two.snapshot == snapshot(2) and two.order_number == SO1
        assert uow.history.version(SO1, 4) is None and uow.history.version("SO-2026-000009", 1) is None
        assert [v.version for v in uow.history.versions(SO2)] == [1] and uow.history.versions("nope") == []


def test_the_audit_trail_of_a_subject_in_the_order_written(store: Store) -> None:
    with store() as uow:
        uow.history.audit(AuditEntry(at(3), "lily", "shell", "create", SO1, "ok", 1))
        uow.history.audit(AuditEntry(at(1), "config", "config", "grant", "lily", detail="admin"))
        uow.history.audit(AuditEntry(at(2), "liu", "slack", "confirm", SO1, "denied", detail="needs sales"))
        uow.history.audit(AuditEntry(at(2), "lily", "shell", "hold", SO1, "ok", 1, "", "waiting for drawing"))
        uow.commit()
    with store() as uow:
        uow.history.audit(AuditEntry(at(4), "lily", "shell", "resume", SO1, "ok", 1))
        # not committed: no trace
    with store() as uow:
        uow.history.audit(AuditEntry(at(5), "lily", "shell", "submit", SO1, "ok", 1))
        uow.commit()
    with store(readonly=True) as uow:
        trail = uow.history.audit_of(SO1)
        assert [(e.at, e.actor, e.front, e.action, e.outcome, e.version, e.detail, e.reason) for e in trail] == [
            (at(3), "lily", "shell", "create", "ok", 1, "", ""),
            (at(2), "liu", "slack", "confirm", "denied", None, "needs sales", ""),
            (at(2), "lily", "shell", "hold", "ok", 1, "", "waiting for drawing"),
            (at(5), "lily", "shell", "submit", "ok", 1, "", ""),
        ]  # in the order written, whatever their times
        assert all(e.subject == SO1 and e.id is not None for e in trail)
        assert [e.id for e in trail] == sorted(e.id for e in trail if e.id is not None)
        (grant,) = uow.history.audit_of("lily")
        assert (grant.actor, grant.front, grant.action, grant.detail, grant.outcome) == (
            "config", "config", "grant", "admin", "ok",
        )  # fmt: skip
        assert uow.history.audit_of(SO2) == [] and uow.history.audit_of("so-2026-000001") == []
