using System.Text.Json;
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
        ProductQuery query, HttpContext http, CatalogDbContext db, IProductSearch search, ListingCache cache,
        IOptions<CatalogOptions> options, IOptions<JsonOptions> json)
    {
        // A render is shared by every request for the same page, so it does not follow one request's abort.
        var rendered = await cache.GetOrRenderAsync(http.Request.Query, async () =>
        {
            var listing = await ListAsync(query, db, search, options.Value, CancellationToken.None);
            return listing.Result is Ok<ProductListResponse> ok
                ? new RenderedListing(JsonSerializer.SerializeToUtf8Bytes(ok.Value, json.Value.SerializerOptions), null, Cacheable: ok.Value!.SearchFallback is null)
                : new RenderedListing(null, (ValidationProblem)listing.Result);
        });
        return rendered.Problem is { } problem ? problem : TypedResults.Bytes(rendered.Body!, JsonContentType);
    }

    private const string JsonContentType = "application/json; charset=utf-8";

    private static async Task<Results<Ok<ProductListResponse>, ValidationProblem>> ListAsync(
        ProductQuery query, CatalogDbContext db, IProductSearch search, CatalogOptions limits, CancellationToken cancellationToken)
    {
        CategoryScope? scope = null;
        IReadOnlyList<FilterableAttribute> facetAttributes = [];
        if (query.Category is { } categoryId)
        {
            var category = await db.Categories.AsNoTracking().Include(c => c.Attributes).FirstOrDefaultAsync(c => c.Id == categoryId, cancellationToken);
            if (category is null)
            {
                return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("category", "No category has this id."));
            }

            var isLeaf = !await db.Categories.AnyAsync(c => c.ParentId == categoryId, cancellationToken);
            scope = new CategoryScope(category.Id, category.Path, isLeaf);
            facetAttributes = category.Attributes.Where(a => a.Filterable).OrderBy(a => a.Code, StringComparer.Ordinal)
                .Select(a => new FilterableAttribute(a.Code, a.Name, a.Type == Domain.AttributeType.Number))
                .ToList();
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
        var result = await search.SearchAsync(resolved, cancellationToken);
        string? next = null;
        if (result.MoreAfter && result.Hits.Count > 0)
        {
            var last = result.Hits[^1];
            next = Cursor.Encode(new ListingPosition(
                Sort: query.Sort.ToString(), QueryFingerprint: query.Fingerprint(), LastId: last.Product.Id,
                SortNumber: last.SortNumber, SortTime: last.SortTime, Mode: result.Mode));
        }

        return TypedResults.Ok(new ProductListResponse(result.Hits.Select(h => h.Product).ToList(), next, sortName, result.Fuzzy, result.Facets, result.Fallback));
    }
}
