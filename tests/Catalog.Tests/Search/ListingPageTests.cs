using System.Text;
using Marketplace.Catalog.Search;

namespace Marketplace.Catalog.Tests.Search;

public sealed class ListingPageTests
{
    private static ProductSummary Product(string title, decimal price) =>
        new(Guid.NewGuid(), title, null, null, Guid.NewGuid(), price, "EUR", true, 1, 0, 0, null);

    private static ListingPage Page(params ProductSummary[] items) => new(new ProductListResponse(items, "next", "price_asc", false, null), null);

    private static LiveOffers Offered(decimal price, bool inStock = true, int offers = 1) => new(true, price, "EUR", inStock, offers);

    private static (byte[] Body, List<(string Title, decimal? Price, bool InStock)> Items, int Serialized) Serve(
        ListingPage page, LiveOffers[] states, ProductQuery query)
    {
        var serialized = 0;
        List<(string, decimal?, bool)> items = [];
        var body = page.Body(states, query, response =>
        {
            serialized++;
            items = [.. response.Items.Select(i => (i.Title, i.MinPrice, i.InStock))];
            return Encoding.UTF8.GetBytes(string.Join(",", response.Items.Select(i => i.Title)) + "|" + response.NextCursor);
        });
        return (body, items, serialized);
    }

    [Fact]
    public void Prices_and_stock_come_from_the_live_state_and_a_price_sorted_page_follows_them()
    {
        var page = Page(Product("a", 1m), Product("b", 2m), Product("c", 3m));

        var (body, items, _) = Serve(page, [Offered(9m), Offered(2m, inStock: false), Offered(3m)], new ProductQuery { SortName = "price_asc" });

        Assert.Equal([("b", 2m, false), ("c", 3m, true), ("a", 9m, true)], items);
        Assert.Equal("b,c,a|next", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void A_product_no_longer_offered_or_outside_the_pages_filters_is_left_out()
    {
        var page = Page(Product("a", 1m), Product("b", 2m), Product("c", 3m), Product("d", 4m));
        var query = new ProductQuery { InStock = true, MinPrice = 2m, MaxPrice = 5m };

        var (_, items, _) = Serve(page, [LiveOffers.None, Offered(2m, inStock: false), Offered(6m), Offered(4m)], query);

        Assert.Equal([("d", 4m, true)], items);
    }

    [Fact]
    public void A_page_whose_products_kept_their_state_reuses_its_bytes_and_a_changed_one_is_written_again()
    {
        var page = Page(Product("a", 1m), Product("b", 2m));
        LiveOffers[] states = [Offered(1m), Offered(2m)];
        var first = Serve(page, states, new ProductQuery());

        var again = Serve(page, [states[0], states[1]], new ProductQuery());
        var changed = Serve(page, [states[0], Offered(2m)], new ProductQuery());

        Assert.Equal(1, first.Serialized);
        Assert.Same(first.Body, again.Body);
        Assert.Equal(0, again.Serialized);
        Assert.Equal(1, changed.Serialized);
    }

    [Theory]
    [InlineData("price_asc", null, null, true)]
    [InlineData("price_desc", null, null, true)]
    [InlineData(null, true, null, true)]
    [InlineData(null, null, 5.0, true)]
    [InlineData("popularity", null, null, false)]
    [InlineData("rating", false, null, false)]
    public void A_page_whose_order_follows_the_offers_is_known_by_its_query(string? sort, bool? inStock, double? minPrice, bool follows)
    {
        var query = new ProductQuery { SortName = sort, InStock = inStock, MinPrice = (decimal?)minPrice };

        Assert.Equal(follows, query.OrderFollowsOffers);
    }
}
