using Marketplace.Catalog.Brands;
using Marketplace.Catalog.Categories;
using Marketplace.Catalog.Compare;
using Marketplace.Catalog.Links;
using Marketplace.Catalog.ProductDetail;
using Marketplace.Catalog.Reviews;
using Marketplace.Catalog.Search;
using Marketplace.Platform.Http;
using Marketplace.Platform.Paging;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Catalog;

/// <summary>
/// The Catalog as a storefront sees it: anyone browses, searches and reads products, categories, brands, cross-links
/// and reviews; a signed-in customer writes its own reviews.
/// </summary>
internal static class StorefrontApi
{
    public static RouteGroupBuilder MapStorefrontApi(this RouteGroupBuilder api)
    {
        api.MapGet("/products", ListProducts.Handle)
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
            .WithMetadata(ProductListParameters)
            .Validate<ProductQuery>();
        api.MapGet("/products/{productId:guid}", GetProductDetail.Handle)
            .WithTags("Storefront")
            .WithName("GetProduct")
            .WithSummary("One product with its SKUs, every offer (buy box first), rating summary and cross-links")
            .WithDescription("Carries a strong ETag and Cache-Control: public; send If-None-Match to get 304 when it has not changed.")
            .Produces<ProductDetailResponse>(StatusCodes.Status200OK, "application/json");
        api.MapGet("/products/compare", CompareProducts.Handle)
            .WithTags("Products")
            .WithName("CompareProducts")
            .WithSummary("Put 2 to N products side by side as an attribute table (ids=a&ids=b…)");
        api.MapGet("/products/{productId:guid}/links", ListProductLinks.Handle)
            .WithTags("Cross-links")
            .WithName("ListProductLinks")
            .WithSummary("Products linked to this one (related, accessories, substitutes, comparable), optionally of one kind");

        var categories = api.MapGroup("/categories").WithTags("Categories");
        categories.MapGet("/", ListCategories.Handle)
            .WithName("ListCategories")
            .WithSummary("The whole category tree, ordered by path");
        categories.MapGet("/{categoryId:guid}", GetCategory.Handle)
            .WithName("GetCategory")
            .WithSummary("One category with its attribute definitions");

        api.MapGroup("/brands").WithTags("Brands")
            .MapGet("/", ListBrands.Handle)
            .WithName("ListBrands")
            .WithSummary("Every brand, by name");

        var reviews = api.MapGroup("/products/{productId:guid}/reviews").WithTags("Reviews");
        reviews.MapGet("/", ListReviews.Handle)
            .WithName("ListReviews")
            .WithSummary("Published reviews of a product, newest first (keyset-paginated)");
        reviews.MapPost("/", CreateReview.Handle)
            .WithName("CreateReview")
            .WithSummary("Review a product: one review per customer per product")
            .RequireAuthorization(MarketplaceClaims.Policies.Customer)
            .Validate<ReviewRequest>();
        reviews.MapPut("/mine", UpdateMyReview.Handle)
            .WithName("UpdateMyReview")
            .WithSummary("Change the caller's own review of a product")
            .RequireAuthorization(MarketplaceClaims.Policies.Customer)
            .Validate<ReviewRequest>();
        return api;
    }

    // ProductQuery binds itself (to name each bad field), which hides its parameters from the API explorer.
    private static readonly QueryParameterDoc[] ProductListParameters =
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
}
