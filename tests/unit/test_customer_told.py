"""What a customer is told of their orders (``domain.contacts.customer_is_told``): the rule every chat front end's
transport asks, shown on the payloads the events themselves put in the outbox."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.contacts import TOLD_STAGES, customer_is_told
from domain.events import (
    ChangeApproved,
    CustomerChangeDecided,
    Event,
    OrderChanged,
    OrderConfirmed,
    OrderCreated,
    OrderShipped,
    OrderStatusChanged,
    StockLow,
)
from domain.lifecycle import Status

NUMBER, CUSTOMER = "SO-2026-000001", "CUST-001"


def told(event: Event) -> bool:
    return customer_is_told(event.kind, event.payload())


def moved(old: Status, new: Status) -> OrderStatusChanged:
    return OrderStatusChanged(NUMBER, CUSTOMER, old.value, new.value, "zhao")


def test_confirmation_shipping_a_change_of_terms_and_their_own_request_s_outcome_are_told() -> None:
    assert told(OrderConfirmed(NUMBER, CUSTOMER, Decimal("450.00"), date(2026, 12, 5), (), "lily"))
    assert told(OrderShipped(NUMBER, CUSTOMER, "顺丰", "SF1234567890", "liu"))
    assert told(OrderChanged(NUMBER, CUSTOMER, "CR-1", 3, (), date(2026, 12, 30), Decimal("450.00"), "wang"))
    assert told(CustomerChangeDecided(NUMBER, CUSTOMER, "CR-1", "rejected", "no capacity", None))


@pytest.mark.parametrize("stage", [Status.in_production, Status.delivered, Status.cancelled])
def test_a_move_to_a_stage_the_customer_cares_about_is_told(stage: Status) -> None:
    assert told(moved(Status.confirmed, stage))


@pytest.mark.parametrize("stage", [s for s in Status if s.value not in TOLD_STAGES])
def test_internal_moves_are_not_the_customer_s_business(stage: Status) -> None:
    assert not told(moved(Status.in_production, stage))


def test_what_staff_read_is_never_told_and_a_status_row_without_its_new_stage_is_not_either() -> None:
    assert not told(OrderCreated(NUMBER, CUSTOMER, Decimal("450.00"), "lily"))
    assert not told(ChangeApproved("CR-1", NUMBER, CUSTOMER, 3, "wang", "customer:CUST-001"))
    assert not told(StockLow("NUT-M8", Decimal(10), Decimal(100), Decimal(500), "main"))
    assert not customer_is_told("order_status_changed", {})
    assert not customer_is_told("order_status_changed", {"old": "confirmed"})
    assert not customer_is_told("no_such_kind", {"new": "delivered"})
