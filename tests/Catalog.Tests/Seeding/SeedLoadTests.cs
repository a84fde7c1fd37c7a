using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.Seeding;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests.Seeding;

public sealed class PostgresSeedTests(MarketplaceFactory factory) : SeedLoadTests(factory), IClassFixture<MarketplaceFactory>
{
    [Fact]
    public async Task Seeding_through_copy_puts_back_every_index_and_key_it_dropped()
    {
        await EnsureSeededAsync();
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();

        var indexes = await db.Database.SqlQuery<string>($"SELECT indexname AS \"Value\" FROM pg_indexes WHERE schemaname = 'catalog'").ToListAsync();
        var foreignKeys = await db.Database.SqlQuery<string>($"SELECT conname AS \"Value\" FROM pg_constraint WHERE contype = 'f' AND connamespace = 'catalog'::regnamespace").ToListAsync();

        Assert.Contains("pk_products", indexes);
        Assert.Contains("pk_offers", indexes);
        Assert.Contains("ix_offers_seller_id_sku_id", indexes);
        Assert.Contains("ix_skus_gtin", indexes);
        Assert.Contains("ix_products_category_id_id", indexes);
        Assert.Contains("pk_product_links", indexes);
        Assert.Contains("fk_skus_products_product_id", foreignKeys);
    }

    [Fact]
    public async Task A_seeded_product_takes_a_summary_change_that_leaves_its_indexed_columns_as_a_HOT_update()
    {
        await EnsureSeededAsync();
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();

        // The first row of the first page: the bulk load filled that page as far as the table's fillfactor lets it. A new
        // offer that is not the cheapest changes only the product's offer count, which no index holds; with room left on
        // the page, PostgreSQL writes the new version beside the old one and none of its indexes.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var updated = await db.Database.ExecuteSqlAsync($"UPDATE catalog.products SET offer_count = offer_count + 1 WHERE ctid = (SELECT min(ctid) FROM catalog.products)");
        var hot = await db.Database.SqlQuery<long>($"SELECT n_tup_hot_upd AS \"Value\" FROM pg_stat_xact_user_tables WHERE relid = 'catalog.products'::regclass").SingleAsync();
        await transaction.RollbackAsync();

        Assert.Equal(1, updated);
        Assert.Equal(1, hot);
    }

    [Fact]
    public async Task Seeding_through_copy_rebuilds_the_typo_dictionary_with_every_title_word()
    {
        await EnsureSeededAsync();
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();

        var titles = await db.Products.OrderBy(p => p.Id).Select(p => p.Title).Take(50).ToListAsync();
        var words = (await db.Database.SqlQuery<string>($"SELECT word AS \"Value\" FROM catalog.search_words").ToListAsync()).ToHashSet(StringComparer.Ordinal);

        var titleWords = titles.SelectMany(t => t.ToLowerInvariant().Split(' ')).Where(w => w.Length >= 3 && w.Any(char.IsLetter)).Distinct().ToList();
        Assert.NotEmpty(titleWords);
        Assert.All(titleWords, w => Assert.Contains(w, words));
    }
}

public sealed class SqliteSeedTests(EmbeddedMarketplaceFactory factory) : SeedLoadTests(factory), IClassFixture<EmbeddedMarketplaceFactory>;

/// <summary>A small seed through each engine's bulk path, read back through EF Core: the invariants hold in the database too.</summary>
public abstract class SeedLoadTests(MarketplaceFactory factory)
{
    private const int Skus = 2_000;
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<MarketplaceFactory, SeedResult> Seeded = [];

    protected MarketplaceFactory Factory => factory;

    protected async Task<SeedResult> EnsureSeededAsync()
    {
        await Gate.WaitAsync();
        try
        {
            // One seed per factory (xunit makes a new test class instance per test, but shares the fixture).
            if (Seeded.TryGetValue(factory, out var done))
            {
                return done;
            }

            using var client = factory.CreateClient(); // starts the host, which prepares the schema
            var result = await CatalogModule.SeedAsync(factory.Services, new SeedOptions { Skus = Skus, Seed = 42 });
            Seeded.Add(factory, result);
            return result;
        }
        finally
        {
            Gate.Release();
        }
    }

    [Fact]
    public async Task A_small_seed_loads_every_row_it_reports()
    {
        var result = await EnsureSeededAsync();
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();

        Assert.Equal(Skus, result.Skus);
        Assert.Equal(result.Skus, await db.Skus.LongCountAsync());
        Assert.Equal(result.Products, await db.Products.LongCountAsync());
        Assert.Equal(result.Offers, await db.Offers.LongCountAsync());
        Assert.Equal(result.Reviews, await db.Reviews.LongCountAsync());
        Assert.Equal(result.Links, await db.ProductLinks.LongCountAsync());
        Assert.Equal(result.Categories, await db.Categories.CountAsync());
        Assert.True(await db.AttributeDefinitions.CountAsync() > result.Categories);
        Assert.Equal(0, await db.OutboxMessages.CountAsync());
    }

    [Fact]
    public async Task Seeded_rows_read_back_as_generated()
    {
        await EnsureSeededAsync();
        var expected = new DemoCatalog(new SeedOptions { Skus = Skus, Seed = 42 }, "EUR").Product(7);
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();

        var product = await db.Products.Include(p => p.Skus).SingleAsync(p => p.Id == expected.Product.Id);

        Assert.Equal(expected.Product.Title, product.Title);
        Assert.Equal(expected.Product.Attributes, product.Attributes);
        Assert.Equal(expected.Product.CreatedAt, product.CreatedAt);
        Assert.Equal(expected.Product.MinPrice, product.MinPrice);
        Assert.Equal(expected.Product.Skus.Select(s => s.Gtin).Order(), product.Skus.Select(s => s.Gtin).Order());
        var category = await db.Categories.SingleAsync(c => c.Id == product.CategoryId);
        Assert.Equal(category.Path, product.CategoryPath);
    }

    [Fact]
    public async Task Every_seeded_listing_summary_matches_its_offers_in_the_database()
    {
        await EnsureSeededAsync();
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();

        var products = await db.Products.AsNoTracking().ToListAsync();
        var offers = (await db.Offers.AsNoTracking().ToListAsync()).ToLookup(o => o.ProductId);

        Assert.All(products, p => DemoCatalogAssertions.SummaryMatchesOffers(p, [.. offers[p.Id]]));
    }

    [Fact]
    public async Task Every_seeded_rating_matches_its_published_reviews_in_the_database()
    {
        await EnsureSeededAsync();
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();

        var products = await db.Products.AsNoTracking().ToListAsync();
        var reviews = (await db.Reviews.AsNoTracking().ToListAsync()).ToLookup(r => r.ProductId);

        Assert.All(products, p => DemoCatalogAssertions.RatingsMatchReviews(p, [.. reviews[p.Id]]));
        Assert.Contains(reviews, group => group.Any(r => r.Status == ReviewStatus.Hidden));
    }

    [Fact]
    public async Task Seeding_a_catalog_that_is_not_empty_is_refused()
    {
        await EnsureSeededAsync();

        await Assert.ThrowsAsync<CatalogNotEmptyException>(() => CatalogModule.SeedAsync(factory.Services, new SeedOptions { Skus = 10 }));
    }
}
