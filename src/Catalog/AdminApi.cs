using Marketplace.Catalog.Brands;
using Marketplace.Catalog.Categories;
using Marketplace.Catalog.Reviews;
using Marketplace.Platform.Http;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Catalog;

/// <summary>The Catalog as staff run it: the category tree, brands, and review moderation. Every route needs an admin.</summary>
internal static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder api)
    {
        // One group carries the policy, so that no admin route can forget it.
        var admin = api.MapGroup("").RequireAuthorization(MarketplaceClaims.Policies.Admin);

        admin.MapGroup("/categories").WithTags("Categories")
            .MapPost("/", CreateCategory.Handle)
            .WithName("CreateCategory")
            .WithSummary("Create a category (admin)")
            .Validate<CreateCategoryRequest>();
        admin.MapGroup("/brands").WithTags("Brands")
            .MapPost("/", CreateBrand.Handle)
            .WithName("CreateBrand")
            .WithSummary("Create a brand (admin)")
            .Validate<CreateBrandRequest>();
        admin.MapGroup("/admin/reviews").WithTags("Reviews")
            .MapPut("/{reviewId:guid}/status", ModerateReview.Handle)
            .WithName("ModerateReview")
            .WithSummary("Publish or hide a review (admin); the product's rating follows")
            .Validate<ModerateReviewRequest>();
        return api;
    }
}
