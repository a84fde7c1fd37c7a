using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.Popularity;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Catalog.ProductDetail;

internal static class GetProductDetail
{
    public static async Task<Results<FileContentHttpResult, NotFound>> Handle(
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
