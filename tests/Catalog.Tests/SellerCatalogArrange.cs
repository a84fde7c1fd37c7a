using System.Net.Http.Json;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests;

/// <summary>A seller with an API key, and the client that sends it.</summary>
internal sealed record SellerClient(Guid SellerId, HttpClient Client);

/// <summary>Data the seller-write tests share: a category with typed attributes, a brand, sellers and SKUs.</summary>
internal static class SellerCatalogArrange
{
    public const string PhonesPath = "/writes-phones/";

    /// <summary>Lets a test class sign up many sellers (each sign-up spends credential-endpoint permits).</summary>
    public static MarketplaceFactory ForSellerTests(this MarketplaceFactory factory)
    {
        factory.Settings["Api:CredentialAttemptsPerMinute"] = "10000";
        return factory;
    }

    public static async Task<SellerClient> SellerAsync(MarketplaceFactory factory)
    {
        var client = factory.CreateClient();
        var seller = await IdentityFlows.CreateSellerAsync(client, $"Seller {Guid.NewGuid():N}"[..20]);
        var member = factory.CreateClient(seller.MemberAccessToken);
        var key = await IdentityFlows.CreateApiKeyAsync(member, seller.SellerId);
        return new SellerClient(seller.SellerId, IdentityFlows.ClientWithApiKey(factory, key));
    }

    /// <summary>The phones category (created once per database) with number, boolean, enum and text attributes.</summary>
    public static async Task<Guid> PhonesCategoryAsync(MarketplaceFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var existing = await db.Categories.Where(c => c.Path == PhonesPath).Select(c => (Guid?)c.Id).FirstOrDefaultAsync();
        if (existing is { } id)
        {
            return id;
        }

        var category = new Category
        {
            Id = Guid.NewGuid(), Name = "Phones", Slug = "writes-phones", Path = PhonesPath,
            Attributes =
            [
                new AttributeDefinition { Id = Guid.NewGuid(), Code = "screen_size", Name = "Screen size", Type = AttributeType.Number, Unit = "in", Filterable = true },
                new AttributeDefinition { Id = Guid.NewGuid(), Code = "waterproof", Name = "Waterproof", Type = AttributeType.Boolean, Filterable = true },
                new AttributeDefinition { Id = Guid.NewGuid(), Code = "color", Name = "Colour", Type = AttributeType.Enum, Filterable = true, AllowedValues = ["black", "red"] },
                new AttributeDefinition { Id = Guid.NewGuid(), Code = "material", Name = "Material", Type = AttributeType.Text },
            ],
        };
        db.Categories.Add(category);
        db.Brands.Add(new Brand { Id = Guid.NewGuid(), Name = "Acme Mobile", Slug = "acme-mobile" });
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Another test of the class created it first.
            return await db.Categories.Where(c => c.Path == PhonesPath).Select(c => c.Id).FirstAsync();
        }

        return category.Id;
    }

    /// <summary>A valid product body with one SKU per code.</summary>
    public static object Product(Guid categoryId, string title, params string[] skuCodes) => new
    {
        title,
        categoryId,
        brand = "acme-mobile",
        description = "<p>A <b>good</b> phone</p>",
        attributes = new Dictionary<string, object> { ["screen_size"] = 6.1, ["waterproof"] = true, ["color"] = "black", ["material"] = "glass" },
        images = new[] { "https://cdn.example.com/p.jpg" },
        skus = skuCodes.Select(code => new { code, weightGrams = 180, lengthMm = 150, widthMm = 75, heightMm = 8 }).ToArray(),
    };

    /// <summary>Creates a product through the seller API and returns its id and the ids of its SKUs, by code.</summary>
    public static async Task<(Guid ProductId, Dictionary<string, Guid> Skus)> CreateProductAsync(SellerClient seller, Guid categoryId, params string[] skuCodes)
    {
        var response = await seller.Client.PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/products", Product(categoryId, $"Phone {skuCodes[0]}", skuCodes));
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return (body.GetProperty("id").GetGuid(), body.GetProperty("skus").EnumerateArray().ToDictionary(s => s.GetProperty("code").GetString()!, s => s.GetProperty("id").GetGuid()));
    }

    /// <summary>Inserts <paramref name="count"/> SKUs of one product straight into the database (fast arrangement for bulk tests).</summary>
    public static async Task<Guid> SeedSkusAsync(MarketplaceFactory factory, Guid categoryId, string prefix, int count)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var product = new Product
        {
            Id = Guid.NewGuid(), OwnerSellerId = Guid.NewGuid(), CategoryId = categoryId, CategoryPath = PhonesPath, Title = $"Bulk {prefix}",
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, Version = 1,
            Skus = Enumerable.Range(0, count).Select(i => new Sku { Id = Guid.NewGuid(), Code = $"{prefix}-{i}", WeightGrams = 1, LengthMm = 1, WidthMm = 1, HeightMm = 1 }).ToList(),
        };
        db.Products.Add(product);
        await db.SaveChangesAsync();
        return product.Id;
    }

    public static async Task<T> WithDbAsync<T>(MarketplaceFactory factory, Func<CatalogDbContext, Task<T>> query)
    {
        using var scope = factory.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<CatalogDbContext>());
    }

    /// <summary>How many offer changes of the seller were published: one per OfferChanged, one per offer of an OffersChanged.</summary>
    public static async Task<int> OfferChangedEventsAsync(MarketplaceFactory factory, Guid sellerId)
    {
        var seller = sellerId.ToString();
        var payloads = await WithDbAsync(factory, db => db.OutboxMessages
            .Where(m => (m.Type.StartsWith("Marketplace.Catalog.Contracts.OfferChanged") || m.Type.StartsWith("Marketplace.Catalog.Contracts.OffersChanged")) && m.Payload.Contains(seller))
            .Select(m => m.Payload)
            .ToListAsync());
        // Each offer in a payload names its seller once.
        return payloads.Sum(p => (p.Length - p.Replace(seller, "", StringComparison.Ordinal).Length) / seller.Length);
    }
}
