using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests;

/// <summary>Puts catalog rows straight into the module's database, for tests about reading them.</summary>
internal static class CatalogArrange
{
    public static async Task<Category> CategoryAsync(MarketplaceFactory factory, params AttributeDefinition[] attributes)
    {
        var slug = $"c-{Guid.NewGuid():N}"[..12];
        var category = new Category { Id = Guid.NewGuid(), Name = slug, Slug = slug, Path = $"/{slug}/" };
        foreach (var attribute in attributes)
        {
            attribute.Id = Guid.NewGuid();
            attribute.CategoryId = category.Id;
            category.Attributes.Add(attribute);
        }

        await WithDbAsync(factory, db =>
        {
            db.Categories.Add(category);
            return Task.CompletedTask;
        });
        return category;
    }

    public static async Task<Product> ProductAsync(MarketplaceFactory factory, Category category, string title, Dictionary<string, string>? attributes = null, Guid? ownerSellerId = null)
    {
        var product = new Product
        {
            Id = Guid.NewGuid(),
            OwnerSellerId = ownerSellerId ?? Guid.NewGuid(),
            CategoryId = category.Id,
            CategoryPath = category.Path,
            Title = title,
            Attributes = attributes ?? [],
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        await WithDbAsync(factory, db =>
        {
            db.Products.Add(product);
            return Task.CompletedTask;
        });
        return product;
    }

    public static async Task WithDbAsync(MarketplaceFactory factory, Func<CatalogDbContext, Task> arrange)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        await arrange(db);
        await db.SaveChangesAsync();
    }
}
