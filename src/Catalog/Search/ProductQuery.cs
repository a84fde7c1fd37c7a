using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using FluentValidation;
using Marketplace.Platform.Paging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search;

/// <summary>Orders a product list can come in.</summary>
internal enum ProductSort
{
    Relevance,
    PriceAsc,
    PriceDesc,
    Rating,
    Popularity,
    Newest,
}

/// <summary>Filters on one attribute: any of <see cref="Values"/>, and/or a numeric range.</summary>
internal sealed record AttributeFilter(string Code, IReadOnlyList<string> Values, decimal? Min, decimal? Max);

/// <summary>
/// A browse or search of the storefront, bound from the query string of <c>GET /api/v1/products</c>:
/// <c>q, category, brand (repeatable), minPrice, maxPrice, minRating, inStock, attr.{code} (repeatable),
/// attr.{code}.min, attr.{code}.max, sort, limit, cursor</c>, and <c>pageSize</c>, the deprecated old name of <c>limit</c>.
/// </summary>
internal sealed class ProductQuery
{
    public static readonly IReadOnlyDictionary<string, ProductSort> SortNames = new Dictionary<string, ProductSort>(StringComparer.OrdinalIgnoreCase)
    {
        ["relevance"] = ProductSort.Relevance,
        ["price_asc"] = ProductSort.PriceAsc,
        ["price_desc"] = ProductSort.PriceDesc,
        ["rating"] = ProductSort.Rating,
        ["popularity"] = ProductSort.Popularity,
        ["newest"] = ProductSort.Newest,
    };

    public string? Q { get; init; }

    public Guid? Category { get; init; }

    public IReadOnlyList<Guid> Brands { get; init; } = [];

    public decimal? MinPrice { get; init; }

    public decimal? MaxPrice { get; init; }

    public double? MinRating { get; init; }

    public bool? InStock { get; init; }

    public IReadOnlyList<AttributeFilter> Attributes { get; init; } = [];

    /// <summary>The sort as asked for; null means the default (relevance with <c>q</c>, else popularity).</summary>
    public string? SortName { get; init; }

    /// <summary>The page size as sent, in <c>limit</c> or in its deprecated alias <c>pageSize</c>; checked by the validator.</summary>
    public string? Limit { get; init; }

    /// <summary>The parameter <see cref="Limit"/> came in, so an error names what the client sent.</summary>
    public string LimitParameter { get; init; } = PagingMessages.LimitParameter;

    /// <summary>Deprecated alias of <c>limit</c>, accepted for one version: the storefront list was the only one to call it so.</summary>
    public const string PageSizeAlias = "pageSize";

    public string? Cursor { get; init; }

    private ListingPosition? _after;
    private bool _afterDecoded;

    /// <summary>
    /// The position <see cref="Cursor"/> carries, decoded and its MAC checked once for both the validator and the
    /// listing; null without a cursor or when it does not decode.
    /// </summary>
    public ListingPosition? After
    {
        get
        {
            if (!_afterDecoded)
            {
                Marketplace.Platform.Paging.Cursor.TryDecode(Cursor, out _after);
                _afterDecoded = true;
            }

            return _after;
        }
    }

    /// <summary>Whether which products a page shows, or their order, depends on offers' prices or stock (which change every second).</summary>
    public bool OrderFollowsOffers => Sort is ProductSort.PriceAsc or ProductSort.PriceDesc || MinPrice is not null || MaxPrice is not null || InStock == true;

    /// <summary>Whether any filter narrows the matched set (words and category aside); <c>inStock=false</c> narrows nothing.</summary>
    public bool HasFilters => Brands.Count > 0 || MinPrice is not null || MaxPrice is not null || MinRating is not null || InStock == true || Attributes.Count > 0;

    /// <summary>Query-string values that could not be read, by parameter name; the validator reports them.</summary>
    public Dictionary<string, string> BindingErrors { get; } = new(StringComparer.Ordinal);

    public ProductSort Sort => SortName is null
        ? (string.IsNullOrWhiteSpace(Q) ? ProductSort.Popularity : ProductSort.Relevance)
        : SortNames.GetValueOrDefault(SortName, ProductSort.Popularity);

    public static ValueTask<ProductQuery?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var query = context.Request.Query;
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var attributes = new Dictionary<string, (List<string> Values, decimal? Min, decimal? Max)>(StringComparer.Ordinal);
        foreach (var (key, values) in query)
        {
            if (!key.StartsWith("attr.", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = key[5..];
            var bound = rest.EndsWith(".min", StringComparison.OrdinalIgnoreCase) ? "min" : rest.EndsWith(".max", StringComparison.OrdinalIgnoreCase) ? "max" : null;
            var code = bound is null ? rest : rest[..^4];
            var entry = attributes.GetValueOrDefault(code, ([], null, null));
            if (bound is null)
            {
                entry.Values.AddRange(values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()));
            }
            else if (decimal.TryParse(values.ToString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
            {
                entry = bound == "min" ? (entry.Values, number, entry.Max) : (entry.Values, entry.Min, number);
            }
            else
            {
                errors[key] = "Give a number.";
            }

            attributes[code] = entry;
        }

        var limit = Text(query[PagingMessages.LimitParameter]);
        var pageSize = Text(query[PageSizeAlias]);
        if (limit is not null && pageSize is not null && limit.Trim() != pageSize.Trim())
        {
            errors[PageSizeAlias] = "pageSize is the deprecated name of limit; send limit only.";
        }

        var result = new ProductQuery
        {
            Limit = limit ?? pageSize,
            LimitParameter = limit is null && pageSize is not null ? PageSizeAlias : PagingMessages.LimitParameter,
            Q = Text(query["q"]),
            Category = Parse(query, "category", errors, s => Guid.TryParse(s, out var g) ? g : (Guid?)null),
            Brands = ParseAll(query, "brand", errors, s => Guid.TryParse(s, out var g) ? g : (Guid?)null),
            MinPrice = Parse(query, "minPrice", errors, s => decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : (decimal?)null),
            MaxPrice = Parse(query, "maxPrice", errors, s => decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : (decimal?)null),
            MinRating = Parse(query, "minRating", errors, s => double.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : (double?)null),
            InStock = Parse(query, "inStock", errors, s => bool.TryParse(s, out var b) ? b : (bool?)null),
            SortName = Text(query["sort"]),
            Cursor = Text(query["cursor"]),
            Attributes = attributes.OrderBy(a => a.Key, StringComparer.Ordinal)
                .Select(a => new AttributeFilter(a.Key, a.Value.Values.Distinct(StringComparer.Ordinal).ToList(), a.Value.Min, a.Value.Max))
                .ToList(),
        };
        foreach (var (key, message) in errors)
        {
            result.BindingErrors[key] = message;
        }

        return ValueTask.FromResult<ProductQuery?>(result);
    }

    /// <summary>
    /// A digest of everything that selects and orders the rows (not the page size), carried in the cursor so that
    /// a cursor is only accepted by the query that produced it.
    /// </summary>
    public string Fingerprint()
    {
        var text = new StringBuilder()
            .Append(Q).Append('|').Append(Category).Append('|')
            .AppendJoin(',', Brands.Order()).Append('|')
            .Append(MinPrice?.ToString(CultureInfo.InvariantCulture)).Append('|')
            .Append(MaxPrice?.ToString(CultureInfo.InvariantCulture)).Append('|')
            .Append(MinRating?.ToString("R", CultureInfo.InvariantCulture)).Append('|')
            .Append(InStock).Append('|')
            .AppendJoin(';', Attributes.Select(a => $"{a.Code}={string.Join(',', a.Values.Order(StringComparer.Ordinal))}[{a.Min}..{a.Max}]"))
            .Append('|').Append(Sort)
            .ToString();
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 8);
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static T? Parse<T>(IQueryCollection query, string name, Dictionary<string, string> errors, Func<string, T?> parse)
        where T : struct
    {
        var raw = query[name].ToString();
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var value = parse(raw.Trim());
        if (value is null)
        {
            errors[name] = $"'{raw}' is not a valid {name}.";
        }

        return value;
    }

    private static List<T> ParseAll<T>(IQueryCollection query, string name, Dictionary<string, string> errors, Func<string, T?> parse)
        where T : struct
    {
        var list = new List<T>();
        foreach (var raw in query[name].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (parse(raw) is { } value)
            {
                list.Add(value);
            }
            else
            {
                errors[name] = $"'{raw}' is not a valid {name}.";
            }
        }

        return list.Distinct().ToList();
    }
}

/// <summary>
/// Where the next page starts: the sort key and id of the last row, with the sort and query it belongs to. The JSON
/// names stay one letter because the position travels in every next-page URL.
/// </summary>
/// <param name="Sort">Sort the cursor was made for.</param>
/// <param name="QueryFingerprint">Fingerprint of the query that produced it.</param>
/// <param name="LastId">Id of the last row.</param>
/// <param name="SortNumber">Numeric sort key of the last row (price, rating, popularity, relevance).</param>
/// <param name="SortTime">Time sort key of the last row (newest), in the database's own encoding.</param>
/// <param name="Mode">How the search text matched on the first page, so later pages keep the same matched set.</param>
/// <param name="ByFallback">
/// Whether the fallback engine (PostgreSQL, while Elasticsearch is unavailable) made the page. Relevance scores of two
/// engines are not comparable, so a relevance cursor continues only on the engine that scored it.
/// </param>
/// <param name="RankedAt">The instant (UTC ticks) the first page's relevance weighed popularity at; see <see cref="SearchResult.RankedAt"/>.</param>
internal sealed record ListingPosition(
    [property: JsonPropertyName("s")] string Sort,
    [property: JsonPropertyName("h")] string QueryFingerprint,
    [property: JsonPropertyName("i")] Guid LastId,
    [property: JsonPropertyName("n")] decimal? SortNumber,
    [property: JsonPropertyName("t")] long? SortTime,
    [property: JsonPropertyName("m")] MatchMode Mode,
    [property: JsonPropertyName("f"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool ByFallback = false,
    [property: JsonPropertyName("r"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] long? RankedAt = null);

internal sealed partial class ProductQueryValidator : AbstractValidator<ProductQuery>
{
    public ProductQueryValidator(IOptions<CatalogOptions> options)
    {
        var limits = options.Value;
        RuleFor(q => q).Custom((query, context) =>
        {
            foreach (var (field, message) in query.BindingErrors)
            {
                context.AddFailure(field, message);
            }
        });
        RuleFor(q => q.Q).MaximumLength(limits.MaxSearchQueryLength).OverridePropertyName("q");
        RuleFor(q => q).Custom((query, context) =>
        {
            if (query.Limit is not null && PagingMessages.ParseLimit(query.Limit, limits.MaxPageSize, out var error) is null)
            {
                context.AddFailure(query.LimitParameter, error!);
            }
        });
        RuleFor(q => q.MinPrice).GreaterThanOrEqualTo(0).OverridePropertyName("minPrice");
        RuleFor(q => q.MaxPrice).GreaterThanOrEqualTo(q => q.MinPrice ?? 0).OverridePropertyName("maxPrice")
            .WithMessage("maxPrice must not be below minPrice (or 0).");
        RuleFor(q => q.MinRating).InclusiveBetween(0, 5).OverridePropertyName("minRating");
        RuleFor(q => q.Brands.Count).LessThanOrEqualTo(limits.MaxFilterValues).OverridePropertyName("brand");
        RuleFor(q => q.Attributes.Count).LessThanOrEqualTo(limits.MaxAttributeFilters).OverridePropertyName("attr");
        RuleForEach(q => q.Attributes).Custom((filter, context) =>
        {
            var field = $"attr.{filter.Code}";
            if (!AttributeCode().IsMatch(filter.Code))
            {
                context.AddFailure(field, "An attribute code has lower-case letters, digits and underscores, starting with a letter.");
            }
            else if (filter.Values.Count > limits.MaxFilterValues || filter.Values.Any(v => v.Length > 200))
            {
                context.AddFailure(field, $"At most {limits.MaxFilterValues} values of at most 200 characters.");
            }
            else if (filter.Min > filter.Max)
            {
                context.AddFailure(field + ".max", "The upper bound must not be below the lower bound.");
            }
        });
        RuleFor(q => q.SortName)
            .Must(s => s is null || ProductQuery.SortNames.ContainsKey(s)).OverridePropertyName("sort")
            .WithMessage($"Use one of: {string.Join(", ", ProductQuery.SortNames.Keys)}.");
        RuleFor(q => q.SortName)
            .Must((query, s) => !string.Equals(s, "relevance", StringComparison.OrdinalIgnoreCase) || !string.IsNullOrWhiteSpace(query.Q))
            .OverridePropertyName("sort").WithMessage("Sorting by relevance needs a search text (q).");
        RuleFor(q => q.Cursor)
            .Must((query, cursor) => cursor is null || (query.After is { } position
                && position.Sort == query.Sort.ToString() && position.QueryFingerprint == query.Fingerprint()))
            .OverridePropertyName(PagingMessages.CursorParameter)
            .WithMessage(PagingMessages.Cursor);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial System.Text.RegularExpressions.Regex AttributeCode();
}

internal static class ProductQueryPaging
{
    /// <summary>The page size to read; the validator has already refused one that is not a whole number in range.</summary>
    public static int PageSize(this ProductQuery query, CatalogOptions limits) =>
        query.Limit is null ? limits.DefaultPageSize : int.Parse(query.Limit.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture);
}
