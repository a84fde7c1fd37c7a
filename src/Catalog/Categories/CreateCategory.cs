using FluentValidation;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Http;
using Marketplace.Platform.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Categories;

/// <summary>A new category.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Slug">URL segment: lower-case letters, digits and dashes.</param>
/// <param name="ParentId">Parent category; omit for a root.</param>
/// <param name="Attributes">Attributes its products carry.</param>
public sealed record CreateCategoryRequest(string Name, string Slug, Guid? ParentId, IReadOnlyList<AttributeDefinitionDto>? Attributes);

internal sealed class CreateCategoryValidator : AbstractValidator<CreateCategoryRequest>
{
    public CreateCategoryValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
        RuleFor(r => r.Slug).NotEmpty().MaximumLength(100).Matches("^[a-z0-9]+(-[a-z0-9]+)*$")
            .WithMessage("Use lower-case letters, digits and single dashes.");
        RuleForEach(r => r.Attributes).NotNull().WithMessage("An attribute definition must not be null.").ChildRules(attribute =>
        {
            attribute.RuleFor(a => a.Code).NotEmpty().MaximumLength(64).Matches("^[a-z][a-z0-9_]*$")
                .WithMessage("Use lower-case letters, digits and underscores, starting with a letter.");
            attribute.RuleFor(a => a.Name).NotEmpty().MaximumLength(200);
            attribute.RuleFor(a => a.Type).IsInEnum();
            attribute.RuleFor(a => a.AllowedValues).NotEmpty().When(a => a.Type == AttributeType.Enum)
                .WithMessage("An enum attribute lists its allowed values.");
            attribute.RuleForEach(a => a.AllowedValues).NotEmpty().WithMessage("An allowed value must not be null or empty.");
        });
        RuleFor(r => r.Attributes).Must(a => a is null || a.Where(x => x is not null).Select(x => x.Code).Distinct().Count() == a.Count(x => x is not null))
            .WithMessage("Attribute codes must be unique within a category.");
    }
}

internal static class CreateCategory
{
    public static async Task<Results<Created<CategoryResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        CreateCategoryRequest request, CatalogDbContext db, CategoryDirectory directory, CancellationToken cancellationToken)
    {
        var path = "/";
        var depth = 0;
        if (request.ParentId is { } parentId)
        {
            var parent = await db.Categories.AsNoTracking().FirstOrDefaultAsync(c => c.Id == parentId, cancellationToken);
            if (parent is null)
            {
                return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("parentId", "No category has this id."));
            }

            path = parent.Path;
            depth = parent.Depth + 1;
        }

        var category = new Category
        {
            Id = Guid.CreateVersion7(),
            ParentId = request.ParentId,
            Name = request.Name.Trim(),
            Slug = request.Slug,
            Path = $"{path}{request.Slug}/",
            Depth = depth,
        };
        category.Attributes = (request.Attributes ?? []).Select(a => new AttributeDefinition
        {
            Id = Guid.CreateVersion7(),
            CategoryId = category.Id,
            Code = a.Code,
            Name = a.Name,
            Type = a.Type,
            Unit = a.Unit,
            Filterable = a.Filterable,
            AllowedValues = a.AllowedValues?.ToList() ?? [],
        }).ToList();
        db.Categories.Add(category);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Category already exists", detail: $"A category already exists at {category.Path}.");
        }

        // Its parent may have been a leaf until now: this replica's browses see the new tree at once.
        directory.Invalidate();

        return TypedResults.Created($"/api/v1/categories/{category.Id}", CategoryResponse.From(category));
    }
}
