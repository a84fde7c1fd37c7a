using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Compare;

internal static class CompareProducts
{
    public static async Task<Results<Ok<CompareResponse>, ValidationProblem>> Handle(
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
