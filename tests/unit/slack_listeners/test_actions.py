"""Button clicks: the command a button carries is read back and run as it is — no text in between; fields a
click cannot know are asked in a form first; a value that is not one of our commands is refused politely."""

from __future__ import annotations

import pytest

from adapters.slack import blocks
from adapters.slack.listeners import actions as listen
from bot.conversation import actions
from domain import commands as c
from tests.unit.slack_listeners.support import CHEN, LILY, LIU, WANG, Desk, FakeRespond, body_of, click, new_ack


def do(slack: Desk, user: str, action_id: str, value: str, label: str = "") -> FakeRespond:
    ack, respond = new_ack(), FakeRespond()
    body, action = click(user, action_id, value, label)
    listen.on_do(slack.front, ack, body, action, respond, slack.client)
    assert body_of(ack) == {}
    return respond


def shown_buttons(slack: Desk, user: str, number: str) -> list[dict[str, object]]:
    """The buttons Slack shows under an order, as rendered from the reply."""
    _, rendered = blocks.render(slack.front.run(user, c.ShowOrder(number)))
    slack.desk.handled.clear()
    return [e for b in rendered if b["type"] == "actions" for e in b["elements"]]


def test_a_buttons_encoded_command_runs_as_it_is(slack: Desk) -> None:
    number = slack.order()
    confirm = next(
        b for b in shown_buttons(slack, LILY, number) if b["value"] == actions.encode(c.ConfirmOrder(number))
    )
    slack.woken.clear()
    respond = do(slack, LILY, str(confirm["action_id"]), str(confirm["value"]))
    assert [(m, ctx.user.name) for m, ctx in slack.desk.handled] == [(c.ConfirmOrder(number), "lily")]
    assert slack.parser.texts == []  # nothing was parsed
    answer = respond.only()  # a confirmation is told to the channel, as typed `confirm` is
    assert answer["response_type"] == "in_channel" and number in answer["text"] and not answer["text"].startswith("✖")
    assert slack.desk.fake.order(number).status.value == "confirmed" and slack.woken == [True]


def test_a_click_in_the_home_tab_is_answered_in_the_dm(slack: Desk) -> None:
    number = slack.order()
    ack, respond = new_ack(), FakeRespond(response_url=None)  # the Home tab's Show: no message to answer under
    body, action = click(LILY, blocks.do_action_id(0), actions.encode(c.ShowOrder(number)), "Show")
    listen.on_do(slack.front, ack, body, action, respond, slack.client)
    assert respond.answers == [] and [m for m, _ in slack.desk.handled] == [c.ShowOrder(number)]
    (dm,) = slack.client.to("chat.postMessage")
    assert dm["channel"] == LILY and number in dm["text"]


def test_a_button_asking_for_fields_opens_a_form_with_one_input_each(slack: Desk) -> None:
    number = slack.order(confirmed=True)
    ship = c.ShipOrder(number, "", "")
    respond = do(slack, WANG, blocks.do_action_id(0, ("carrier", "tracking")), actions.encode(ship), "发货")
    view = slack.client.opened()
    assert view["callback_id"] == "orderbot_fill" and view["title"]["text"] == "补充命令"
    inputs = [(b["block_id"], b["label"]["text"]) for b in view["blocks"] if b["type"] == "input"]
    assert inputs == [("carrier", "承运商"), ("tracking", "运单号")]
    assert view["blocks"][0]["text"]["text"] == f"*发货 · {number}*"
    assert respond.answers == [] and slack.desk.handled == []  # nothing runs before the form is filled


def test_a_change_button_opens_the_change_form_for_its_order(slack: Desk) -> None:
    number = slack.order(confirmed=True)
    change = next(b for b in shown_buttons(slack, LILY, number) if str(b["action_id"]).endswith(":changes"))
    assert actions.decode(str(change["value"])) == c.RequestChange(number, ())
    do(slack, LILY, str(change["action_id"]), str(change["value"]))
    view = slack.client.opened()
    assert view["callback_id"] == "orderbot_change" and view["private_metadata"] == number
    assert slack.desk.commands() == []  # an empty change request is never filed


def test_a_change_button_for_an_order_that_cannot_be_shown_says_why(slack: Desk) -> None:
    value = actions.encode(c.RequestChange("SO-2026-000099", ()))
    respond = do(slack, WANG, "orderbot_do:0:changes", value)
    assert slack.client.calls == [] and slack.desk.commands() == []
    assert "SO-2026-000099" in respond.only()["text"] and respond.only()["text"].startswith("✖ ")


@pytest.mark.parametrize(
    ("action_id", "value"),
    [
        ("orderbot_do:0", "not json"),
        ("orderbot_do:0", "confirm SO-2026-000001"),  # what buttons carried before: text is not run
        ("orderbot_do:0", '{"c":"Path","a":{}}'),
        ("orderbot_do:0", '{"c":"FakeUnitOfWork","a":{}}'),
        ("orderbot_do:0", '{"c":"ConfirmOrder"}'),
        ("orderbot_do:0:owner", actions.encode(c.ConfirmOrder("SO-2026-000001"))),  # not a field of it
        ("orderbot_do:0:changes", actions.encode(c.ConfirmOrder("SO-2026-000001"))),
        ("orderbot_do:0:changes,reason", actions.encode(c.RequestChange("SO-2026-000001", ()))),  # no text fills it
        ("orderbot_do:0:page", actions.encode(c.MyOrders("-100200"))),
    ],
)
def test_a_forged_or_unknown_value_gets_a_polite_refusal(slack: Desk, action_id: str, value: str) -> None:
    number = slack.order()
    assert number == "SO-2026-000001"
    for user, expected in ((LILY, "That button no longer means anything here: type the command instead."),
                           (WANG, "这个按钮已失效，请直接输入命令。")):  # fmt: skip
        answer = do(slack, user, action_id, value).only()
        assert answer["response_type"] == "ephemeral" and answer["text"] == f"✖ {expected}"
    assert slack.desk.handled == [] and slack.client.calls == [] and slack.parser.texts == []
    assert slack.desk.fake.order(number).status.value == "draft"


def test_the_approval_cards_approve_runs_and_answers_only_a_refusal(slack: Desk) -> None:
    cr = slack.change_request()
    approve = actions.encode(c.ApproveChange(cr))
    for user, refused in ((LIU, True), (CHEN, False)):
        ack, respond = new_ack(), FakeRespond()
        body, action = click(user, blocks.ACTION_APPROVE, approve)
        listen.on_approve(slack.front, ack, body, action, respond)
        assert body_of(ack) == {} and slack.desk.commands()[-1] == c.ApproveChange(cr)
        assert len(respond.answers) == (1 if refused else 0)  # success shows on every copy of the card
    assert any(d.approver == "chen" for d in slack.desk.fake.change(cr).decisions)
    assert not any(d.approver == "liu" for d in slack.desk.fake.change(cr).decisions)


def test_the_approval_cards_reject_asks_for_a_reason(slack: Desk) -> None:
    cr = slack.change_request()
    ack, respond = new_ack(), FakeRespond()
    body, action = click(CHEN, blocks.ACTION_REJECT, actions.encode(c.RejectChange(cr, "")))
    listen.on_reject(slack.front, ack, body, action, respond, slack.client)
    view = slack.client.opened()
    assert view["callback_id"] == "orderbot_reject" and cr in view["private_metadata"]
    assert respond.answers == [] and slack.desk.handled == []


@pytest.mark.parametrize("kind", ["approve", "reject"])
def test_an_approval_button_carrying_another_command_is_refused(slack: Desk, kind: str) -> None:
    number = slack.order()
    ack, respond = new_ack(), FakeRespond()
    body, action = click(WANG, f"orderbot_{kind}", actions.encode(c.CancelOrder(number, "x")))
    if kind == "approve":
        listen.on_approve(slack.front, ack, body, action, respond)
    else:
        listen.on_reject(slack.front, ack, body, action, respond, slack.client)
    assert respond.only()["text"] == "✖ 这个按钮已失效，请直接输入命令。"
    assert slack.desk.handled == [] and slack.client.calls == []
