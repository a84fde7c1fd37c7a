using Marketplace.Catalog.Caching;
using Marketplace.Catalog.Search;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Marketplace.TestSupport;

namespace Marketplace.Catalog.Tests.Search;

public sealed class ListingStaleWhileRevalidateTests
{
    private static readonly IQueryCollection Query = new QueryCollection(new Dictionary<string, StringValues> { ["q"] = "lamp" });

    private static (ListingCache Cache, RenderedResponses Store) Create(TimeSpan ttl, TimeSpan stale, TimeSpan? offerOrderTtl = null, TimeSpan? membershipTtl = null)
    {
        var options = Options.Create(new CatalogOptions
        {
            ListingCacheTtl = ttl, ListingStaleWhileRevalidate = stale, ListingOfferOrderTtl = offerOrderTtl ?? ttl, ListingMembershipTtl = membershipTtl ?? ttl,
        });
        var store = new RenderedResponses(options);
        return (new ListingCache(store, options), store);
    }

    private static ListingPage Page(string text) => new(new ProductListResponse([], null, text, false, null), null);

    private static string Text(ListingPage page) => page.Response!.Sort;

    [Fact]
    public async Task An_expired_page_is_re_rendered_by_one_request_while_the_others_get_the_previous_render()
    {
        var (cache, store) = Create(TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(1));
        using var _ = store;
        await cache.GetOrRenderAsync(Query, false, () => Task.FromResult(Page("first")));
        await Task.Delay(120);

        var gate = new TaskCompletionSource<ListingPage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var renders = 0;
        var refreshing = cache.GetOrRenderAsync(Query, false, () => { Interlocked.Increment(ref renders); return gate.Task; });
        var meanwhile = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => cache.GetOrRenderAsync(Query, false, () => { Interlocked.Increment(ref renders); return Task.FromResult(Page("other")); })));

        Assert.False(refreshing.IsCompleted);
        Assert.All(meanwhile, page => Assert.Equal("first", Text(page)));
        gate.SetResult(Page("second"));
        Assert.Equal("second", Text(await refreshing));
        Assert.Equal("second", Text(await cache.GetOrRenderAsync(Query, false, () => Task.FromResult(Page("never")))));
        Assert.Equal(1, renders);
    }

    [Fact]
    public async Task A_new_generation_is_never_served_stale()
    {
        var (cache, store) = Create(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        using var _ = store;
        await cache.GetOrRenderAsync(Query, false, () => Task.FromResult(Page("before")));

        cache.Invalidate();

        Assert.Equal("after", Text(await cache.GetOrRenderAsync(Query, false, () => Task.FromResult(Page("after")))));
    }

    [Fact]
    public async Task Past_the_stale_window_every_request_waits_for_one_new_render()
    {
        var (cache, store) = Create(TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(30));
        using var _ = store;
        await cache.GetOrRenderAsync(Query, false, () => Task.FromResult(Page("old")));
        await Task.Delay(150);

        var gate = new TaskCompletionSource<ListingPage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var renders = 0;
        var requests = Enumerable.Range(0, 3).Select(_ => cache.GetOrRenderAsync(Query, false, () => { Interlocked.Increment(ref renders); return gate.Task; })).ToList();

        Assert.All(requests, request => Assert.False(request.IsCompleted, "A request past the stale window was answered without the new render."));
        gate.SetResult(Page("new"));
        var pages = await Task.WhenAll(requests);

        Assert.All(pages, page => Assert.Equal("new", Text(page)));
        Assert.Equal(1, renders);
    }

    [Fact]
    public async Task A_page_whose_order_follows_the_offers_is_rendered_again_after_the_shorter_time_to_live()
    {
        var (cache, store) = Create(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1), offerOrderTtl: TimeSpan.FromMilliseconds(50));
        using var _ = store;
        var priceSorted = new QueryCollection(new Dictionary<string, StringValues> { ["sort"] = "price_asc" });
        await cache.GetOrRenderAsync(priceSorted, true, () => Task.FromResult(Page("first")));
        await cache.GetOrRenderAsync(Query, false, () => Task.FromResult(Page("kept")));

        await Eventually.ReadAsync(
            () => cache.GetOrRenderAsync(priceSorted, true, () => Task.FromResult(Page("second"))), page => Text(page) == "second", TimeSpan.FromSeconds(30));

        Assert.Equal("kept", Text(await cache.GetOrRenderAsync(Query, false, () => Task.FromResult(Page("never")))));
    }

    [Fact]
    public async Task A_page_rendered_before_products_joined_the_listings_is_rendered_again_once_it_is_as_old_as_the_membership_bound()
    {
        var (cache, store) = Create(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1), membershipTtl: TimeSpan.FromMilliseconds(50));
        using var _ = store;
        await cache.GetOrRenderAsync(Query, false, () => Task.FromResult(Page("before")));

        cache.MembershipChanged();

        await Eventually.ReadAsync(
            () => cache.GetOrRenderAsync(Query, false, () => Task.FromResult(Page("after"))), page => Text(page) == "after", TimeSpan.FromSeconds(30));
        // Rendered after the join, the new page is kept for its time to live.
        Assert.Equal("after", Text(await cache.GetOrRenderAsync(Query, false, () => Task.FromResult(Page("never")))));
    }

    [Fact]
    public async Task Products_joining_the_listings_cost_a_page_no_render_within_the_membership_bound()
    {
        var (cache, store) = Create(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1), membershipTtl: TimeSpan.FromMinutes(5));
        using var _ = store;
        await cache.GetOrRenderAsync(Query, false, () => Task.FromResult(Page("kept")));

        var renders = 0;
        for (var batch = 0; batch < 20; batch++)
        {
            cache.MembershipChanged();
            await cache.GetOrRenderAsync(Query, false, () => { Interlocked.Increment(ref renders); return Task.FromResult(Page("again")); });
        }

        Assert.Equal(0, renders);
        Assert.Equal("kept", Text(await cache.GetOrRenderAsync(Query, false, () => Task.FromResult(Page("never")))));
    }
}
