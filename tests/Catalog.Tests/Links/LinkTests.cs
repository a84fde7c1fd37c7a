using System.Net;
using System.Net.Http.Json;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Links;
using Marketplace.Catalog.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests.Links;

public sealed class LinkTests(MarketplaceFactory factory) : IClassFixture<MarketplaceFactory>
{
    [Fact]
    public async Task The_owner_replaces_a_products_links_and_shoppers_list_them_by_kind()
    {
        var seller = await IdentityFlows.CreateSellerAsync(factory.CreateClient(), "Link owner");
        var category = await CatalogArrange.CategoryAsync(factory);
        var phone = await CatalogArrange.ProductAsync(factory, category, "Phone", ownerSellerId: seller.SellerId);
        var cover = await CatalogArrange.ProductAsync(factory, category, "Cover");
        var rival = await CatalogArrange.ProductAsync(factory, category, "Rival phone");
        var owner = factory.CreateClient(seller.MemberAccessToken);

        var replaced = await owner.PutAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/products/{phone.Id}/links", new ReplaceLinksRequest(
            [new ProductLinkDto(cover.Id, LinkKind.Accessory), new ProductLinkDto(rival.Id, LinkKind.Comparable), new ProductLinkDto(rival.Id, LinkKind.Substitute)]));
        Assert.Equal(HttpStatusCode.NoContent, replaced.StatusCode);

        var all = await factory.CreateClient().GetFromJsonAsync<List<LinkedProductResponse>>($"/api/v1/products/{phone.Id}/links");
        Assert.Equal(3, all!.Count);
        var accessories = await factory.CreateClient().GetFromJsonAsync<List<LinkedProductResponse>>($"/api/v1/products/{phone.Id}/links?kind=Accessory");
        Assert.Equal("Cover", Assert.Single(accessories!).Title);

        (await owner.PutAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/products/{phone.Id}/links", new ReplaceLinksRequest([]))).EnsureSuccessStatusCode();
        Assert.Empty((await factory.CreateClient().GetFromJsonAsync<List<LinkedProductResponse>>($"/api/v1/products/{phone.Id}/links"))!);
    }

    [Fact]
    public async Task A_seller_cannot_link_another_sellers_product()
    {
        var owner = await IdentityFlows.CreateSellerAsync(factory.CreateClient(), "Owner");
        var intruder = await IdentityFlows.CreateSellerAsync(factory.CreateClient(), "Intruder");
        var category = await CatalogArrange.CategoryAsync(factory);
        var product = await CatalogArrange.ProductAsync(factory, category, "Owned", ownerSellerId: owner.SellerId);
        var other = await CatalogArrange.ProductAsync(factory, category, "Other");
        var body = new ReplaceLinksRequest([new ProductLinkDto(other.Id, LinkKind.Related)]);
        var client = factory.CreateClient(intruder.MemberAccessToken);

        var viaOwnSellerRoute = await client.PutAsJsonAsync($"/api/v1/sellers/{intruder.SellerId}/products/{product.Id}/links", body);
        var viaOwnersRoute = await client.PutAsJsonAsync($"/api/v1/sellers/{owner.SellerId}/products/{product.Id}/links", body);
        var anonymous = await factory.CreateClient().PutAsJsonAsync($"/api/v1/sellers/{owner.SellerId}/products/{product.Id}/links", body);

        await viaOwnSellerRoute.AssertProblemAsync(HttpStatusCode.NotFound);
        await viaOwnersRoute.AssertProblemAsync(HttpStatusCode.Forbidden);
        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, await LinkCountAsync(product.Id));
    }

    [Fact]
    public async Task Another_sellers_links_are_refused_before_the_body_is_read_so_a_bad_body_learns_nothing()
    {
        var owner = await IdentityFlows.CreateSellerAsync(factory.CreateClient(), "Owner");
        var intruder = await IdentityFlows.CreateSellerAsync(factory.CreateClient(), "Intruder");
        var category = await CatalogArrange.CategoryAsync(factory);
        var product = await CatalogArrange.ProductAsync(factory, category, "Owned", ownerSellerId: owner.SellerId);
        var client = factory.CreateClient(intruder.MemberAccessToken);

        // A body that binds but fails validation: the owner would get 400 naming links[0].productId.
        var response = await client.PutAsync(
            $"/api/v1/sellers/{owner.SellerId}/products/{product.Id}/links",
            new StringContent($$"""{"links":[{"productId":"{{Guid.Empty}}","kind":"Related"}]}""", System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.False(problem.TryGetProperty("errors", out _), $"The refusal describes the body: {problem}");
        Assert.Equal(0, await LinkCountAsync(product.Id));
    }

    [Theory]
    [InlineData("""{"links":[{"productId":"SELF","kind":"Related"}]}""", "links")]
    [InlineData("""{"links":[{"productId":"UNKNOWN","kind":"Related"}]}""", "links[0].productId")]
    [InlineData("""{"links":[{"productId":"OTHER","kind":"Cousin"}]}""", "links")]
    [InlineData("""{"links":"none"}""", "links")]
    [InlineData("""{"links":[{"productId":"OTHER","kind":"Related"},{"productId":"OTHER","kind":"Related"}]}""", "links")]
    public async Task Bad_links_are_refused_naming_the_field_and_the_old_links_stay(string template, string field)
    {
        var seller = await IdentityFlows.CreateSellerAsync(factory.CreateClient(), "Validator");
        var category = await CatalogArrange.CategoryAsync(factory);
        var product = await CatalogArrange.ProductAsync(factory, category, "Linked", ownerSellerId: seller.SellerId);
        var other = await CatalogArrange.ProductAsync(factory, category, "Other");
        var owner = factory.CreateClient(seller.MemberAccessToken);
        (await owner.PutAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/products/{product.Id}/links", new ReplaceLinksRequest([new ProductLinkDto(other.Id, LinkKind.Related)]))).EnsureSuccessStatusCode();

        var body = template.Replace("SELF", product.Id.ToString()).Replace("UNKNOWN", Guid.NewGuid().ToString()).Replace("OTHER", other.Id.ToString());
        var response = await owner.PutAsync($"/api/v1/sellers/{seller.SellerId}/products/{product.Id}/links", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertValidationProblemAsync(field);
        Assert.Equal(1, await LinkCountAsync(product.Id));
    }

    [Fact]
    public async Task A_new_seller_reaches_the_catalog_through_its_registration_event()
    {
        var seller = await IdentityFlows.CreateSellerAsync(factory.CreateClient(), "Evented seller");
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        SellerProfile? profile = null;
        while (profile is null && DateTime.UtcNow < deadline)
        {
            profile = await db.Sellers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == seller.SellerId);
            await Task.Delay(100);
        }

        Assert.Equal("Evented seller", profile?.Name);
    }

    private async Task<int> LinkCountAsync(Guid productId)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CatalogDbContext>().ProductLinks.CountAsync(l => l.ProductId == productId);
    }
}
