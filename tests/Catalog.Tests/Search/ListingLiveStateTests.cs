using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Catalog.Contracts;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Tests.Search;

/// <summary>Listing pages cached far longer than any test runs, offers arranged through the seller API, and the searches counted.</summary>
public sealed class LiveListingHost : CountedSearchHost
{
    public LiveListingHost()
    {
        // Products joining the listings (every test's own, any time) must not make pages render again during a test, and
        // neither must a stock-filtered page's shorter time to live: what it shows comes from the live state.
        Settings["Catalog:ListingMembershipTtl"] = "00:10:00";
        Settings["Catalog:ListingOfferOrderTtl"] = "00:10:00";
        this.ForOfferArrange();
    }

    /// <summary>Waits until the listing summary lists the product, so the first page rendered shows it.</summary>
    internal Task ListedAsync(Guid productId) => Eventually.ReadAsync(
        () => SellerCatalogArrange.WithDbAsync(this, db => db.Products.Where(p => p.Id == productId).Select(p => p.MinPrice != null).SingleAsync()),
        listed => listed);
}

/// <summary>
/// A cached listing page keeps its products and order, and shows their prices and stock as they are now: sellers
/// changing offers do not re-render pages, and the page never shows an offer state older than the live-state bound.
/// </summary>
public sealed class ListingLiveStateTests(LiveListingHost factory) : IClassFixture<LiveListingHost>
{
    [Fact]
    public async Task A_sellers_price_and_stock_change_shows_on_a_cached_page_without_rendering_it_again()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1, price: 10m, stock: 5))[0];
        await factory.ListedAsync(offer.ProductId);
        var client = factory.CreateClient();
        var url = $"/api/v1/products?category={offer.CategoryId}";
        var first = await FirstItemAsync(client, url);
        Assert.Equal(10m, first.GetProperty("minPrice").GetDecimal());
        var searches = factory.Counter.Searches;

        await CatalogFlows.ChangeOfferAsync(offer, price: 7.5m, stock: 0);

        var changed = await Eventually.ReadAsync(() => FirstItemAsync(client, url), item => item.GetProperty("minPrice").GetDecimal() == 7.5m);
        Assert.False(changed.GetProperty("inStock").GetBoolean());
        Assert.Equal(searches, factory.Counter.Searches);
    }

    [Fact]
    public async Task An_offer_changed_behind_the_events_back_shows_once_its_state_is_read_again()
    {
        // No event is published: only the live state's time to live brings the new price to the cached page.
        var offer = (await CatalogFlows.OffersAsync(factory, 1, price: 20m))[0];
        await factory.ListedAsync(offer.ProductId);
        var client = factory.CreateClient();
        var url = $"/api/v1/products?category={offer.CategoryId}";
        Assert.Equal(20m, (await FirstItemAsync(client, url)).GetProperty("minPrice").GetDecimal());
        var searches = factory.Counter.Searches;

        await CatalogArrange.WithDbAsync(factory, db => db.Offers.Where(o => o.Id == offer.OfferId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Price, 18m)));

        await Eventually.ReadAsync(() => FirstItemAsync(client, url), item => item.GetProperty("minPrice").GetDecimal() == 18m);
        Assert.Equal(searches, factory.Counter.Searches);
    }

    [Fact]
    public async Task A_product_nobody_offers_any_more_leaves_the_cached_page_and_a_sold_out_one_leaves_the_in_stock_page()
    {
        var offers = await CatalogFlows.OffersAsync(factory, 2, price: 30m, stock: 3);
        await factory.ListedAsync(offers[0].ProductId);
        var client = factory.CreateClient();
        var all = $"/api/v1/products?category={offers[0].CategoryId}";
        var inStock = $"{all}&inStock=true";
        Assert.Single(await ItemsAsync(client, all));
        Assert.Single(await ItemsAsync(client, inStock));
        var searches = factory.Counter.Searches;

        await CatalogFlows.ChangeOfferAsync(offers[0], stock: 0);
        await CatalogFlows.ChangeOfferAsync(offers[1], stock: 0);
        await Eventually.ReadAsync(() => ItemsAsync(client, inStock), items => items.Count == 0);
        Assert.False((await ItemsAsync(client, all)).Single().GetProperty("inStock").GetBoolean());

        await CatalogFlows.ChangeOfferAsync(offers[0], withdraw: true);
        await CatalogFlows.ChangeOfferAsync(offers[1], withdraw: true);
        await Eventually.ReadAsync(() => ItemsAsync(client, all), items => items.Count == 0);
        Assert.Equal(searches, factory.Counter.Searches);
    }

    [Fact]
    public async Task A_product_change_event_drops_cached_listing_pages()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1))[0];
        await factory.ListedAsync(offer.ProductId);
        var client = factory.CreateClient();
        var url = $"/api/v1/products?category={offer.CategoryId}";
        await FirstItemAsync(client, url);

        await CatalogArrange.WithDbAsync(factory, async db =>
        {
            await db.Products.Where(p => p.Id == offer.ProductId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Title, "Evicted lamp"));
            db.Publish(new ProductChanged(offer.ProductId, DateTimeOffset.UtcNow), TimeProvider.System);
        });

        await Eventually.ReadAsync(() => FirstItemAsync(client, url), item => item.GetProperty("title").GetString() == "Evicted lamp");
    }

    private static async Task<List<JsonElement>> ItemsAsync(HttpClient client, string url)
    {
        var page = await client.GetFromJsonAsync<JsonElement>(url);
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    private static async Task<JsonElement> FirstItemAsync(HttpClient client, string url) => (await ItemsAsync(client, url))[0];
}
