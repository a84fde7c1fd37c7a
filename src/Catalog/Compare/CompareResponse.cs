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
