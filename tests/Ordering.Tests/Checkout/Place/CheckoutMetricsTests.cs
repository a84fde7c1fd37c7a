using System.Net;
using Marketplace.TestSupport;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Checkout.Place;

/// <summary>
/// The checkout and payment counters the checkout-and-money board and its alerts read (ops/metrics.md): each new
/// checkout counts as started, then as placed or as failed with its reason, and each payment outcome once; a repeat
/// of an Idempotency-Key counts nothing.
/// </summary>
public sealed class CheckoutMetricsTests(OrderingHost host) : IClassFixture<OrderingHost>
{
    [Fact]
    public async Task Checkouts_count_as_started_placed_or_failed_by_reason_and_payments_by_outcome()
    {
        using var checkouts = RecordedMeasurements.Of(host, "Marketplace.Ordering");
        using var payments = RecordedMeasurements.Of(host, "Marketplace.Payments");
        var offers = await CatalogFlows.OffersAsync(host, 2, stock: 2);
        var cart = await GuestCartAsync(host, (offers[0], 1));
        var quote = await QuoteAsync(cart);

        await (await CheckoutAsync(cart, Body(quote, paymentMethodId: "pm_card_chargeDeclined"))).AssertProblemAsync(HttpStatusCode.PaymentRequired);
        const string key = "metrics-placed-once";
        await Expect(await CheckoutAsync(cart, Body(quote), key), HttpStatusCode.Created);
        await Expect(await CheckoutAsync(cart, Body(quote), key), HttpStatusCode.Created);
        var tooMany = await GuestCartAsync(host, (offers[1], 2));
        var tooManyQuote = await QuoteAsync(tooMany);
        await CatalogFlows.ChangeOfferAsync(offers[1], stock: 1);
        await (await CheckoutAsync(tooMany, Body(tooManyQuote))).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(3, checkouts.Sum("marketplace.checkouts.started"));
        Assert.Equal(1, checkouts.Sum("marketplace.checkouts.placed"));
        Assert.Equal(1, checkouts.Sum("marketplace.checkouts.failed", ("reason", "payment_declined")));
        Assert.Equal(1, checkouts.Sum("marketplace.checkouts.failed", ("reason", "out_of_stock")) + checkouts.Sum("marketplace.checkouts.failed", ("reason", "price_changed")));
        Assert.Equal(1, payments.Sum("marketplace.payments.authorized"));
        Assert.Equal(1, payments.Sum("marketplace.payments.declined"));
    }
}
