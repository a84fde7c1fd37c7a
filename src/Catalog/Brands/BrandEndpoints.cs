using FluentValidation;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Http;
using Marketplace.Platform.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Brands;

/// <summary>A brand.</summary>
/// <param name="Id">Brand id.</param>
/// <param name="Name">Display name.</param>
/// <param name="Slug">URL segment.</param>
public sealed record BrandResponse(Guid Id, string Name, string Slug);

/// <summary>A new brand.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Slug">URL segment: lower-case letters, digits and dashes.</param>
public sealed record CreateBrandRequest(string Name, string Slug);

internal sealed class CreateBrandValidator : AbstractValidator<CreateBrandRequest>
{
    public CreateBrandValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
        RuleFor(r => r.Slug).NotEmpty().MaximumLength(100).Matches("^[a-z0-9]+(-[a-z0-9]+)*$")
            .WithMessage("Use lower-case letters, digits and single dashes.");
    }
}

internal static class BrandEndpoints
{
    public static RouteGroupBuilder MapBrands(this RouteGroupBuilder api)
    {
        var brands = api.MapGroup("/brands").WithTags("Brands");
        brands.MapGet("/", ListBrands).WithName("ListBrands").WithSummary("Every brand, by name");
        brands.MapPost("/", CreateBrand).WithName("CreateBrand").WithSummary("Create a brand (admin)")
            .RequireAuthorization(MarketplaceClaims.Policies.Admin).Validate<CreateBrandRequest>();
        return api;
    }

    private static async Task<Ok<List<BrandResponse>>> ListBrands(CatalogDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Brands.AsNoTracking().OrderBy(b => b.Name).Select(b => new BrandResponse(b.Id, b.Name, b.Slug)).ToListAsync(cancellationToken));

    private static async Task<Results<Created<BrandResponse>, ProblemHttpResult>> CreateBrand(CreateBrandRequest request, CatalogDbContext db, CancellationToken cancellationToken)
    {
        var brand = new Brand { Id = Guid.CreateVersion7(), Name = request.Name.Trim(), Slug = request.Slug };
        db.Brands.Add(brand);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Brand slug taken", detail: $"The brand slug '{request.Slug}' is taken.");
        }

        return TypedResults.Created($"/api/v1/brands/{brand.Id}", new BrandResponse(brand.Id, brand.Name, brand.Slug));
    }
}
