using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Catalog.Domain;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Tests.Categories;

/// <summary>The real host with an admin, browsing with the category tree it holds in memory.</summary>
public sealed class CategoryDirectoryHost : MarketplaceFactory
{
    public CategoryDirectoryHost()
    {
        this.WithBootstrapAdmin();
        // Far longer than the test: only the replica's own invalidation can bring the new tree.
        Settings["Catalog:CategoryDirectoryTtl"] = "01:00:00";
    }
}

public sealed class CategoryDirectoryTests(CategoryDirectoryHost factory) : IClassFixture<CategoryDirectoryHost>
{
    [Fact]
    public async Task A_category_created_on_this_replica_shows_at_once_and_its_parent_browses_its_subtree()
    {
        var admin = factory.CreateClient(await IdentityFlows.AdminAccessTokenAsync(factory.CreateClient()));
        var slug = $"dir-{Guid.NewGuid():N}"[..16];
        var parent = await CreatedIdAsync(await admin.PostAsJsonAsync("/api/v1/categories", new { name = "Directory parent", slug }));
        var client = factory.CreateClient();
        // The tree is read now, with the parent as a leaf.
        Assert.Empty(await ItemsAsync(client, $"/api/v1/products?category={parent}"));

        var child = await CreatedIdAsync(await admin.PostAsJsonAsync("/api/v1/categories", new { name = "Directory child", slug = slug + "-c", parentId = parent }));
        var category = await SellerCatalogArrange.WithDbAsync(factory, db => db.Categories.AsNoTracking().SingleAsync(c => c.Id == child));
        var product = await CatalogArrange.ProductAsync(factory, category, "Directory lamp");
        await CatalogArrange.WithDbAsync(factory, db => db.Products.Where(p => p.Id == product.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.MinPrice, 10m).SetProperty(p => p.Currency, "EUR").SetProperty(p => p.InStock, true)));

        Assert.Equal([product.Id], (await ItemsAsync(client, $"/api/v1/products?category={child}")).Select(i => i.GetProperty("id").GetGuid()));
        Assert.Equal([product.Id], (await ItemsAsync(client, $"/api/v1/products?category={parent}")).Select(i => i.GetProperty("id").GetGuid()));
    }

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<List<JsonElement>> ItemsAsync(HttpClient client, string url) =>
        [.. (await client.GetFromJsonAsync<JsonElement>(url)).GetProperty("items").EnumerateArray()];
}
