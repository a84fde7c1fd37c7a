using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Persistence;
using Marketplace.Delivery.Quotes;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Marketplace.Delivery.Tests.Shipments;

namespace Marketplace.Delivery.Tests.Quotes;

/// <summary>Quotes through the host on PostgreSQL, as checkout will use them: stored, read back, expired, purged.</summary>
public sealed class QuoteStoreTests(DeliveryFactory host) : IClassFixture<DeliveryFactory>
{
    private static readonly Guid OtherSeller = Guid.Parse("0c0c0c0c-0000-4000-8000-000000000003");

    [Fact]
    public async Task A_stored_quote_gives_checkout_the_option_at_its_quoted_price_with_what_it_was_quoted_for()
    {
        var request = Request(To("DE", "80331"), [Item(1500, quantity: 2)]);

        var quote = await QuoteAsync(request);
        var found = await LookupAsync(quote.QuoteId, Seller, "courier");

        var quoted = Assert.IsType<QuotedOptionLookup.Found>(found).Quoted;
        Assert.Equal(TestRules.Eur(8m), quoted.Option.Price);
        Assert.Equal(quote.Sellers[0].Options.Single(o => o.OptionId == "courier"), quoted.Option);
        Assert.Equal(request.Destination.PostalCode, quoted.Destination.PostalCode);
        Assert.Equal(request.Sellers[0].Items, quoted.Items);
        Assert.Equal(quote.QuotedAt + DeliveryFactory.QuoteLifetime, quoted.ExpiresAt);
        Assert.Equal(quote.ExpiresAt, quoted.ExpiresAt);
    }

    [Fact]
    public async Task Each_seller_group_gets_its_own_options()
    {
        var quote = await QuoteAsync(new DeliveryQuoteRequest("EUR", To("DE", "10115"), [
            new SellerShipment(Seller, [Item(500)]),
            new SellerShipment(OtherSeller, [Item(25_000)], new FreeDeliveryGrant("free-50", "Free from 50.00")),
        ]));

        Assert.Equal([Seller, OtherSeller], quote.Sellers.Select(s => s.SellerId));
        Assert.Equal(["courier", "van"], quote.Sellers[0].Options.Select(o => o.OptionId));
        var heavy = quote.Sellers[1];
        Assert.Equal(["van"], heavy.Options.Select(o => o.OptionId));
        Assert.Contains(heavy.Unavailable, u => u.ServiceId == "courier" && u.Reason == UnavailableReason.TooHeavy);
    }

    [Fact]
    public async Task A_quote_keeps_its_price_after_the_rules_change()
    {
        var request = Request(To("NL", "1012AB"), [Item(500)]);
        var before = await QuoteAsync(request);

        host.WriteRules(TestRules.Document(TestRules.Rules with
        {
            Rates = [.. TestRules.Rules.Rates.Select(r => r.Zone == "near" ? r with { Bands = [new Delivery.Rules.WeightBand { UpToGrams = 20_000, Price = TestRules.Eur(99m) }] } : r)],
        }));
        var now = await Eventually.ReadAsync(
            async () => (await QuoteAsync(request)).Sellers[0].Options.Single().Price,
            price => price == TestRules.Eur(99m));
        Assert.Equal(TestRules.Eur(99m), now);

        var held = Assert.IsType<QuotedOptionLookup.Found>(await LookupAsync(before.QuoteId, Seller, "courier"));
        Assert.Equal(TestRules.Eur(10m), held.Quoted.Option.Price);
        host.WriteRules(TestRules.Document());
    }

    [Fact]
    public async Task An_expired_quote_is_answered_as_expired_and_a_new_one_can_be_made()
    {
        var quote = await QuoteAsync(Request(To("DE", "80331"), [Item(500)]));

        host.Clock.Advance(DeliveryFactory.QuoteLifetime);

        var expired = Assert.IsType<QuotedOptionLookup.Expired>(await LookupAsync(quote.QuoteId, Seller, "courier"));
        Assert.Equal(quote.ExpiresAt, expired.ExpiredAt);
        var fresh = await QuoteAsync(Request(To("DE", "80331"), [Item(500)]));
        Assert.IsType<QuotedOptionLookup.Found>(await LookupAsync(fresh.QuoteId, Seller, "courier"));
    }

    [Fact]
    public async Task An_unknown_quote_seller_or_option_is_not_found_and_says_which()
    {
        var quote = await QuoteAsync(Request(To("DE", "80331"), [Item(500)]));

        var unknownQuote = Assert.IsType<QuotedOptionLookup.NotFound>(await LookupAsync(Guid.NewGuid(), Seller, "courier"));
        var unknownSeller = Assert.IsType<QuotedOptionLookup.NotFound>(await LookupAsync(quote.QuoteId, OtherSeller, "courier"));
        var unavailable = Assert.IsType<QuotedOptionLookup.NotFound>(await LookupAsync(quote.QuoteId, Seller, "van"));

        Assert.Contains("no delivery quote", unknownQuote.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(OtherSeller.ToString(), unknownSeller.Detail, StringComparison.Ordinal);
        Assert.Contains("'van'", unavailable.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_request_names_each_bad_field_and_stores_nothing()
    {
        var before = await CountQuotesAsync();

        var outcome = await host.Services.CreateScope().ServiceProvider.GetRequiredService<IDeliveryQuotes>().QuoteAsync(
            new DeliveryQuoteRequest("EUR", To("ZZ", "80331"), [new SellerShipment(Seller, [Item(0), Item(500, length: 0, dispatchDays: -1)])]),
            CancellationToken.None);

        var invalid = Assert.IsType<DeliveryQuoteOutcome.Invalid>(outcome);
        Assert.Equal(
            ["Destination.Country", "Sellers[0].Items[0].WeightGrams", "Sellers[0].Items[1].DispatchDays", "Sellers[0].Items[1].LengthMm"],
            invalid.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(before, await CountQuotesAsync());
    }

    [Fact]
    public async Task Quotes_expired_longer_than_the_retention_are_purged_and_then_unknown()
    {
        var old = await QuoteAsync(Request(To("DE", "80331"), [Item(500)]));
        host.Clock.Advance(DeliveryFactory.QuoteLifetime + TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        var recent = await QuoteAsync(Request(To("DE", "80331"), [Item(500)]));

        var purged = await host.Services.GetServices<IHostedService>().OfType<ExpiredQuotePurge>().Single().PurgeAsync(CancellationToken.None);

        Assert.True(purged >= 1);
        Assert.IsType<QuotedOptionLookup.NotFound>(await LookupAsync(old.QuoteId, Seller, "courier"));
        Assert.IsType<QuotedOptionLookup.Found>(await LookupAsync(recent.QuoteId, Seller, "courier"));
    }

    private static DeliveryQuoteRequest Request(DeliveryAddress to, IReadOnlyList<DeliveryItem> items) =>
        new("EUR", to, [new SellerShipment(Seller, items)]);

    private async Task<DeliveryQuote> QuoteAsync(DeliveryQuoteRequest request)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<IDeliveryQuotes>().QuoteAsync(request, CancellationToken.None);
        return Assert.IsType<DeliveryQuoteOutcome.Quoted>(outcome).Quote;
    }

    private async Task<QuotedOptionLookup> LookupAsync(Guid quoteId, Guid sellerId, string optionId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IDeliveryQuotes>().GetQuotedOptionsAsync([new QuotedOptionChoice(quoteId, sellerId, optionId)], CancellationToken.None))[0];
    }

    private async Task<int> CountQuotesAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DeliveryDbContext>().Quotes.CountAsync();
    }
}
