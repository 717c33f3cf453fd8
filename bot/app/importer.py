"""CSV import of customers, products and orders, as a sales office exports them from Excel.

The whole file is read and checked (exists, UTF-8, header) before anything is written, so a wrong
file changes nothing. After that, good rows are kept and bad rows reported with their CSV row
number (the header is row 1) and a typed error the command line renders in its language (ORDERBOT_LANGUAGE, else
the configured one).
Customers and products are stored in batches through the unit of work; orders go one by one
through the bus as ``CreateOrder``, so every rule, version, audit entry and notification of a
typed order applies to an imported one too.
"""

from __future__ import annotations

import csv
import enum
import io
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar

from sqlalchemy.exc import IntegrityError
from tqdm import tqdm

from bot.app.bootstrap import Desk
from bot.conversation.i18n import LANGUAGES
from domain.commands import CreateOrder, LineInput
from domain.errors import Conflict, InvalidInput, OrderbotError, PermissionDenied
from domain.history import AuditEntry
from domain.parties import Customer, MakeOrBuy, Product, Tier
from domain.ports import Context
from domain.results import Done
from domain.users import Role

Kind = Literal["customers", "products", "orders"]
E = TypeVar("E", bound=enum.Enum)
BATCH = 500
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
    imported: int = 0  # customers, products, or orders (not lines) stored
    rejected: list[tuple[int, OrderbotError]] = field(default_factory=list)  # (CSV row number, why), by row
    numbers: list[str] = field(default_factory=list)  # orders only: the numbers created, in file order


def import_csv(desk: Desk, ctx: Context, kind: Kind, path: Path, progress: bool = True) -> ImportReport:
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
            _import_master(desk, ctx, kind, Path(path).name, rows, report, bar.update)
    report.rejected.sort(key=lambda r: r[0])
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
class Row:
    """One CSV row: its number, its cells by column, and the typed readings every kind shares."""

    def __init__(self, number: int, cells: dict[str, str], extra: bool = False) -> None:
        self.number, self.cells = number, cells
        self.extra = extra  # values beyond the header's columns

    def check_width(self) -> None:
        if self.extra:
            raise InvalidInput("import_extra_values", row=self.number)

    def text(self, column: str, max_len: int, required: bool = False) -> str:
        value = self.cells.get(column, "")
        if required and not value:
            raise InvalidInput("import_missing_value", column=column)
        if len(value) > max_len:
            raise InvalidInput("import_too_long", column=column, max=max_len)
        return value

    def key(self, column: str, max_len: int) -> str:
        """A code or SKU: upper case as the bot looks them up, and no spaces (chat splits on them)."""
        value = self.text(column, max_len, required=True).upper()
        if any(ch.isspace() for ch in value):
            raise InvalidInput("import_bad_value", column=column, value=value)
        return value

    def decimal(self, column: str, places: int, positive: bool = False) -> Decimal | None:
        """A plain number (no thousands separators); at most ``places`` decimals, as the column keeps."""
        value = self.cells.get(column, "")
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise InvalidInput("import_bad_value", column=column, value=value) from None
        # finite, not negative, below what the scaled-integer columns hold, and no finer than they keep
        if not number.is_finite() or number < 0 or number >= 10**12 or (positive and number == 0):
            raise InvalidInput("import_bad_value", column=column, value=value)
        if -int(number.normalize().as_tuple().exponent) > places:
            raise InvalidInput("import_bad_value", column=column, value=value)
        return number

    def required_decimal(self, column: str, places: int, positive: bool = False) -> Decimal:
        number = self.decimal(column, places, positive)
        if number is None:
            raise InvalidInput("import_missing_value", column=column)
        return number

    def integer(self, column: str, low: int, high: int) -> int | None:
        value = self.cells.get(column, "")
        if not value:
            return None
        if not value.isdigit() or not low <= int(value) <= high:
            raise InvalidInput("import_bad_value", column=column, value=value)
        return int(value)

    def day(self, column: str) -> date | None:
        """ISO dates only: 03/04/2026 is 3 April to some customers and 4 March to others."""
        value = self.cells.get(column, "")
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InvalidInput("import_bad_value", column=column, value=value) from None

    def choice(self, column: str, kind: type[E]) -> E | None:
        value = self.cells.get(column, "").lower()
        if not value:
            return None
        try:
            return kind(value)
        except ValueError:
            raise InvalidInput("import_bad_value", column=column, value=self.cells[column]) from None


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
    terms = row.text("payment_terms", 32)
    net = re.fullmatch(r"net\s*(\d+)", terms, re.IGNORECASE)
    if net:
        terms = f"NET{int(net.group(1))}"  # "net 30" and "NET30" are the same terms
    elif terms.lower() == "prepaid":
        terms = "prepaid"
    language = row.text("language", 8).lower().replace("_", "-").split("-")[0]  # zh-CN -> zh
    if language and language not in LANGUAGES:
        raise InvalidInput("import_bad_value", column="language", value=row.cells["language"])
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
        "unit": row.text("unit", 16).lower() or None,
        "list_price": row.required_decimal("list_price", 4),
        "unit_cost": row.decimal("unit_cost", 4),
        "safety_stock": row.decimal("safety_stock", 3),
        "lead_time_days": row.integer("lead_time_days", 0, 365),
        "make_or_buy": row.choice("make_or_buy", MakeOrBuy),
    }


def _import_master(
    desk: Desk, ctx: Context, kind: str, source: str, rows: list[Row], report: ImportReport, tick: Callable[[int], Any]
) -> None:
    key_column, key_len, parse, make = (
        ("code", 32, _customer, Customer) if kind == "customers" else ("sku", 64, _product, Product)
    )
    seen: dict[str, int] = {}
    batch: list[tuple[int, str, Callable[[], Any]]] = []
    for row in rows:
        try:
            row.check_width()
            key = row.key(key_column, key_len)
            if key in seen:
                # the file names it twice: which one is meant is a question for the user, not a guess
                raise Conflict("import_duplicate", key=key, row=seen[key])
            seen[key] = row.number
            given = {k: v for k, v in parse(row).items() if v is not None}  # blank: the domain's default
            # a factory, not an object: a batch retried after a race needs fresh, never-flushed objects
            batch.append((row.number, key, partial(make, key, **given)))
        except OrderbotError as err:
            report.rejected.append((row.number, err))
        if len(batch) == BATCH:
            _store(desk, ctx, kind, source, batch, report)
            batch = []
        tick(1)
    _store(desk, ctx, kind, source, batch, report)


def _store(
    desk: Desk,
    ctx: Context,
    kind: str,
    source: str,
    batch: list[tuple[int, str, Callable[[], Any]]],
    report: ImportReport,
) -> None:
    try:
        stored, rejected = _store_batch(desk, ctx, kind, source, batch)
    except IntegrityError:
        # someone added one of these keys meanwhile: retry one by one so only that row is lost
        stored, rejected = 0, []
        for item in batch:
            try:
                done, refused = _store_batch(desk, ctx, kind, source, [item])
            except IntegrityError:
                done, refused = 0, [(item[0], Conflict("import_exists", key=item[1]))]
            stored, rejected = stored + done, rejected + refused
    report.imported += stored
    report.rejected.extend(rejected)


def _store_batch(
    desk: Desk, ctx: Context, kind: str, source: str, batch: Iterable[tuple[int, str, Callable[[], Any]]]
) -> tuple[int, list[tuple[int, OrderbotError]]]:
    rejected: list[tuple[int, OrderbotError]] = []
    stored: list[str] = []
    with desk.uow() as uow:
        repo: Any = uow.customers if kind == "customers" else uow.products
        for number, key, make in batch:
            if repo.get(key) is not None:
                rejected.append((number, Conflict("import_exists", key=key)))
            else:
                repo.add(make())
                stored.append(key)
        if stored:
            detail = f"{source}: {', '.join(stored)}"
            uow.history.audit(AuditEntry(ctx.now, ctx.user.name, ctx.front.value, "import", kind, detail=detail))
        uow.commit()
    return len(stored), rejected


# -- orders -------------------------------------------------------------------------------------
def _import_orders(desk: Desk, ctx: Context, rows: list[Row], report: ImportReport, tick: Callable[[int], Any]) -> None:
    orders: dict[str, list[Row]] = {}
    for row in rows:
        ref = row.cells.get("order_ref", "")
        if ref:
            orders.setdefault(ref, []).append(row)
        else:
            report.rejected.append((row.number, InvalidInput("import_missing_value", column="order_ref")))
            tick(1)
    for ref, group in orders.items():
        command, problems = _order_command(ref, group)
        if problems:
            first = min(problems)
            for row in group:
                reason = problems.get(row.number) or InvalidInput("import_order_rejected", order_ref=ref, row=first)
                report.rejected.append((row.number, reason))
        else:
            try:
                done: Done = desk.bus.handle(command, ctx)
            except PermissionDenied:
                raise  # the same for every order: one refusal (audited by the bus), not one per row
            except OrderbotError as err:
                report.rejected.extend((row.number, err) for row in group)
            else:
                report.imported += 1
                report.numbers.append(str(done.params["number"]))
        tick(len(group))


def _order_command(ref: str, group: list[Row]) -> tuple[CreateOrder, dict[int, OrderbotError]]:
    """The CreateOrder for one order_ref's rows, or the problems found, by row number."""
    header: dict[str, Any] = {}
    lines: list[LineInput] = []
    problems: dict[int, OrderbotError] = {}
    for row in group:
        try:
            row.check_width()
            values = {
                "customer": row.text("customer", 32).upper(),
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
    )
    return command, problems
