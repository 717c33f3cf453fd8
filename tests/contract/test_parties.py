"""``uow.customers``, ``uow.products`` and ``uow.users``: master data and people, found by their key, searched, and
(people) found by the identity each front end knows them by."""

from __future__ import annotations

from decimal import Decimal

from domain.parties import Customer, MakeOrBuy, Product, Tier
from domain.users import Front, Role, User
from tests.contract.world import Store, seed_parties


def test_customers_read_back_and_are_searched_by_code_or_name(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        for i in range(1, 5):
            uow.customers.add(Customer(f"ZZ-{i}", f"Acme Branch {i}"))
        uow.commit()
    with store(readonly=True) as uow:
        found = uow.customers.get("CUST-001")
        assert found is not None and found.id is not None
        assert (found.name, found.tier, found.credit_limit, found.payment_terms, found.language, found.contacts) == (
            "华东机械有限公司", Tier.key, Decimal("100000"), "NET30", "zh", "王经理 13800000000",
        )  # fmt: skip
        zenith = uow.customers.get("CUST-003")
        assert zenith is not None and zenith.credit_limit is None and zenith.tier is Tier.strategic
        assert uow.customers.get("CUST-009") is None and uow.customers.get("cust-001") is None
        codes = [c.code for c in uow.customers.search("acme")]
        assert codes == ["CUST-002", "ZZ-1", "ZZ-2", "ZZ-3", "ZZ-4"]  # by code, either field, any case
        assert [c.code for c in uow.customers.search(" cust-00 ", limit=2)] == ["CUST-001", "CUST-002"]
        assert [c.code for c in uow.customers.search("华东")] == ["CUST-001"]
        assert [c.code for c in uow.customers.search("BRANCH 3")] == ["ZZ-3"]
        assert len(uow.customers.search("")) == 7 and uow.customers.search("nobody") == []
        uow.customers.lock(found)  # serialises credit decisions; nothing to see, nothing to break


def test_products_read_back_by_sku_or_id_and_are_searched(store: Store) -> None:
    seed_parties(store)
    with store(readonly=True) as uow:
        bolt = uow.products.get(" bolt-m8x30 ")  # typed as people type it
        assert bolt is not None and bolt.id is not None
        assert (bolt.sku, bolt.name, bolt.unit, bolt.list_price, bolt.unit_cost) == (
            "BOLT-M8X30", "六角螺栓 M8x30", "pcs", Decimal("0.12"), Decimal("0.07"),
        )  # fmt: skip
        assert (bolt.safety_stock, bolt.lead_time_days, bolt.make_or_buy) == (500, 10, MakeOrBuy.make)
        same = uow.products.by_id(bolt.id)
        assert same is not None and same.sku == "BOLT-M8X30"
        assert uow.products.by_id(10**6) is None and uow.products.get("BOLT-M10") is None
        assert [p.sku for p in uow.products.search("m8")] == ["BOLT-M8X30", "NUT-M8", "WASHER-M8"]
        assert [p.sku for p in uow.products.search("M8", limit=2)] == ["BOLT-M8X30", "NUT-M8"]
        assert [p.sku for p in uow.products.search("螺")] == ["BOLT-M8X30", "NUT-M8"]
        assert [p.sku for p in uow.products.search("flat WASHER")] == ["WASHER-M8"]
        assert uow.products.search("M10") == []


def test_search_text_is_taken_literally(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        uow.customers.add(Customer("C_1", "100% Steel"))
        uow.customers.add(Customer("C\\2", "Back\\slash"))
        uow.products.add(Product("P_1", "50% off"))
        uow.commit()
    with store(readonly=True) as uow:
        assert [c.code for c in uow.customers.search("_")] == ["C_1"]
        assert [c.code for c in uow.customers.search("%")] == ["C_1"] and uow.customers.count("%") == 1
        assert [c.code for c in uow.customers.search("\\")] == ["C\\2"]
        assert [p.sku for p in uow.products.search("_")] == ["P_1"] and uow.products.count("_") == 1
        assert uow.products.search("%%") == [] and uow.customers.search("C%1") == []


def test_customers_are_found_by_the_pinyin_initials_of_their_name(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        uow.customers.add(Customer("CUST-010", "沈阳鑫源机械有限公司"))
        uow.customers.add(Customer("CUST-011", "重庆长安五金"))  # 重庆 is chóng: cq, not zq
        uow.customers.add(Customer("CUST-012", "3M中国"))
        uow.commit()
    with store(readonly=True) as uow:
        assert [c.code for c in uow.customers.search("syxy")] == ["CUST-010"]
        assert [c.code for c in uow.customers.search("SYXY")] == ["CUST-010"]  # any case
        assert [c.code for c in uow.customers.search("cqca")] == ["CUST-011"]
        assert [c.code for c in uow.customers.search("3mzg")] == ["CUST-012"]
        assert uow.customers.search("xyjx") == []  # initials match from the start of the name only
        assert uow.customers.search("zqca") == [] and uow.customers.count("syxy") == 1
        assert uow.customers.search("s_x%") == []  # wildcards are literal in the initials too
    with store() as uow:  # renamed: the initials follow the name
        renamed = uow.customers.get("CUST-010")
        assert renamed is not None
        renamed.name = "大连鑫源机械有限公司"
        uow.commit()
    with store(readonly=True) as uow:
        assert uow.customers.search("syxy") == [] and [c.code for c in uow.customers.search("dlxy")] == ["CUST-010"]


def test_best_matches_come_first_and_are_counted(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        uow.customers.add(Customer("AA-1", "上海华东机械"))  # contains 华东机械
        uow.customers.add(Customer("AA-2", "华东机械二厂"))  # starts with it
        uow.customers.add(Customer("ZZ-9", "华东机械"))  # is it
        uow.products.add(Product("XM8", "Spacer"))
        uow.products.add(Product("M8", "Plain"))
        uow.commit()
    with store(readonly=True) as uow:
        assert [c.code for c in uow.customers.search("华东机械")] == ["ZZ-9", "AA-2", "CUST-001", "AA-1"]
        assert [c.code for c in uow.customers.search("华东机械", limit=2, offset=1)] == ["AA-2", "CUST-001"]
        assert uow.customers.count("华东机械") == 4 and uow.customers.count("nobody") == 0
        assert [p.sku for p in uow.products.search("m8")][:1] == ["M8"] and uow.products.count("m8") == 5


def test_a_product_added_later_is_found(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        uow.products.add(Product("ANCHOR-M10", "Anchor", "pcs", Decimal("1.2")))
        uow.commit()
    with store(readonly=True) as uow:
        assert [p.sku for p in uow.products.search("")] == ["ANCHOR-M10", "BOLT-M8X30", "NUT-M8", "WASHER-M8"]


def people(store: Store) -> None:
    with store() as uow:
        uow.users.add(User("lily", "Lily 张丽", "en", "U0LILY", "1001", {Role.sales}))
        uow.users.add(User("wang", "王经理", None, None, "1002", {Role.sales_manager, Role.finance}))
        uow.users.add(User("admin", "admin", None, "U0ADMIN", None, {Role.admin}))
        uow.users.add(User("ghost"))
        uow.commit()


def test_users_read_back_by_name_and_in_name_order(store: Store) -> None:
    people(store)
    with store(readonly=True) as uow:
        lily = uow.users.get("lily")
        assert lily is not None and lily.id is not None
        assert (lily.display_name, lily.language, lily.slack_id, lily.telegram_id, lily.roles) == (
            "Lily 张丽", "en", "U0LILY", "1001", {Role.sales},
        )  # fmt: skip
        wang = uow.users.get("wang")
        assert wang is not None and wang.roles == {Role.sales_manager, Role.finance} and wang.language is None
        ghost = uow.users.get("ghost")
        assert ghost is not None and ghost.roles == set() and ghost.slack_id is None
        assert uow.users.get("Lily") is None and uow.users.get("nobody") is None
        assert [u.name for u in uow.users.all()] == ["admin", "ghost", "lily", "wang"]


def test_users_are_found_by_the_identity_each_front_end_knows(store: Store) -> None:
    people(store)
    with store(readonly=True) as uow:

        def name(front: Front, identity: str) -> str | None:
            found = uow.users.by_identity(front, identity)
            return found.name if found is not None else None

        assert name(Front.shell, "wang") == "wang"
        assert name(Front.slack, "U0LILY") == "lily" and name(Front.slack, "U0ADMIN") == "admin"
        assert name(Front.telegram, "1002") == "wang" and name(Front.telegram, "1001") == "lily"
        assert name(Front.slack, "lily") is None  # a name is not a Slack id
        assert name(Front.shell, "U0LILY") is None  # nor a Slack id a shell name
        assert name(Front.telegram, "U0LILY") is None and name(Front.slack, "1001") is None
        assert name(Front.slack, "U0NOBODY") is None


def test_a_changed_user_is_kept_on_commit_only(store: Store) -> None:
    people(store)
    with store() as uow:
        lily = uow.users.get("lily")
        assert lily is not None
        lily.roles = lily.roles | {Role.admin}
        lily.language = "zh"
    with store() as uow:
        lily = uow.users.get("lily")
        assert lily is not None and lily.roles == {Role.sales} and lily.language == "en"
        lily.roles = lily.roles | {Role.admin}
        lily.slack_id = "U0NEW"
        uow.commit()
    with store(readonly=True) as uow:
        lily = uow.users.get("lily")
        assert lily is not None and lily.roles == {Role.sales, Role.admin}
        found = uow.users.by_identity(Front.slack, "U0NEW")
        assert found is not None and found.name == "lily" and uow.users.by_identity(Front.slack, "U0LILY") is None
