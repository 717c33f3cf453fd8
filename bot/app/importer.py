"""CSV import of customers, products and orders, as a sales office exports them from Excel.

The whole file is read and checked (exists, UTF-8, header) before anything is written, so a wrong
file changes nothing. After that, good rows are kept and bad rows reported with their CSV row
number (the header is row 1) and a typed error the command line renders in its language (ORDERBOT_LANGUAGE, else
the configured one).
Customers and products are stored in batches through the unit of work; orders go one by one
through the bus as ``CreateOrder``, so every rule, version, audit entry and notification of a
typed order applies to an imported one too.

Importing a file again changes nothing twice: an order's ``order_ref`` is kept as its external reference (unique
per customer), so an order already imported is skipped with a note naming it; a customer or product already there
is left as it is, or updated with ``update`` (`orderbot import … --update`: the cells given, blank ones unchanged).
How cells are read (Excel's number formats, full-width digits, the allowed values) is in ``import_cells``.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError
from tqdm import tqdm

from bot.app.bootstrap import Desk
from bot.app.import_cells import ALIASES, UNITS, Row, normalized
from bot.conversation.i18n import LANGUAGES
from domain.commands import CreateOrder, LineInput
from domain.errors import ConcurrentUpdate, Conflict, InvalidInput, OrderbotError, PermissionDenied
from domain.history import AuditEntry
from domain.parties import Customer, MakeOrBuy, Product, Tier
from domain.ports import Context
from domain.results import Done
from domain.users import Role

Kind = Literal["customers", "products", "orders"]
BATCH = 500
SOURCE = "import"  # an imported order's source
# kind: (required columns, optional columns)
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "customers": (("code", "name"), ("tier", "credit_limit", "payment_terms", "language", "contacts")),
    "products": (
        ("sku", "name", "list_price"),
        ("unit", "unit_cost", "safety_stock", "lead_time_days", "make_or_buy"),
    ),
    "orders": (
        ("order_ref", "customer", "sku", "quantity"),
        ("unit_price", "due_date", "requested_date", "po_ref", "notes"),
    ),
}
# The columns of an order's header: blank on an order's later rows means "same as above".
ORDER_HEADER = ("customer", "due_date", "po_ref", "notes")


@dataclass
class ImportReport:
    kind: str
    imported: int = 0  # customers, products, or orders (not lines) created
    updated: int = 0  # customers or products changed (``update``)
    unchanged: int = 0  # customers or products given again as they are (``update``)
    rejected: list[tuple[int, OrderbotError]] = field(default_factory=list)  # (CSV row number, why), by row
    # rows left alone, with a note: an order already imported (its first row), a code already there (no ``update``)
    skipped: list[tuple[int, OrderbotError]] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # orders only: the numbers created, in file order


def import_csv(
    desk: Desk, ctx: Context, kind: Kind, path: Path, progress: bool = True, update: bool = False
) -> ImportReport:
    if kind not in COLUMNS:
        raise InvalidInput("import_unknown_kind", kind=kind, allowed=", ".join(COLUMNS))
    if kind != "orders":
        _require_master_data_role(desk, ctx, kind)
    rows = _read(Path(path), *COLUMNS[kind])
    report = ImportReport(kind)
    with tqdm(total=len(rows), unit="row", desc=f"import {kind}", file=sys.stderr, disable=not progress) as bar:
        if kind == "orders":
            _import_orders(desk, ctx, rows, report, bar.update)
        else:
            _import_master(desk, ctx, kind, Path(path).name, rows, report, bar.update, update)
    report.rejected.sort(key=lambda r: r[0])
    report.skipped.sort(key=lambda r: r[0])
    return report


def _require_master_data_role(desk: Desk, ctx: Context, kind: str) -> None:
    if ctx.user.has(Role.sales_manager):  # admin passes too
        return
    denied = PermissionDenied("import", (Role.admin.value, Role.sales_manager.value))
    with desk.uow() as uow:  # a refused attempt leaves a trace, as refusals through the bus do
        detail = f"needs {', '.join(denied.roles)}"
        uow.history.audit(AuditEntry(ctx.now, ctx.user.name, ctx.front.value, "import", kind, "denied", detail=detail))
        uow.commit()
    raise denied


# -- reading ------------------------------------------------------------------------------------
def _read(path: Path, required: tuple[str, ...], optional: tuple[str, ...]) -> list[Row]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput("import_file_missing", path=str(path)) from None
    except OSError as exc:
        raise InvalidInput("import_file_unreadable", path=str(path), detail=exc.strerror or str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except UnicodeDecodeError as exc:
        # most often a GBK file saved by an older Excel: say where, so it can be re-saved as UTF-8
        raise InvalidInput("import_not_utf8", path=str(path), line=raw[: exc.start].count(b"\n") + 1) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as exc:
        raise InvalidInput("import_bad_csv", line=reader.line_num, detail=str(exc)) from None
    if not records:
        raise InvalidInput("import_empty", path=str(path))
    header = [h.strip().lower() for h in records[0]]
    for name in header:
        if name and name not in required + optional:
            # a misspelt optional column would otherwise be dropped without a word
            raise InvalidInput("import_unknown_column", column=name, allowed=", ".join(required + optional))
        if name and header.count(name) > 1:
            raise InvalidInput("import_duplicate_column", column=name)
    missing = [c for c in required if c not in header]
    if missing:
        raise InvalidInput("import_missing_column", column=", ".join(missing))
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines and Excel's empty trailing rows
        cells = {name: cell.strip() for name, cell in zip(header, record, strict=False) if name}
        # values under no column name: reported with the row, not silently dropped
        extra = [cell for name, cell in zip(header, record, strict=False) if not name] + record[len(header) :]
        rows.append(Row(number, cells, any(cell.strip() for cell in extra)))
    return rows


# -- customers and products ---------------------------------------------------------------------
def _customer(row: Row) -> dict[str, Any]:
    terms = normalized(row.text("payment_terms", 32))
    net = re.fullmatch(r"net\s*(\d+)", terms, re.IGNORECASE)
    if net:
        terms = f"NET{int(net.group(1))}"  # "net 30" and "NET30" are the same terms
    elif terms.lower() == "prepaid":
        terms = "prepaid"
    raw = normalized(row.text("language", 16)).lower()
    language = ALIASES["language"].get(raw) or raw.replace("_", "-").split("-")[0]  # zh-CN -> zh, 中文 -> zh
    if language and language not in LANGUAGES:
        raise InvalidInput("import_bad_choice", column="language", value=row.cells["language"],
                           allowed=", ".join(LANGUAGES))  # fmt: skip
    return {
        "name": row.text("name", 200, required=True),
        "tier": row.choice("tier", Tier),
        "credit_limit": row.decimal("credit_limit", 4),  # blank: no credit check, the domain's default
        "payment_terms": terms or None,
        "language": language or None,
        "contacts": row.text("contacts", 2000) or None,
    }


def _product(row: Row) -> dict[str, Any]:
    return {
        "name": row.text("name", 200, required=True),
        "unit": row.word("unit", UNITS),
        "list_price": row.required_decimal("list_price", 4),
        "unit_cost": row.decimal("unit_cost", 4),
        "safety_stock": row.decimal("safety_stock", 3),
        "lead_time_days": row.integer("lead_time_days", 0, 365),
        "make_or_buy": row.choice("make_or_buy", MakeOrBuy),
    }


# One row to store: its number, its key, the new object's factory, and the values given (for an update).
Item = tuple[int, str, Callable[[], Any], dict[str, Any]]


def _import_master(
    desk: Desk, ctx: Context, kind: str, source: str, rows: list[Row], report: ImportReport,
    tick: Callable[[int], Any], update: bool = False,
) -> None:  # fmt: skip
    key_column, key_len, parse, make = (
        ("code", 32, _customer, Customer) if kind == "customers" else ("sku", 64, _product, Product)
    )
    seen: dict[str, int] = {}
    batch: list[Item] = []
    for row in rows:
        try:
            row.check_width()
            key = row.key(key_column, key_len)
            if key in seen:
                # the file names it twice: which one is meant is a question for the user, not a guess
                raise Conflict("import_duplicate", key=key, row=seen[key])
            seen[key] = row.number
            given = {k: v for k, v in parse(row).items() if v is not None}  # blank: the default, or unchanged
            # a factory, not an object: a batch retried after a race needs fresh, never-flushed objects
            batch.append((row.number, key, partial(make, key, **given), given))
        except OrderbotError as err:
            report.rejected.append((row.number, err))
        if len(batch) == BATCH:
            _store(desk, ctx, kind, source, batch, report, update)
            batch = []
        tick(1)
    _store(desk, ctx, kind, source, batch, report, update)


@dataclass
class _Stored:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[int, OrderbotError]] = field(default_factory=list)

    def into(self, report: ImportReport) -> None:
        report.imported += len(self.added)
        report.updated += len(self.updated)
        report.unchanged += self.unchanged
        report.skipped.extend(self.skipped)


def _store(
    desk: Desk, ctx: Context, kind: str, source: str, batch: list[Item], report: ImportReport, update: bool
) -> None:
    try:
        _store_batch(desk, ctx, kind, source, batch, update).into(report)
    except IntegrityError:
        # someone added one of these keys meanwhile: retry one by one (it is found there now)
        for item in batch:
            try:
                _store_batch(desk, ctx, kind, source, [item], update).into(report)
            except IntegrityError:
                report.skipped.append((item[0], Conflict("import_exists", key=item[1])))


def _store_batch(desk: Desk, ctx: Context, kind: str, source: str, batch: Iterable[Item], update: bool) -> _Stored:
    out = _Stored()
    with desk.uow() as uow:
        repo: Any = uow.customers if kind == "customers" else uow.products
        for number, key, make, given in batch:
            existing = repo.get(key)
            if existing is None:
                repo.add(make())
                out.added.append(key)
            elif not update:
                out.skipped.append((number, Conflict("import_exists", key=key)))  # left as it is
            else:
                changed = {k: v for k, v in given.items() if getattr(existing, k) != v}
                for name, value in changed.items():
                    setattr(existing, name, value)
                if changed:
                    out.updated.append(f"{key} ({', '.join(changed)})")
                else:
                    out.unchanged += 1
        for action, keys in (("import", out.added), ("import_update", out.updated)):
            if keys:
                detail = f"{source}: {', '.join(keys)}"
                uow.history.audit(AuditEntry(ctx.now, ctx.user.name, ctx.front.value, action, kind, detail=detail))
        uow.commit()
    return out


# -- orders -------------------------------------------------------------------------------------
def _import_orders(desk: Desk, ctx: Context, rows: list[Row], report: ImportReport, tick: Callable[[int], Any]) -> None:
    orders: dict[str, list[Row]] = {}
    for row in rows:
        try:
            ref = normalized(row.text("order_ref", 64, required=True))
        except OrderbotError as err:
            report.rejected.append((row.number, err))
            tick(1)
        else:
            orders.setdefault(ref, []).append(row)
    for ref, group in orders.items():
        command, problems = _order_command(ref, group)
        if problems:
            first = min(problems)
            for row in group:
                reason = problems.get(row.number) or InvalidInput("import_order_rejected", order_ref=ref, row=first)
                report.rejected.append((row.number, reason))
        else:
            try:
                done: Done = _create(desk, ctx, command)
            except PermissionDenied:
                raise  # the same for every order: one refusal (audited by the bus), not one per row
            except OrderbotError as err:
                if err.code == "order_already_imported":  # imported before: a note on its first row, nothing more
                    report.skipped.append((group[0].number, err))
                else:
                    report.rejected.extend((row.number, err) for row in group)
            else:
                report.imported += 1
                report.numbers.append(str(done.params["number"]))
        tick(len(group))


def _create(desk: Desk, ctx: Context, command: CreateOrder) -> Done:
    """Create the order; if another import of the same order committed first (the unique reference refused
    ours), ask again: now it is found, and said to be imported already."""
    try:
        done: Done = desk.bus.handle(command, ctx)
    except ConcurrentUpdate:
        done = desk.bus.handle(command, ctx)
    return done


def _order_command(ref: str, group: list[Row]) -> tuple[CreateOrder, dict[int, OrderbotError]]:
    """The CreateOrder for one order_ref's rows, or the problems found, by row number."""
    header: dict[str, Any] = {}
    lines: list[LineInput] = []
    problems: dict[int, OrderbotError] = {}
    for row in group:
        try:
            row.check_width()
            values = {
                "customer": normalized(row.text("customer", 200)).upper(),
                "due_date": row.day("due_date"),
                "po_ref": row.text("po_ref", 64),
                "notes": row.text("notes", 2000),
            }
            for column, value in values.items():
                if value in ("", None):
                    continue
                if header.setdefault(column, value) != value:
                    raise InvalidInput("import_inconsistent", column=column, value=row.cells[column], order_ref=ref)
            quantity = row.required_decimal("quantity", 3, positive=True)
            sku = row.key("sku", 64)
            lines.append(LineInput(sku, quantity, row.decimal("unit_price", 4), row.day("requested_date")))
        except OrderbotError as err:
            problems[row.number] = err
    if not problems and "customer" not in header:
        problems[group[0].number] = InvalidInput("import_missing_value", column="customer")
    command = CreateOrder(
        customer=header.get("customer", ""),
        lines=tuple(lines),
        due_date=header.get("due_date"),
        po_ref=header.get("po_ref", ""),
        notes=header.get("notes", ""),
        external_ref=ref,
        source=SOURCE,
    )
    return command, problems
