using FluentValidation;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Brands;

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

internal static class CreateBrand
{
    public static async Task<Results<Created<BrandResponse>, ProblemHttpResult>> Handle(CreateBrandRequest request, CatalogDbContext db, CancellationToken cancellationToken)
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
