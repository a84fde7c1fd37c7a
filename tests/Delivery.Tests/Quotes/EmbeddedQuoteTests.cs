using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Quotes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Marketplace.Delivery.Tests.Shipments;

namespace Marketplace.Delivery.Tests.Quotes;

/// <summary>The embedded profile (SQLite): a quote is stored, read back, expires and is purged as on PostgreSQL.</summary>
public sealed class EmbeddedQuoteTests(EmbeddedDeliveryFactory host) : IClassFixture<EmbeddedDeliveryFactory>
{
    [Fact]
    public async Task On_sqlite_a_quote_is_read_back_then_expires_then_is_purged()
    {
        var quote = await WithQuotesAsync(async q => Assert.IsType<DeliveryQuoteOutcome.Quoted>(
            await q.QuoteAsync(new DeliveryQuoteRequest("EUR", To("DE", "80331"), [new SellerShipment(Seller, [Item(500)])]), CancellationToken.None)).Quote);

        Assert.IsType<QuotedOptionLookup.Found>(await WithQuotesAsync(async q => (await q.GetQuotedOptionsAsync([new QuotedOptionChoice(quote.QuoteId, Seller, "locker")], CancellationToken.None))[0]));
        host.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.IsType<QuotedOptionLookup.Expired>(await WithQuotesAsync(async q => (await q.GetQuotedOptionsAsync([new QuotedOptionChoice(quote.QuoteId, Seller, "locker")], CancellationToken.None))[0]));
        host.Clock.Advance(TimeSpan.FromDays(1));
        var purged = await host.Services.GetServices<IHostedService>().OfType<ExpiredQuotePurge>().Single().PurgeAsync(CancellationToken.None);
        Assert.Equal(1, purged);
        Assert.IsType<QuotedOptionLookup.NotFound>(await WithQuotesAsync(async q => (await q.GetQuotedOptionsAsync([new QuotedOptionChoice(quote.QuoteId, Seller, "locker")], CancellationToken.None))[0]));
    }

    private async Task<T> WithQuotesAsync<T>(Func<IDeliveryQuotes, Task<T>> act)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await act(scope.ServiceProvider.GetRequiredService<IDeliveryQuotes>());
    }
}
