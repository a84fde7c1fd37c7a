using System.Diagnostics;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Popularity;
using Marketplace.Catalog.Seeding;
using Marketplace.Platform.Hosting;
using Xunit.Abstractions;

namespace Marketplace.Catalog.Tests.Seeding;

public sealed class DemoCatalogTests(ITestOutputHelper output)
{
    private static DemoCatalog Generate(int skus, int seed = 42) => new(new SeedOptions { Skus = skus, Seed = seed }, "EUR");

    [Fact]
    public void The_same_seed_generates_the_same_products_with_the_same_ids()
    {
        var first = Generate(3_000).Products().Take(50).ToList();
        var second = Generate(3_000).Products().Take(50).ToList();

        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Product.Id, second[i].Product.Id);
            Assert.Equal(first[i].Product.Title, second[i].Product.Title);
            Assert.Equal(first[i].Product.MinPrice, second[i].Product.MinPrice);
            Assert.Equal(first[i].Product.Skus.Select(s => (s.Id, s.Gtin)), second[i].Product.Skus.Select(s => (s.Id, s.Gtin)));
            Assert.Equal(first[i].Offers.Select(o => (o.Id, o.SellerId, o.Price, o.Stock)), second[i].Offers.Select(o => (o.Id, o.SellerId, o.Price, o.Stock)));
            Assert.Equal(first[i].Reviews.Select(r => (r.Id, r.Rating)), second[i].Reviews.Select(r => (r.Id, r.Rating)));
        }
    }

    /// <summary>
    /// Seeded scores are on the deployment's half-life: read back with it, a product's score gives the same views
    /// whatever the half-life, so views counted later add to it on one scale.
    /// </summary>
    [Fact]
    public void Seeded_popularity_is_on_the_configured_half_life()
    {
        var threeDays = TimeSpan.FromDays(3);
        var byDefault = Generate(500).Products().Take(20).ToList();
        var configured = new DemoCatalog(new SeedOptions { Skus = 500, Seed = 42 }, "EUR", threeDays).Products().Take(20).ToList();

        for (var i = 0; i < byDefault.Count; i++)
        {
            var views = PopularityScore.WeightAt(byDefault[i].Product.Popularity, DemoCatalog.Epoch, PopularityScore.DefaultHalfLife);
            Assert.True(views > 0);
            Assert.Equal(views, PopularityScore.WeightAt(configured[i].Product.Popularity, DemoCatalog.Epoch, threeDays), 6);
            Assert.NotEqual(byDefault[i].Product.Popularity, configured[i].Product.Popularity);
        }
    }

    [Fact]
    public void A_larger_catalog_starts_with_the_same_products_and_a_different_seed_gives_different_ones()
    {
        var small = Generate(500).Products().Take(20).Select(p => (p.Product.Id, p.Product.Title)).ToList();
        var large = Generate(5_000).Products().Take(20).Select(p => (p.Product.Id, p.Product.Title)).ToList();
        var other = Generate(500, seed: 7).Products().Take(20).Select(p => (p.Product.Id, p.Product.Title)).ToList();

        Assert.Equal(small, large);
        Assert.Empty(small.Intersect(other));
    }

    [Fact]
    public void The_catalog_has_exactly_the_requested_skus_with_one_to_four_per_product()
    {
        var catalog = Generate(2_345);
        var products = catalog.Products().ToList();

        Assert.Equal(2_345, products.Sum(p => p.Product.Skus.Count));
        Assert.Equal(2_345, catalog.SkuCount);
        Assert.All(products, p => Assert.InRange(p.Product.Skus.Count, 1, 4));
        Assert.Equal(products.Count, products.Select(p => p.Product.Id).Distinct().Count());
        var skus = products.SelectMany(p => p.Product.Skus).ToList();
        Assert.Equal(skus.Count, skus.Select(s => s.Code).Distinct().Count());
        Assert.Equal(skus.Count, skus.Select(s => s.Gtin).Distinct().Count());
    }

    [Fact]
    public void Every_gtin_is_thirteen_digits_with_a_valid_check_digit()
    {
        var gtins = Generate(1_000).Products().SelectMany(p => p.Product.Skus).Select(s => s.Gtin!).ToList();

        Assert.All(gtins, gtin =>
        {
            Assert.Matches("^2[0-9]{12}$", gtin);
            var sum = gtin.Select((c, i) => (c - '0') * (i % 2 == 0 ? 1 : 3)).Sum();
            Assert.Equal(0, sum % 10);
        });
        // Known GS1 example: 400638133393 has check digit 1.
        Assert.Equal('1', Catalog.Products.ProductContent.GtinCheckDigit("400638133393"));
    }

    [Fact]
    public void Variants_of_a_product_differ_by_their_attributes()
    {
        foreach (var item in Generate(2_000).Products())
        {
            var variants = item.Product.Skus.Select(s => string.Join(",", s.Attributes.OrderBy(a => a.Key).Select(a => $"{a.Key}={a.Value}"))).ToList();
            Assert.Equal(variants.Count, variants.Distinct().Count());
            Assert.All(item.Product.Skus, s => Assert.NotEmpty(s.Attributes));
        }
    }

    [Fact]
    public void The_listing_summary_matches_the_offers()
    {
        var products = Generate(3_000).Products().ToList();

        foreach (var item in products)
        {
            DemoCatalogAssertions.SummaryMatchesOffers(item.Product, item.Offers);
            Assert.Equal(item.Offers.Count, item.Offers.Select(o => (o.SellerId, o.SkuId)).Distinct().Count());
        }

        Assert.Contains(products, p => p.Offers.Count > 0 && !p.Product.InStock);
        Assert.Contains(products, p => p.Offers.Select(o => o.SkuId).Distinct().Any(sku => p.Offers.Count(o => o.SkuId == sku) >= 3));
    }

    [Fact]
    public void Rating_aggregates_count_only_published_reviews()
    {
        var products = Generate(3_000).Products().ToList();

        foreach (var item in products)
        {
            DemoCatalogAssertions.RatingsMatchReviews(item.Product, item.Reviews);
        }

        Assert.Contains(products, p => p.Reviews.Any(r => r.Status == ReviewStatus.Hidden));
    }

    [Fact]
    public void The_tree_has_three_levels_and_about_fifty_leaves_with_typed_attributes()
    {
        var catalog = Generate(100);
        var leaves = catalog.Categories.Where(c => c.Depth == 2).ToList();

        Assert.Equal([0, 1, 2], catalog.Categories.Select(c => c.Depth).Distinct().Order());
        Assert.InRange(leaves.Count, 45, 60);
        Assert.All(leaves, leaf => Assert.NotEmpty(leaf.Attributes));
        Assert.Equal(catalog.Categories.Count, catalog.Categories.Select(c => c.Path).Distinct().Count());
        var types = leaves.SelectMany(l => l.Attributes).Select(a => a.Type).Distinct().ToList();
        Assert.Contains(AttributeType.Enum, types);
        Assert.Contains(AttributeType.Number, types);
        Assert.Contains(AttributeType.Boolean, types);
        Assert.All(leaves.SelectMany(l => l.Attributes).Where(a => a.Type == AttributeType.Number), a => Assert.False(string.IsNullOrEmpty(a.Unit)));
    }

    [Fact]
    public void Demo_sellers_have_the_ids_identity_gives_its_demo_sellers()
    {
        var sellers = Generate(100).Sellers;

        Assert.Equal(DemoIds.Seller(1), sellers[0].Id);
        Assert.Equal("Northwind Traders", sellers[0].Name);
        Assert.Equal(sellers.Count, sellers.Select(s => s.Id).Distinct().Count());
    }

    [Fact]
    public void Links_point_at_other_existing_products()
    {
        var catalog = Generate(2_000);
        var products = catalog.Products().ToList();
        var ids = products.Select(p => p.Product.Id).ToHashSet();
        var links = products.SelectMany(p => p.Links).ToList();

        Assert.NotEmpty(links);
        Assert.All(links, l => Assert.Contains(l.LinkedProductId, ids));
        Assert.All(links, l => Assert.NotEqual(l.ProductId, l.LinkedProductId));
        Assert.Equal(4, links.Select(l => l.Kind).Distinct().Count());
    }

    [Fact]
    public void Generating_a_hundred_thousand_skus_takes_seconds()
    {
        var clock = Stopwatch.StartNew();
        var catalog = Generate(100_000);
        long rows = 0;
        foreach (var item in catalog.Products())
        {
            rows += 1 + item.Product.Skus.Count + item.Offers.Count + item.Reviews.Count + item.Links.Count;
        }

        output.WriteLine($"{rows:N0} rows in {clock.Elapsed.TotalSeconds:F2} s ({rows / clock.Elapsed.TotalSeconds:N0} rows/s)");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Generating took {clock.Elapsed}.");
    }
}

internal static class DemoCatalogAssertions
{
    public static void SummaryMatchesOffers(Product product, IReadOnlyCollection<Offer> offers)
    {
        var inStock = offers.Where(o => o.Stock > 0).ToList();
        var expected = inStock.Count > 0 ? inStock.Min(o => o.Price) : offers.Count > 0 ? offers.Min(o => o.Price) : (decimal?)null;
        Assert.Equal(expected, product.MinPrice);
        Assert.Equal(inStock.Count > 0, product.InStock);
        Assert.Equal(offers.Count, product.OfferCount);
        Assert.Equal(offers.Count > 0 ? "EUR" : null, product.Currency);
    }

    public static void RatingsMatchReviews(Product product, IReadOnlyCollection<Review> reviews)
    {
        var published = reviews.Where(r => r.Status == ReviewStatus.Published).ToList();
        Assert.Equal(published.Count, product.RatingCount);
        Assert.Equal(published.Count == 0 ? 0 : published.Average(r => r.Rating), product.RatingAverage, 9);
    }
}
