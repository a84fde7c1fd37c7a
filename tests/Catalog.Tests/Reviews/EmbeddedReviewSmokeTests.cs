using System.Net;
using System.Net.Http.Json;
using Marketplace.Catalog.Compare;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Links;
using Marketplace.Catalog.Reviews;
using Marketplace.Platform.Paging;
using Marketplace.TestSupport;

namespace Marketplace.Catalog.Tests.Reviews;

/// <summary>Reviews, links and compare on the embedded profile (SQLite, in-memory bus).</summary>
public sealed class EmbeddedReviewSmokeTests(EmbeddedMarketplaceFactory factory) : IClassFixture<EmbeddedMarketplaceFactory>
{
    [Fact]
    public async Task Reviews_links_and_compare_work_on_sqlite()
    {
        var client = factory.CreateClient();
        var seller = await IdentityFlows.CreateSellerAsync(client, "Embedded seller");
        var category = await CatalogArrange.CategoryAsync(factory, new AttributeDefinition { Code = "size", Name = "Size", Type = AttributeType.Number });
        var a = await CatalogArrange.ProductAsync(factory, category, "A", new() { ["size"] = "1" }, seller.SellerId);
        var b = await CatalogArrange.ProductAsync(factory, category, "B", new() { ["size"] = "2" });

        for (var i = 0; i < 3; i++)
        {
            var customer = await IdentityFlows.RegisterCustomerAsync(client);
            var created = await factory.CreateClient(customer.AccessToken).PostAsJsonAsync($"/api/v1/products/{a.Id}/reviews", new ReviewRequest(i + 3, $"r{i}"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var first = await client.GetFromJsonAsync<Page<ReviewResponse>>($"/api/v1/products/{a.Id}/reviews?limit=2");
        var second = await client.GetFromJsonAsync<Page<ReviewResponse>>($"/api/v1/products/{a.Id}/reviews?limit=2&cursor={first!.NextCursor}");
        Assert.Equal(["r2", "r1", "r0"], first.Items.Concat(second!.Items).Select(r => r.Text));
        Assert.Null(second.NextCursor);

        var linked = await factory.CreateClient(seller.MemberAccessToken).PutAsJsonAsync(
            $"/api/v1/sellers/{seller.SellerId}/products/{a.Id}/links", new ReplaceLinksRequest([new ProductLinkDto(b.Id, LinkKind.Comparable)]));
        Assert.Equal(HttpStatusCode.NoContent, linked.StatusCode);
        Assert.Single((await client.GetFromJsonAsync<List<LinkedProductResponse>>($"/api/v1/products/{a.Id}/links"))!);

        var table = await client.GetFromJsonAsync<CompareResponse>($"/api/v1/products/compare?ids={a.Id}&ids={b.Id}");
        Assert.Equal(["1", "2"], Assert.Single(table!.Rows).Values);
    }
}
