using System.Text.Json;
using Marketplace.Catalog.Categories;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Http;
using Marketplace.Platform.Paging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search;

internal static class ListProducts
{
    public static async Task<Results<FileContentHttpResult, ValidationProblem>> Handle(
        ProductQuery query, HttpContext http, CatalogDbContext db, CategoryDirectory categories, IProductSearch search, ListingCache cache, ListingLiveState live,
        BrowseFacets browseFacets, IOptions<CatalogOptions> options, IOptions<JsonOptions> json)
    {
        // A render is shared by every request for the same page, so it does not follow one request's abort.
        var page = await cache.GetOrRenderAsync(http.Request.Query, query.OrderFollowsOffers, async () =>
        {
            var listing = await ListAsync(query, db, categories, search, browseFacets, options.Value, CancellationToken.None);
            return listing.Result is Ok<ProductListResponse> ok ? new ListingPage(ok.Value, null) : new ListingPage(null, (ValidationProblem)listing.Result);
        });
        if (page.Problem is { } problem)
        {
            return problem;
        }

        var response = page.Response!;
        byte[] Serialize(ProductListResponse value) => JsonSerializer.SerializeToUtf8Bytes(value, json.Value.SerializerOptions);
        if (!cache.Enabled)
        {
            return TypedResults.Bytes(Serialize(response), JsonContentType);
        }

        var states = await live.GetAsync(response.Items.Select(p => p.Id).ToList(), db, http.RequestAborted);
        return TypedResults.Bytes(page.Body(states, query, Serialize), JsonContentType);
    }

    private const string JsonContentType = "application/json; charset=utf-8";

    private static async Task<Results<Ok<ProductListResponse>, ValidationProblem>> ListAsync(
        ProductQuery query, CatalogDbContext db, CategoryDirectory categories, IProductSearch search, BrowseFacets browseFacets, CatalogOptions limits,
        CancellationToken cancellationToken)
    {
        CategoryScope? scope = null;
        IReadOnlyList<FilterableAttribute> facetAttributes = [];
        if (query.Category is { } categoryId)
        {
            if (await categories.FindAsync(categoryId, db, cancellationToken) is not { } category)
            {
                return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("category", "No category has this id."));
            }

            scope = new CategoryScope(category.Id, category.Path, category.IsLeaf);
            facetAttributes = category.FacetAttributes;
        }

        var sortName = ProductQuery.SortNames.First(s => s.Value == query.Sort).Key;
        var terms = SearchTerms.From(query.Q, limits.MaxSearchTerms);
        if (query.Q is not null && terms.IsEmpty)
        {
            // Nothing searchable was typed (only punctuation or symbols): nothing matches.
            return TypedResults.Ok(new ProductListResponse([], null, sortName, false, null));
        }

        var after = query.After;
        var resolved = new ResolvedQuery(query, terms, scope, facetAttributes, query.PageSize(limits), after, WithFacets: after is null);
        var result = await SearchAsync(resolved, search, browseFacets, cancellationToken);
        string? next = null;
        if (result.MoreAfter && result.Hits.Count > 0)
        {
            var last = result.Hits[^1];
            next = Cursor.Encode(new ListingPosition(
                Sort: query.Sort.ToString(), QueryFingerprint: query.Fingerprint(), LastId: last.Product.Id,
                SortNumber: last.SortNumber, SortTime: last.SortTime, Mode: result.Mode, ByFallback: result.Fallback is not null,
                RankedAt: result.RankedAt));
        }

        return TypedResults.Ok(new ProductListResponse(result.Hits.Select(h => h.Product).ToList(), next, sortName, result.Fuzzy, result.Facets, result.Fallback));
    }

    /// <summary>The engine's page, with the shared facet counts of an unfiltered category browse when they are fresh enough.</summary>
    private static async Task<SearchResult> SearchAsync(ResolvedQuery query, IProductSearch search, BrowseFacets browseFacets, CancellationToken cancellationToken)
    {
        if (!BrowseFacets.Applies(query))
        {
            return await search.SearchAsync(query, cancellationToken);
        }

        if (browseFacets.Reuse(query) is { } facets)
        {
            var page = await search.SearchAsync(query with { WithFacets = false }, cancellationToken);
            return page with { Facets = facets };
        }

        var countedAt = browseFacets.CountStarts();
        var result = await search.SearchAsync(query, cancellationToken);
        // Counts from a fallback engine are not the configured engine's: they are shown, not shared.
        if (result.Facets is { } counted && result.Fallback is null)
        {
            browseFacets.Store(query, counted, countedAt);
        }

        return result;
    }
}
