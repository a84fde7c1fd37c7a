using System.Net;
using System.Net.Http.Json;
using Marketplace.Catalog.Categories;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests.Categories;

public sealed class CategoryTreeTests(MarketplaceFactory factory) : IClassFixture<MarketplaceFactory>
{
    [Fact]
    public async Task Category_tree_lists_children_under_their_parent_path_with_attributes()
    {
        var client = factory.CreateClient();
        var rootId = Guid.NewGuid();
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            db.Categories.Add(new Category { Id = rootId, Name = "Tree root", Slug = "tree-root", Path = "/tree-root/" });
            db.Categories.Add(new Category
            {
                Id = Guid.NewGuid(), ParentId = rootId, Name = "Leaf", Slug = "leaf", Path = "/tree-root/leaf/", Depth = 1,
                Attributes = [new AttributeDefinition { Id = Guid.NewGuid(), Code = "color", Name = "Colour", Type = AttributeType.Enum, Filterable = true, AllowedValues = ["red", "blue"] }],
            });
            await db.SaveChangesAsync();
        }

        var tree = await client.GetFromJsonAsync<List<CategoryResponse>>("/api/v1/categories");

        var leaf = Assert.Single(tree!, c => c.Path == "/tree-root/leaf/");
        Assert.Equal(rootId, leaf.ParentId);
        var color = Assert.Single(leaf.Attributes);
        Assert.Equal(["red", "blue"], color.AllowedValues);
    }

    [Fact]
    public async Task Unknown_category_is_a_problem_json_404()
    {
        var response = await factory.CreateClient().GetAsync($"/api/v1/categories/{Guid.NewGuid()}");
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
