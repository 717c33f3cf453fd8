"""Delivering the outbox: the dispatcher, its loop, pacing and the delivery policy."""

from adapters.delivery.dispatcher import Dispatcher, DispatchLoop
from adapters.delivery.policy import DeliveryPolicy, Pace, QuietHours

__all__ = ["DeliveryPolicy", "DispatchLoop", "Dispatcher", "Pace", "QuietHours"]
