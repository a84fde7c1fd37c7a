using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.Popularity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Catalog.ProductDetail;

internal static class ProductDetailEndpoints
{
    public static RouteGroupBuilder MapProductDetail(this RouteGroupBuilder api)
    {
        api.MapGet("/products/{productId:guid}", GetProduct)
            .WithTags("Storefront")
            .WithName("GetProduct")
            .WithSummary("One product with its SKUs, every offer (buy box first), rating summary and cross-links")
            .WithDescription("Carries a strong ETag and Cache-Control: public; send If-None-Match to get 304 when it has not changed.")
            .Produces<ProductDetailResponse>(StatusCodes.Status200OK, "application/json");
        return api;
    }

    private static async Task<Results<FileContentHttpResult, NotFound>> GetProduct(
        Guid productId, HttpContext http, CatalogDbContext db, ProductDetailCache cache, ProductViews views,
        IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        var rendered = await cache.GetAsync(productId, db, cancellationToken);
        if (rendered is null)
        {
            return TypedResults.NotFound();
        }

        // A 304 is a client that already has the page: a revalidation, not another view.
        if (!IsNotModified(http.Request, rendered.ETag))
        {
            await views.CountAsync(productId, http);
        }

        http.Response.Headers.CacheControl = $"public, max-age={options.Value.ProductDetailMaxAgeSeconds}";

        // The bytes result answers If-None-Match with 304 itself when the tag matches.
        return TypedResults.Bytes(rendered.Body, "application/json; charset=utf-8", entityTag: rendered.ETag);
    }

    /// <summary>Whether the bytes result will answer 304: If-None-Match names this tag (weakly compared) or is <c>*</c>.</summary>
    private static bool IsNotModified(HttpRequest request, EntityTagHeaderValue etag) =>
        request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } tags
        && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false));
}
