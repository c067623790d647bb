"""Warnings about a merchant that come from outside the sponsors app.

The alliance (outreach.alliance) registers a provider in its AppConfig.ready(): another
school's department blacklisted a merchant that looks like this one. The merchant page, the
vetting step, the entry form, the import preview and the proposal, contract and posting pages
show what the providers say; nothing here imports the app that provides them.

A provider has two functions, each a fixed number of queries:

    for_merchant(merchant) -> list[MerchantWarning]
    for_details(rows: list[dict]) -> list[list[MerchantWarning]]   # name, phone, credit_code
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MerchantWarning:
    text: str
    source: str = ""
    level: str = "warning"  # a Bootstrap alert colour: "danger" for a blacklist, "info" for a good record
    adopt_url: str = ""  # where a minister adopts it (blacklists locally); empty when not offered
    entry_id: int | None = None


@dataclass(frozen=True)
class WarningProvider:
    for_merchant: Callable
    for_details: Callable


PROVIDERS: list[WarningProvider] = []


def register_warning_provider(provider: WarningProvider) -> None:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def warnings_for(merchant) -> list[MerchantWarning]:
    if merchant is None or not getattr(merchant, "pk", None):
        return []
    return [warning for provider in PROVIDERS for warning in provider.for_merchant(merchant)]


def warnings_for_details(rows: list[dict]) -> list[list[MerchantWarning]]:
    """For merchants not saved yet (the entry form, the import preview): one list per row."""
    result: list[list[MerchantWarning]] = [[] for _ in rows]
    for provider in PROVIDERS:
        for found, more in zip(result, provider.for_details(rows), strict=True):
            found.extend(more)
    return result
