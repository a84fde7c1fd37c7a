// Part of the module's registration surface: the host's seed command uses these with CatalogModule.SeedAsync.
namespace Marketplace.Catalog;

/// <summary>How large a demo marketplace to generate. The same values always give the same data, ids included.</summary>
public sealed record SeedOptions
{
    /// <summary>SKUs to generate (products have 1 to 4 each).</summary>
    public int Skus { get; init; } = 2_000;

    /// <summary>Sellers to generate; by default one per 2,000 SKUs, at least 10. Seller n has id <c>DemoIds.Seller(n)</c>.</summary>
    public int? Sellers { get; init; }

    /// <summary>The random seed: the same seed gives the same catalog.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Most SKUs one seed may ask for.</summary>
    public const int MaxSkus = 50_000_000;

    public int SellerCount => Sellers ?? Math.Clamp(Skus / 2_000, 10, 5_000);
}

/// <summary>How far a seed has come: <paramref name="Stage"/> is loading, indexing or analysing.</summary>
public sealed record SeedProgress(string Stage, long SkusWritten, long SkusTotal, long RowsWritten);

/// <summary>What a seed wrote.</summary>
public sealed record SeedResult(
    int Categories,
    int Brands,
    int Sellers,
    long Products,
    long Skus,
    long Offers,
    long Reviews,
    long Links,
    TimeSpan LoadTime,
    TimeSpan IndexTime,
    TimeSpan Elapsed)
{
    public long Rows => Categories + Brands + Sellers + Products + Skus + Offers + Reviews + Links;
}
