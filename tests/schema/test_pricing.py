"""Price offers: the rules, what search indexes, and the labels users see."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests.helpers import call_action

from ckanext.scn.logic import pricing
from tests.schema import factories
from tests.schema.factories import subscription

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def create(clean_db, clean_index, as_sysadmin):
    org = call_action("organization_create", context=dict(as_sysadmin), **factories.OSLO_KOMMUNE)
    counter = iter(range(1000))

    def _create(pricing=None, **overrides):
        data = factories.dataset(owner_org=org["id"], name=f"dataset-{next(counter)}", **overrides)
        if pricing is not None:
            data["pricing"] = pricing
        return call_action("package_create", context=dict(as_sysadmin), **data)
    return _create


def offer_errors(create, offer) -> dict:
    with pytest.raises(tk.ValidationError) as error:
        create(pricing=[offer])
    return error.value.error_dict["pricing"][0]


class TestOfferRules:
    def test_no_offers_means_free(self, create):
        shown = create()
        assert shown.get("pricing", []) == []
        assert call_action("package_search", fq="is_free:true")["count"] == 1

    def test_free_offer_without_amount(self, create):
        shown = create(pricing=[{"price_model": "free"}])
        assert shown["pricing"][0]["price_model"] == "free"
        assert shown["pricing"][0]["currency"] == "NOK"

    def test_free_offer_with_amount_is_refused(self, create):
        errors = offer_errors(create, {"price_model": "free", "amount": 10})
        assert "A free offer has no amount" in errors["amount"][0]

    @pytest.mark.parametrize("model", ["one_time", "subscription", "pay_per_use", "freemium"])
    def test_paid_offer_needs_an_amount(self, create, model):
        errors = offer_errors(create, {"price_model": model, "billing_period": "month", "unit": "call",
                                       "free_quota": "100"})
        assert "Missing amount" in errors["amount"][0]

    def test_on_request_needs_no_amount(self, create):
        shown = create(pricing=[{"price_model": "on_request", "terms_url": "https://example.no/kontakt"}])
        assert shown["pricing"][0].get("amount") is None

    @pytest.mark.parametrize("amount", [-1, "-0.01"])
    def test_negative_amount_is_refused(self, create, amount):
        assert "negative" in offer_errors(create, subscription(amount=amount))["amount"][0]

    @pytest.mark.parametrize("amount", ["tusen", "12kr", "NaN", True])
    def test_non_numeric_amount_is_refused(self, create, amount):
        assert "Not a number" in offer_errors(create, subscription(amount=amount))["amount"][0]

    def test_amount_in_norwegian_notation(self, create):
        shown = create(pricing=[subscription(amount="1 200,50")])
        assert shown["pricing"][0]["amount"] == 1200.5

    def test_unknown_currency_is_refused(self, create):
        assert "Unknown currency" in offer_errors(create, subscription(currency="XYZ"))["currency"][0]

    def test_currency_defaults_to_nok_and_accepts_lowercase(self, create):
        shown = create(pricing=[subscription(currency=""), subscription(currency="eur")])
        assert [o["currency"] for o in shown["pricing"]] == ["NOK", "EUR"]

    def test_subscription_needs_a_period(self, create):
        errors = offer_errors(create, subscription(billing_period=""))
        assert "billing_period" in errors

    def test_unknown_period_is_refused(self, create):
        assert "billing_period" in offer_errors(create, subscription(billing_period="fortnight"))

    def test_pay_per_use_needs_a_unit(self, create):
        errors = offer_errors(create, {"price_model": "pay_per_use", "amount": "0.5"})
        assert "unit" in errors

    def test_freemium_needs_a_free_quota(self, create):
        errors = offer_errors(create, {"price_model": "freemium", "amount": 990, "billing_period": "month"})
        assert "free_quota" in errors

    def test_unknown_price_model_is_refused(self, create):
        assert "price_model" in offer_errors(create, {"price_model": "barter"})

    def test_invalid_terms_url_is_refused(self, create):
        assert "terms_url" in offer_errors(create, subscription(terms_url="ftp://example.no"))

    def test_vat_flag_is_a_boolean(self, create):
        shown = create(pricing=[subscription(vat_included="true")])
        assert shown["pricing"][0]["vat_included"] is True


class TestPriceSearch:
    @pytest.fixture
    def catalogue(self, create):
        create(title_translated={"nb": "Gratis"})
        create(title_translated={"nb": "Billig"}, pricing=[subscription(amount=500)])
        create(title_translated={"nb": "Dyr"}, pricing=[subscription(amount=5000)])
        create(title_translated={"nb": "Per kall"},
               pricing=[{"price_model": "pay_per_use", "amount": "0.25", "unit": "call"}])
        create(title_translated={"nb": "Spør"}, pricing=[{"price_model": "on_request"}])
        create(title_translated={"nb": "Euro"}, pricing=[subscription(amount=10, currency="EUR")])

    def titles(self, **params):
        return sorted(d["title"] for d in call_action("package_search", rows=50, **params)["results"])

    @pytest.mark.usefixtures("catalogue")
    def test_free_filter(self):
        assert self.titles(fq="is_free:true") == ["Gratis"]
        assert len(self.titles(fq="is_free:false")) == 5

    @pytest.mark.usefixtures("catalogue")
    def test_price_range_filter(self):
        assert self.titles(fq="min_price_nok:[0 TO 1000]") == ["Billig", "Gratis", "Per kall"]
        assert self.titles(fq="min_price_nok:[1000 TO *]") == ["Dyr"]

    @pytest.mark.usefixtures("catalogue")
    def test_price_model_facet_counts(self):
        result = call_action("package_search", **{"facet.field": '["price_models", "is_free"]'})
        models = result["facets"]["price_models"]
        assert models == {"free": 1, "subscription": 3, "pay_per_use": 1, "on_request": 1}
        assert result["facets"]["is_free"] == {"true": 1, "false": 5}


class TestLabels:
    @pytest.mark.parametrize("offer, lang, label", [
        ({"price_model": "free"}, "nb", "Gratis"),
        (subscription(), "nb", "Abonnement: 1\u00a0200 kr/mnd eks. mva"),
        (subscription(), "en", "Subscription: NOK 1,200/month excl. VAT"),
        ({"price_model": "on_request"}, "nb", "Pris på forespørsel"),
        ({"price_model": "on_request"}, "nn", "Pris på førespurnad"),
        ({"price_model": "pay_per_use", "amount": 0.5, "unit": "1000_calls", "currency": "NOK"}, "nb",
         "Betal per bruk: 0,50 kr per 1 000 kall"),
        ({"price_model": "one_time", "amount": 5000, "currency": "EUR", "vat_included": True}, "nb",
         "Engangspris: 5\u00a0000 EUR inkl. mva"),
        ({"price_model": "freemium", "amount": 990, "currency": "NOK", "billing_period": "month",
          "free_quota": "10 000 kall/mnd"}, "nb", "Gratis med tillegg: 10 000 kall/mnd gratis, deretter 990 kr"),
    ])
    def test_offer_label(self, offer, lang, label):
        assert pricing.offer_label(offer, lang) == label

    def test_summary_is_the_cheapest_offer(self):
        dataset = {"pricing": [subscription(amount=5000), subscription(amount=1200)]}
        assert pricing.summary_label(dataset, "nb") == "Abonnement: 1\u00a0200 kr/mnd eks. mva"

    def test_summary_of_a_dataset_without_offers(self):
        assert pricing.summary_label({}, "en") == "Free"
