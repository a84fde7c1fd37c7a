using System.Net;
using Marketplace.TestSupport;
using static Marketplace.Ordering.Tests.CheckoutFlows;

namespace Marketplace.Ordering.Tests.Checkout.Place;

public sealed class StockRaceTests(OrderingHost host) : IClassFixture<OrderingHost>
{
    [Fact]
    public Task Twenty_buyers_for_five_units_make_exactly_five_orders_and_stock_ends_at_zero() => StockRace.RunAsync(host);
}

/// <summary>The same race on the embedded profile (SQLite).</summary>
public sealed class EmbeddedStockRaceTests(EmbeddedOrderingHost host) : IClassFixture<EmbeddedOrderingHost>
{
    [Fact]
    public Task Twenty_buyers_for_five_units_make_exactly_five_orders_on_sqlite() => StockRace.RunAsync(host);
}

internal static class StockRace
{
    public static async Task RunAsync(MarketplaceFactory host)
    {
        const int units = 5;
        const int buyers = 20;
        var offers = await CatalogFlows.OffersAsync(host, 1, stock: units);
        var carts = new List<(HttpClient Cart, object Body)>();
        for (var i = 0; i < buyers; i++)
        {
            var cart = await GuestCartAsync(host, (offers[0], 1));
            carts.Add((cart, Body(await QuoteAsync(cart))));
        }

        var answers = await Task.WhenAll(carts.Select(c => CheckoutAsync(c.Cart, c.Body)));

        Assert.Equal(units, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Equal(0, await StockAsync(offers[0]));
        var list = await ListedAsync(offers[0].Seller, $"/api/v1/sellers/{offers[0].SellerId}/orders?limit=100", units);
        Assert.Equal(units, list.GetProperty("items").GetArrayLength());
    }
}
