using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.Popularity;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests;

/// <summary>A small storefront catalog arranged directly in the database, shared by the tests of one class.</summary>
public sealed class StorefrontCatalog
{
    public Guid Electronics { get; } = Guid.NewGuid();

    public Guid Phones { get; } = Guid.NewGuid();

    public Guid Laptops { get; } = Guid.NewGuid();

    public Guid Paging { get; } = Guid.NewGuid();

    public Guid Apple { get; } = Guid.NewGuid();

    public Guid Samsung { get; } = Guid.NewGuid();

    public Guid Google { get; } = Guid.NewGuid();

    public Guid IPhone { get; } = Guid.NewGuid();

    public Guid Galaxy { get; } = Guid.NewGuid();

    public Guid Pixel { get; } = Guid.NewGuid();

    public Guid Fairphone { get; } = Guid.NewGuid();

    public Guid MacBook { get; } = Guid.NewGuid();

    public Guid Unoffered { get; } = Guid.NewGuid();

    public Guid SellerCheap { get; } = Guid.NewGuid();

    public Guid SellerTrusted { get; } = Guid.NewGuid();

    public Guid SellerSlow { get; } = Guid.NewGuid();

    public Guid SellerEmpty { get; } = Guid.NewGuid();

    public Guid IPhoneSku { get; } = Guid.NewGuid();

    /// <summary>Offers on the iPhone: two at the same price (rating decides), one slower at that price and rating, one cheaper without stock.</summary>
    public Guid OfferCheapNoStock { get; } = Guid.NewGuid();

    public Guid OfferTrusted { get; } = Guid.NewGuid();

    public Guid OfferCheapSeller { get; } = Guid.NewGuid();

    public Guid OfferSlow { get; } = Guid.NewGuid();

    public List<Guid> PagingProducts { get; } = [];

    public const int PagingCount = 23;

    public async Task ArrangeAsync(MarketplaceFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var now = DateTimeOffset.UtcNow;
        db.Categories.AddRange(
            new Category { Id = Electronics, Name = "Electronics", Slug = "electronics", Path = "/electronics/" },
            new Category
            {
                Id = Phones, ParentId = Electronics, Name = "Phones", Slug = "phones", Path = "/electronics/phones/", Depth = 1,
                Attributes =
                [
                    new AttributeDefinition { Id = Guid.NewGuid(), CategoryId = Phones, Code = "color", Name = "Colour", Type = AttributeType.Enum, Filterable = true, AllowedValues = ["black", "blue", "red", "green"] },
                    new AttributeDefinition { Id = Guid.NewGuid(), CategoryId = Phones, Code = "storage", Name = "Storage", Type = AttributeType.Number, Unit = "GB", Filterable = true },
                ],
            },
            new Category { Id = Laptops, ParentId = Electronics, Name = "Laptops", Slug = "laptops", Path = "/electronics/laptops/", Depth = 1 },
            new Category { Id = Paging, Name = "Paging", Slug = "paging", Path = "/paging/" });
        db.Brands.AddRange(
            new Brand { Id = Apple, Name = "Apple", Slug = $"apple-{Apple:N}"[..20] },
            new Brand { Id = Samsung, Name = "Samsung", Slug = $"samsung-{Samsung:N}"[..20] },
            new Brand { Id = Google, Name = "Google", Slug = $"google-{Google:N}"[..20] });

        db.Products.AddRange(
            Phone(IPhone, "Apple iPhone 15", Apple, "Apple", "black", "128", 999m, true, 4.5, 120, 50, now.AddDays(-5), "A bright display and a long battery life."),
            Phone(Galaxy, "Samsung Galaxy S24", Samsung, "Samsung", "blue", "256", 899m, true, 4.7, 300, 80, now.AddDays(-3), "Zoom camera and a fast charger."),
            Phone(Pixel, "Google Pixel 8", Google, "Google", "red", "128", 699m, false, 4.2, 80, 20, now.AddDays(-1), "Astrophotography mode for night skies."),
            Phone(Fairphone, "Fairphone 5", null, null, "green", "256", 549m, true, 3.9, 10, 5, now.AddDays(-10), "Repairable by design."),
            new Product
            {
                Id = MacBook, OwnerSellerId = SellerTrusted, CategoryId = Laptops, CategoryPath = "/electronics/laptops/", BrandId = Apple, BrandName = "Apple",
                Title = "MacBook Air 13", DescriptionText = "Thin and light laptop.", DescriptionHtml = "<p>Thin and light laptop.</p>", AttributesText = "silver",
                Attributes = new() { ["color"] = "silver" }, CreatedAt = now.AddDays(-20), UpdatedAt = now, MinPrice = 1299m, Currency = "EUR", InStock = true,
                OfferCount = 1, RatingAverage = 4.8, RatingCount = 40, Popularity = Views(150),
            },
            new Product
            {
                Id = Unoffered, OwnerSellerId = SellerTrusted, CategoryId = Phones, CategoryPath = "/electronics/phones/", Title = "Apple iPhone prototype",
                Attributes = new() { ["color"] = "black" }, CreatedAt = now, UpdatedAt = now,
            });

        // Paging: equal popularity in groups of five and equal prices in groups of three, so ties are walked by id.
        for (var i = 0; i < PagingCount; i++)
        {
            var id = Guid.NewGuid();
            PagingProducts.Add(id);
            db.Products.Add(new Product
            {
                Id = id, OwnerSellerId = SellerTrusted, CategoryId = Paging, CategoryPath = "/paging/", Title = $"Paging widget {i}",
                CreatedAt = now.AddMinutes(-(i / 4)), UpdatedAt = now, MinPrice = 10m + (i / 3), Currency = "EUR", InStock = true, OfferCount = 1,
                RatingAverage = 3 + (i % 2), RatingCount = 1, Popularity = Views(i / 5),
            });
        }

        db.Sellers.AddRange(
            new SellerProfile { Id = SellerCheap, Name = "Cheap Seller", Rating = 3.5 },
            new SellerProfile { Id = SellerTrusted, Name = "Trusted Seller", Rating = 4.9 },
            new SellerProfile { Id = SellerSlow, Name = "Slow Seller", Rating = 4.9 },
            new SellerProfile { Id = SellerEmpty, Name = "Empty Shelves", Rating = 5 });
        db.Skus.Add(new Sku { Id = IPhoneSku, ProductId = IPhone, Code = $"IP15-{IPhoneSku:N}"[..20], Gtin = null, Attributes = new() { ["storage"] = "128" }, WeightGrams = 171, LengthMm = 147, WidthMm = 72, HeightMm = 8 });
        db.Offers.AddRange(
            Offer(OfferCheapNoStock, SellerEmpty, 899m, 0, 1),
            Offer(OfferCheapSeller, SellerCheap, 949m, 3, 1),
            Offer(OfferTrusted, SellerTrusted, 949m, 7, 2),
            Offer(OfferSlow, SellerSlow, 949m, 2, 5));
        db.ProductLinks.AddRange(
            new ProductLink { ProductId = IPhone, LinkedProductId = Galaxy, Kind = LinkKind.Comparable },
            new ProductLink { ProductId = IPhone, LinkedProductId = Pixel, Kind = LinkKind.Comparable },
            new ProductLink { ProductId = IPhone, LinkedProductId = MacBook, Kind = LinkKind.Related });
        db.Reviews.AddRange(
            new Review { Id = Guid.NewGuid(), ProductId = IPhone, CustomerId = Guid.NewGuid(), Rating = 5, Text = "Great", Status = ReviewStatus.Published, CreatedAt = now, UpdatedAt = now },
            new Review { Id = Guid.NewGuid(), ProductId = IPhone, CustomerId = Guid.NewGuid(), Rating = 4, Text = "Good", Status = ReviewStatus.Published, CreatedAt = now, UpdatedAt = now },
            new Review { Id = Guid.NewGuid(), ProductId = IPhone, CustomerId = Guid.NewGuid(), Rating = 1, Text = "Spam", Status = ReviewStatus.Hidden, CreatedAt = now, UpdatedAt = now });

        // The product row counts its published reviews per star, as ProductRatings keeps it for reviews written through the API.
        var iphone = db.Products.Local.Single(p => p.Id == IPhone);
        (iphone.RatingStars4, iphone.RatingStars5) = (1, 1);
        await db.SaveChangesAsync();

        Product Phone(Guid id, string title, Guid? brandId, string? brand, string color, string storage, decimal price, bool inStock, double rating, double popularity, int ratings, DateTimeOffset created, string description) => new()
        {
            Id = id, OwnerSellerId = SellerTrusted, CategoryId = Phones, CategoryPath = "/electronics/phones/", BrandId = brandId, BrandName = brand, Title = title,
            DescriptionText = description, DescriptionHtml = $"<p>{description}</p>", Attributes = new() { ["color"] = color, ["storage"] = storage },
            AttributesText = $"{color} {storage}GB", Images = [$"https://img.example/{id:N}.jpg"], CreatedAt = created, UpdatedAt = now, MinPrice = price, Currency = "EUR",
            InStock = inStock, OfferCount = 1, RatingAverage = rating, RatingCount = ratings, Popularity = Views(popularity),
        };

        // The stored score of a product with this many views, all made now.
        double Views(double count) => PopularityScore.Of(count, now, PopularityScore.DefaultHalfLife);

        Offer Offer(Guid id, Guid seller, decimal price, int stock, int dispatchDays) => new()
        {
            Id = id, SkuId = IPhoneSku, ProductId = IPhone, SellerId = seller, Price = price, Currency = "EUR", Stock = stock, DispatchDays = dispatchDays, UpdatedAt = now,
        };
    }
}

/// <summary>The production-profile host with the storefront catalog arranged once, and an admin for the system endpoint.</summary>
public sealed class StorefrontFactory : MarketplaceFactory
{
    public StorefrontFactory() => this.WithBootstrapAdmin();

    public StorefrontCatalog Catalog { get; } = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Settings["Catalog:PopularityFlushInterval"] = "00:00:00.300";
        await Catalog.ArrangeAsync(this);
    }
}

/// <summary>The embedded-profile host (SQLite FTS5, in-memory bus) with the same catalog.</summary>
public sealed class EmbeddedStorefrontFactory : MarketplaceFactory
{
    public EmbeddedStorefrontFactory()
        : base(TestProfile.Embedded) => this.WithBootstrapAdmin();

    public StorefrontCatalog Catalog { get; } = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Settings["Catalog:PopularityFlushInterval"] = "00:00:00.300";
        await Catalog.ArrangeAsync(this);
    }
}
