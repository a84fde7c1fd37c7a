using System.Text.Json;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Http;
using Marketplace.Platform.Paging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search;

internal static class BrowseEndpoints
{
    public static RouteGroupBuilder MapBrowse(this RouteGroupBuilder api)
    {
        api.MapGet("/products", ListProducts)
            .WithTags("Storefront")
            .WithName("ListProducts")
            .WithSummary("Browse and search listed products")
            .WithDescription(
                "One endpoint for browse and search. q: search text (title, brand, attributes, description; typo tolerant). " +
                "category: category id, descendants included. brand: brand id, repeatable. minPrice/maxPrice: storefront currency. " +
                "minRating: 0-5. inStock=true: only products with stock. attr.{code}=value (repeatable, any of), attr.{code}.min / .max: numeric range. " +
                "sort: relevance (default with q), popularity (default without), price_asc, price_desc, rating, newest. " +
                "limit: products per page, up to the configured maximum (pageSize: deprecated old name, accepted for one version). cursor: nextCursor of the previous page, with the same filters and sort. " +
                "Facets come with the first page only. Products that no seller offers are not listed.")
            .Produces<ProductListResponse>(StatusCodes.Status200OK, "application/json")
            .WithMetadata(QueryParameters)
            .Validate<ProductQuery>();
        return api;
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem>> ListProducts(
        ProductQuery query, HttpContext http, CatalogDbContext db, IProductSearch search, ListingCache cache,
        IOptions<CatalogOptions> options, IOptions<JsonOptions> json)
    {
        // A render is shared by every request for the same page, so it does not follow one request's abort.
        var rendered = await cache.GetOrRenderAsync(http.Request.Query, async () =>
        {
            var listing = await ListAsync(query, db, search, options.Value, CancellationToken.None);
            return listing.Result is Ok<ProductListResponse> ok
                ? new RenderedListing(JsonSerializer.SerializeToUtf8Bytes(ok.Value, json.Value.SerializerOptions), null)
                : new RenderedListing(null, (ValidationProblem)listing.Result);
        });
        return rendered.Problem is { } problem ? problem : TypedResults.Bytes(rendered.Body!, JsonContentType);
    }

    // ProductQuery binds itself (to name each bad field), which hides its parameters from the API explorer.
    private static readonly QueryParameterDoc[] QueryParameters =
    [
        new("q", QueryParameterType.Text, "Search text over title, brand, attributes and description; typo tolerant."),
        new("category", QueryParameterType.Uuid, "Category id; its descendants are included."),
        new("brand", QueryParameterType.Uuid, "Brand id; any of several.", Repeatable: true),
        new("minPrice", QueryParameterType.Amount, "Lowest price, storefront currency."),
        new("maxPrice", QueryParameterType.Amount, "Highest price, storefront currency."),
        new("minRating", QueryParameterType.Amount, "Lowest average rating, 0 to 5."),
        new("inStock", QueryParameterType.Flag, "true: only products some seller has in stock."),
        new("attr.{code}", QueryParameterType.Text, "Attribute value (any of several), e.g. attr.color=red.", Repeatable: true),
        new("attr.{code}.min", QueryParameterType.Amount, "Lowest value of a numeric attribute."),
        new("attr.{code}.max", QueryParameterType.Amount, "Highest value of a numeric attribute."),
        new("sort", QueryParameterType.Text, "relevance (default with q), popularity (default without), price_asc, price_desc, rating, newest."),
        new(PagingMessages.LimitParameter, QueryParameterType.WholeNumber, "Products per page, from 1 to the configured maximum; the configured default when omitted."),
        new(ProductQuery.PageSizeAlias, QueryParameterType.WholeNumber, "Deprecated: the old name of limit, accepted for one version. Sent together with a different limit, the request is refused.", Deprecated: true),
        new(PagingMessages.CursorParameter, QueryParameterType.Text, "nextCursor of the previous page; only valid with the same filters and sort."),
    ];

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

        return TypedResults.Ok(new ProductListResponse(result.Hits.Select(h => h.Product).ToList(), next, sortName, result.Fuzzy, result.Facets));
    }
}
