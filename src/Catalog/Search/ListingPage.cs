using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Catalog.Search;

/// <summary>
/// A rendered listing page, or the validation problem its query raised. A page is served with its products' offer state
/// as it is now (<see cref="Body"/>): the render decided which products and in what order; the live state decides the
/// price, stock and offer count shown, drops a product that is no longer offered (or no longer passes the page's price or
/// stock filter), and re-sorts a price-sorted page by the prices shown. The next page's cursor is the render's.
/// </summary>
internal sealed class ListingPage(ProductListResponse? response, ValidationProblem? problem)
{
    private Served? _served;

    public ProductListResponse? Response { get; } = response;

    public ValidationProblem? Problem { get; } = problem;

    /// <summary>Whether the page may be kept: not when search fell back to a stand-in engine.</summary>
    public bool Cacheable => Response?.SearchFallback is null;

    /// <summary>What the page costs the response cache: its JSON is about this size, and so is its object graph.</summary>
    public int EstimatedBytes => 512 + ((Response?.Items.Count ?? 0) * 512);

    /// <summary>
    /// The page's JSON with <paramref name="states"/> (one per item, in order) applied. When every state is the instance the
    /// last call was given, the bytes it wrote are returned again: a page none of whose products changed costs no serializing.
    /// </summary>
    public byte[] Body(LiveOffers[] states, ProductQuery query, Func<ProductListResponse, byte[]> serialize)
    {
        var response = Response ?? throw new InvalidOperationException("A page that raised a problem has no body.");
        var served = Volatile.Read(ref _served);
        if (served is not null && SameStates(served.States, states))
        {
            return served.Body;
        }

        var items = new List<ProductSummary>(response.Items.Count);
        for (var i = 0; i < response.Items.Count; i++)
        {
            var state = states[i];
            if (!Passes(state, query))
            {
                continue;
            }

            items.Add(response.Items[i] with { MinPrice = state.MinPrice, Currency = state.Currency, InStock = state.InStock, OfferCount = state.OfferCount });
        }

        if (query.Sort is ProductSort.PriceAsc)
        {
            items = [.. items.OrderBy(p => p.MinPrice)];
        }
        else if (query.Sort is ProductSort.PriceDesc)
        {
            items = [.. items.OrderByDescending(p => p.MinPrice)];
        }

        var body = serialize(response with { Items = items });
        Volatile.Write(ref _served, new Served(states, body));
        return body;
    }

    /// <summary>Whether a product still belongs on a page of <paramref name="query"/> by its offers: offered, and within its price and stock filters.</summary>
    private static bool Passes(LiveOffers state, ProductQuery query) =>
        state.Listed
        && (query.InStock != true || state.InStock)
        && (query.MinPrice is not { } min || state.MinPrice >= min)
        && (query.MaxPrice is not { } max || state.MinPrice <= max);

    private static bool SameStates(LiveOffers[] before, LiveOffers[] now)
    {
        if (before.Length != now.Length)
        {
            return false;
        }

        for (var i = 0; i < now.Length; i++)
        {
            if (!ReferenceEquals(before[i], now[i]))
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Served(LiveOffers[] States, byte[] Body);
}
