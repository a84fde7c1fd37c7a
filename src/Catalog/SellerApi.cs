using Marketplace.Catalog.Links;
using Marketplace.Catalog.Offers;
using Marketplace.Catalog.Offers.BulkUpsert;
using Marketplace.Catalog.Offers.Delete;
using Marketplace.Catalog.Offers.List;
using Marketplace.Catalog.Offers.Upsert;
using Marketplace.Catalog.Products;
using Marketplace.Catalog.Products.BulkUpsert;
using Marketplace.Catalog.Products.Create;
using Marketplace.Catalog.Products.Skus;
using Marketplace.Catalog.Products.Update;
using Marketplace.Platform.Bulk;
using Marketplace.Platform.Http;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Catalog;

/// <summary>
/// The Catalog as a seller works it: its products, SKUs, cross-links and offers, one at a time or in bulk. Every route
/// sits under <c>/sellers/{sellerId}</c>, in the one group that checks the caller acts for that seller.
/// </summary>
internal static class SellerApi
{
    private const string BulkFormats =
        "Body: JSON Lines (Content-Type application/x-ndjson, one object per line) or CSV with a header row (Content-Type text/csv). " +
        "Each row is validated on its own; the answer lists every row with its outcome (created, updated, unchanged, rejected with field and reason).";

    /// <summary>
    /// Rate-limit policy of the bulk imports (<c>RateLimits:bulk</c>): per seller, each request up to
    /// <c>Catalog:MaxBulkRows</c> rows.
    /// </summary>
    public const string BulkPolicy = "bulk";

    /// <summary>
    /// The seller a bulk request writes for, when the caller acts for it; otherwise the client, so that nobody can use
    /// up another seller's allowance.
    /// </summary>
    public static string BulkPartition(HttpContext http) =>
        Guid.TryParse(http.Request.RouteValues["sellerId"]?.ToString(), out var seller) && http.User.ActsFor(seller)
            ? $"seller:{seller}"
            : $"client:{RateLimits.ClientKey(http)}";

    public static RouteGroupBuilder MapSellerApi(this RouteGroupBuilder api)
    {
        var seller = api.MapGroup("/sellers/{sellerId:guid}")
            .RequireAuthorization(MarketplaceClaims.Policies.Seller)
            .AddEndpointFilter<SellerAccessFilter>()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        var products = seller.MapGroup("/products").WithTags("Seller products");
        products.MapPost("/", CreateProduct.Handle).WithName("CreateSellerProduct")
            .WithSummary("Create a product with its SKUs; the description HTML is sanitized")
            .Validate<CreateProductRequest>();
        products.MapPut("/{productId:guid}", UpdateProduct.Handle).WithName("UpdateSellerProduct")
            .WithSummary("Replace a product's content; send its ETag in If-Match (428 without it, 412 when it changed meanwhile)")
            .Validate<UpdateProductRequest>()
            .ProducesPreconditionProblems();
        products.MapPost("/{productId:guid}/skus", SaveSku.Add).WithName("AddSellerSku")
            .WithSummary("Add a SKU to one of the seller's products")
            .Validate<SkuRequest>();
        products.MapPut("/{productId:guid}/skus/{skuId:guid}", SaveSku.Update).WithName("UpdateSellerSku")
            .WithSummary("Change a SKU of one of the seller's products")
            .Validate<SkuRequest>();
        seller.MapPost("/products:bulk", BulkUpsertProducts.Handle).WithName("BulkUpsertSellerProducts").WithTags("Seller products")
            .WithSummary("Create or update many single-SKU products, keyed by SKU code")
            .WithDescription(BulkFormats + " Columns/fields: sku, gtin, title, categoryId, brand, description, images (CSV: separated by '|'), " +
                "weightGrams, lengthMm, widthMm, heightMm, attributes (JSON object; CSV: one column per attribute, named attr.<code>).")
            .WithMetadata(new StreamedBodyDoc("Product rows, one per line (JSON Lines) or per CSV record.", BulkReading.MediaTypes))
            .RequireRateLimiting(BulkPolicy)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        seller.MapPut("/products/{productId:guid}/links", ReplaceProductLinks.Handle).WithName("ReplaceProductLinks").WithTags("Cross-links")
            .WithSummary("Replace the cross-links of a product the seller owns")
            .Validate<ReplaceLinksRequest>();

        var offers = seller.MapGroup("/offers").WithTags("Seller offers");
        offers.MapGet("/", ListSellerOffers.Handle).WithName("ListSellerOffers")
            .WithSummary("The seller's offers, oldest first, keyset-paginated with an opaque cursor");
        offers.MapPut("/{skuId:guid}", UpsertOffer.Handle).WithName("UpsertSellerOffer")
            .WithSummary("Create or change the seller's offer (price, stock available to sell, dispatch days) on a SKU")
            .WithDescription("stock is absolute: it sets the units available to sell now, replacing the current count. Units held for " +
                "checkouts in progress are not part of it; a hold that is released (declined, abandoned, expired) adds its units back on top.")
            .Validate<UpsertOfferRequest>();
        offers.MapDelete("/{skuId:guid}", DeleteOffer.Handle).WithName("DeleteSellerOffer")
            .WithSummary("Withdraw the seller's offer on a SKU");
        seller.MapPost("/offers:bulk", BulkUpsertOffers.Handle).WithName("BulkUpsertSellerOffers").WithTags("Seller offers")
            .WithSummary("Create or update up to 100,000 offers in one request")
            .WithDescription(BulkFormats + " Columns/fields: sku or gtin, price, currency, stock, dispatchDays (optional). " +
                "Query report=rejected lists only the rejected rows.")
            .WithMetadata(new StreamedBodyDoc("Offer rows, one per line (JSON Lines) or per CSV record.", BulkReading.MediaTypes))
            .RequireRateLimiting(BulkPolicy)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }
}
