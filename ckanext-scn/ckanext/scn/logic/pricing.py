"""Price offers on datasets and data services: the rules, the search values and the labels.

An offer is a dict of the ``pricing`` field (see schemas/presets.yaml). A dataset without
offers is free. Amounts are decimals in the offer's currency; ``min_price_nok`` only counts
offers priced in NOK, because the portal has no exchange rates.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

PRICE_MODELS = ("free", "freemium", "one_time", "subscription", "pay_per_use", "on_request")
PAID_MODELS_NEEDING_AMOUNT = ("freemium", "one_time", "subscription", "pay_per_use")
BILLING_PERIODS = ("day", "week", "month", "quarter", "year")
UNITS = ("call", "1000_calls", "gb", "record", "hour", "device", "user", "message")
DEFAULT_CURRENCY = "NOK"

# The offer fields each price model uses, besides price_model itself; the validators drop or
# reject the others (scn_offer_amount, scn_required_for_models), and the form shows only these.
_PRICED = ("amount", "currency", "vat_included")
_COMMON = ("description", "terms_url")
OFFER_FIELDS_BY_MODEL: dict[str, tuple[str, ...]] = {
    "free": _COMMON,
    "freemium": _PRICED + ("free_quota",) + _COMMON,
    "one_time": _PRICED + _COMMON,
    "subscription": _PRICED + ("billing_period",) + _COMMON,
    "pay_per_use": _PRICED + ("unit",) + _COMMON,
    "on_request": _PRICED + _COMMON,  # an amount is optional here ("from ...")
}

_MODEL_LABELS = {
    "free": {"nb": "Gratis", "nn": "Gratis", "en": "Free"},
    "freemium": {"nb": "Gratis med tillegg", "nn": "Gratis med tillegg", "en": "Freemium"},
    "one_time": {"nb": "Engangspris", "nn": "Eingongspris", "en": "One-time price"},
    "subscription": {"nb": "Abonnement", "nn": "Abonnement", "en": "Subscription"},
    "pay_per_use": {"nb": "Betal per bruk", "nn": "Betal per bruk", "en": "Pay per use"},
    "on_request": {"nb": "Pris på forespørsel", "nn": "Pris på førespurnad", "en": "Price on request"},
}
_PERIOD_SHORT = {
    "day": {"nb": "dag", "nn": "dag", "en": "day"},
    "week": {"nb": "uke", "nn": "veke", "en": "week"},
    "month": {"nb": "mnd", "nn": "mnd", "en": "month"},
    "quarter": {"nb": "kvartal", "nn": "kvartal", "en": "quarter"},
    "year": {"nb": "år", "nn": "år", "en": "year"},
}
_UNIT_LABELS = {
    "call": {"nb": "per kall", "nn": "per kall", "en": "per call"},
    "1000_calls": {"nb": "per 1 000 kall", "nn": "per 1 000 kall", "en": "per 1,000 calls"},
    "gb": {"nb": "per GB", "nn": "per GB", "en": "per GB"},
    "record": {"nb": "per post", "nn": "per post", "en": "per record"},
    "hour": {"nb": "per time", "nn": "per time", "en": "per hour"},
    "device": {"nb": "per enhet", "nn": "per eining", "en": "per device"},
    "user": {"nb": "per bruker", "nn": "per brukar", "en": "per user"},
    "message": {"nb": "per melding", "nn": "per melding", "en": "per message"},
}
_VAT = {
    True: {"nb": "inkl. mva", "nn": "inkl. mva", "en": "incl. VAT"},
    False: {"nb": "eks. mva", "nn": "eks. mva", "en": "excl. VAT"},
}
_FREE_QUOTA = {"nb": "{quota} gratis, deretter", "nn": "{quota} gratis, deretter", "en": "{quota} free, then"}


def parse_amount(value: Any) -> Decimal:
    """A non-negative decimal from a number or text such as ``"1 200,50"``; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(value)
    if not amount.is_finite():
        raise ValueError(value)
    return amount


def json_number(amount: Decimal) -> int | float:
    """Whole amounts as integers, others rounded to øre."""
    quantized = amount.quantize(Decimal("0.01"))
    return int(quantized) if quantized == quantized.to_integral() else float(quantized)


def offers_of(dataset: dict[str, Any]) -> list[dict[str, Any]]:
    offers = dataset.get("pricing") or []
    return [o for o in offers if isinstance(o, dict) and o.get("price_model")]


def is_free(offers: Iterable[dict[str, Any]]) -> bool:
    offers = list(offers)
    return not offers or any(o["price_model"] == "free" for o in offers)


def min_price_nok(offers: Iterable[dict[str, Any]]) -> float | None:
    """The lowest known price in NOK: 0 when free, None when no offer is priced in NOK."""
    offers = list(offers)
    if is_free(offers):
        return 0.0
    prices = [
        float(o["amount"]) for o in offers
        if o.get("amount") is not None and o.get("amount") != ""
        and (o.get("currency") or DEFAULT_CURRENCY) == "NOK"
    ]
    return min(prices) if prices else None


def index_fields(dataset: dict[str, Any]) -> dict[str, Any]:
    """The values the search index gets: ``is_free``, ``price_models``, ``min_price_nok``."""
    offers = offers_of(dataset)
    fields: dict[str, Any] = {
        "is_free": is_free(offers),
        "price_models": sorted({o["price_model"] for o in offers}) or ["free"],
    }
    lowest = min_price_nok(offers)
    if lowest is not None:
        fields["min_price_nok"] = lowest
    return fields


def _lang(lang: str | None) -> str:
    lang = (lang or "nb").split("_")[0]
    return {"no": "nb"}.get(lang, lang if lang in ("nb", "nn", "en") else "en")


def format_amount(amount: Any, currency: str, lang: str | None) -> str:
    lang = _lang(lang)
    value = parse_amount(amount)
    whole = value == value.to_integral()
    if lang == "en":
        number = f"{value:,.0f}" if whole else f"{value:,.2f}"
        return f"{currency} {number}"
    number = f"{value:,.0f}" if whole else f"{value:,.2f}"
    # Norwegian: space (non-breaking) between thousands, decimal comma.
    number = number.replace(",", "\u00a0").replace(".", ",")
    return f"{number} kr" if currency == "NOK" else f"{number} {currency}"


def model_label(model: str, lang: str | None) -> str:
    return _MODEL_LABELS.get(model, {}).get(_lang(lang), model)


def offer_label(offer: dict[str, Any], lang: str | None) -> str:
    """A one-line summary, e.g. "Abonnement: 1 200 kr/mnd eks. mva"."""
    lang = _lang(lang)
    model = offer.get("price_model", "")
    label = model_label(model, lang)
    amount = offer.get("amount")
    if model == "free" or amount in (None, ""):
        return label
    price = format_amount(amount, offer.get("currency") or DEFAULT_CURRENCY, lang)
    if model == "subscription" and offer.get("billing_period") in _PERIOD_SHORT:
        price += "/" + _PERIOD_SHORT[offer["billing_period"]][lang]
    if model == "pay_per_use" and offer.get("unit") in _UNIT_LABELS:
        price += " " + _UNIT_LABELS[offer["unit"]][lang]
    if model == "freemium" and offer.get("free_quota"):
        price = _FREE_QUOTA[lang].format(quota=offer["free_quota"]) + " " + price
    if isinstance(offer.get("vat_included"), bool):
        price += " " + _VAT[offer["vat_included"]][lang]
    return f"{label}: {price}"


def summary_label(dataset: dict[str, Any], lang: str | None) -> str:
    """The badge of a dataset: its cheapest offer, or "Gratis" when it has none."""
    offers = offers_of(dataset)
    if is_free(offers):
        return model_label("free", lang)
    if len(offers) == 1:
        return offer_label(offers[0], lang)
    priced = [o for o in offers if o.get("amount") not in (None, "")]
    cheapest = min(priced, key=lambda o: parse_amount(o["amount"])) if priced else offers[0]
    return offer_label(cheapest, lang)
