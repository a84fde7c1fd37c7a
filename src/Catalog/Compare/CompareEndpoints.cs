using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Compare;

/// <summary>Products side by side.</summary>
/// <param name="Products">The compared products, in the order asked for.</param>
/// <param name="Rows">One row per attribute any of them carries; <c>Values[i]</c> belongs to <c>Products[i]</c> (null when it lacks it).</param>
/// <param name="Differing">Codes of the rows whose values differ between products, for a "show differences" toggle.</param>
public sealed record CompareResponse(IReadOnlyList<ComparedProductSummary> Products, IReadOnlyList<CompareRowDto> Rows, IReadOnlyList<string> Differing);

/// <summary>The headline facts of one compared product.</summary>
/// <param name="ProductId">Product id.</param>
/// <param name="Title">Title.</param>
/// <param name="Brand">Brand name.</param>
/// <param name="MinPrice">Lowest offer price.</param>
/// <param name="Currency">Currency of the price.</param>
/// <param name="RatingAverage">Average stars.</param>
/// <param name="RatingCount">Number of ratings.</param>
/// <param name="InStock">Whether any offer has stock.</param>
public sealed record ComparedProductSummary(Guid ProductId, string Title, string? Brand, decimal? MinPrice, string? Currency, double RatingAverage, int RatingCount, bool InStock);

/// <summary>One attribute across the compared products.</summary>
/// <param name="Code">Attribute code.</param>
/// <param name="Name">Display name from the category's definition (the code when undefined).</param>
/// <param name="Unit">Unit, if any.</param>
/// <param name="Values">Value per product, null where a product lacks the attribute.</param>
public sealed record CompareRowDto(string Code, string Name, string? Unit, IReadOnlyList<string?> Values);

internal static class CompareEndpoints
{
    public static RouteGroupBuilder MapCompare(this RouteGroupBuilder api)
    {
        api.MapGet("/products/compare", CompareProducts).WithTags("Products").WithName("CompareProducts")
            .WithSummary("Put 2 to N products side by side as an attribute table (ids=a&ids=b…)");
        return api;
    }

    private static async Task<Results<Ok<CompareResponse>, ValidationProblem>> CompareProducts(
        Guid[]? ids, CatalogDbContext db, IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        var wanted = (ids ?? []).Distinct().ToList();
        var max = options.Value.MaxCompareProducts;
        if (wanted.Count < 2 || wanted.Count > max)
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("ids", $"Compare 2 to {max} distinct products."));
        }

        var products = await db.Products.AsNoTracking().Where(p => wanted.Contains(p.Id)).ToListAsync(cancellationToken);
        var missing = wanted.FirstOrDefault(id => products.All(p => p.Id != id));
        if (missing != Guid.Empty)
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("ids", $"No product has the id {missing}."));
        }

        var ordered = wanted.Select(id => products.Single(p => p.Id == id)).ToList();
        var categoryIds = ordered.Select(p => p.CategoryId).Distinct().ToList();
        var definitions = (await db.AttributeDefinitions.AsNoTracking().Where(a => categoryIds.Contains(a.CategoryId)).ToListAsync(cancellationToken))
            .GroupBy(a => a.Code, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        var codes = ordered.SelectMany(p => p.Attributes.Keys).Distinct(StringComparer.Ordinal)
            .OrderBy(code => definitions.TryGetValue(code, out var d) ? d.Name : code, StringComparer.Ordinal)
            .ToList();
        var rows = codes.Select(code => new CompareRowDto(
            code,
            definitions.TryGetValue(code, out var definition) ? definition.Name : code,
            definition?.Unit,
            ordered.Select(p => p.Attributes.TryGetValue(code, out var value) ? value : null).ToList())).ToList();
        var differing = rows.Where(r => r.Values.Distinct(StringComparer.Ordinal).Count() > 1).Select(r => r.Code).ToList();
        var summaries = ordered.Select(p => new ComparedProductSummary(p.Id, p.Title, p.BrandName, p.MinPrice, p.Currency, p.RatingAverage, p.RatingCount, p.InStock)).ToList();
        return TypedResults.Ok(new CompareResponse(summaries, rows, differing));
    }
}
