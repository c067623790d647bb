"""What blacklisting a merchant does to the business other apps have in progress with it.

The sponsors app cannot know contracts or proposals; an app that has business with merchants
(events) registers a consequence in its AppConfig.ready():

    from sponsors.blacklisting import Consequence, register_consequence
    register_consequence(Consequence(on_blacklist=contracts_flag, business=business_in_progress))

`on_blacklist(merchant, by)` runs inside the transaction that blacklists the merchant (it
may notify people; their e-mails go out after commit). `business(merchant)` lists, for the
merchant page, what is blocked or waiting for a decision, in a fixed number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass

CONSEQUENCES: list["Consequence"] = []


@dataclass(frozen=True)
class BusinessItem:
    title: str  # "赞助合同 WL-2026-003"
    url: str
    state: str  # what blacklisting did to it: "已冻结", "待部长决定", "部长决定保留：…"
    needs_decision: bool = False


@dataclass(frozen=True)
class Consequence:
    on_blacklist: Callable
    business: Callable


def register_consequence(consequence: Consequence) -> None:
    if consequence not in CONSEQUENCES:
        CONSEQUENCES.append(consequence)


def merchant_blacklisted(merchant, by) -> None:
    for consequence in CONSEQUENCES:
        consequence.on_blacklist(merchant, by)


def business_in_progress(merchant) -> list[BusinessItem]:
    items: list[BusinessItem] = []
    for consequence in CONSEQUENCES:
        items.extend(consequence.business(merchant))
    return items
