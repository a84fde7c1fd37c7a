using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Tests.Products;

public sealed class SellerProductWriteTests(MarketplaceFactory factory) : IClassFixture<MarketplaceFactory>
{
    private readonly MarketplaceFactory _factory = factory.ForSellerTests();

    [Fact]
    public async Task Creating_a_product_stores_sanitized_html_its_text_and_search_fields_and_publishes_ProductChanged()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var code = $"SAN-{Guid.NewGuid():N}"[..16];

        var response = await seller.Client.PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/products", new
        {
            title = "Sanitized phone",
            categoryId,
            brand = "acme-mobile",
            description = "<p onclick=\"steal()\">Great <b>phone</b></p><script>alert(1)</script><a href=\"javascript:alert(1)\">link</a>" +
                "<iframe src=\"https://evil.example\"></iframe><div style=\"width: expression(alert(1))\">x</div>",
            attributes = new Dictionary<string, object> { ["screen_size"] = "6.10", ["waterproof"] = "TRUE", ["color"] = "Red" },
            images = new[] { "https://cdn.example.com/a.jpg" },
            skus = new[] { new { code, gtin = "4006381333931", weightGrams = 180, lengthMm = 150, widthMm = 75, heightMm = 8 } },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var html = body.GetProperty("descriptionHtml").GetString()!;
        foreach (var banned in new[] { "<script", "onclick", "javascript:", "<iframe", "expression", "style=" })
        {
            Assert.DoesNotContain(banned, html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("<b>phone</b>", html, StringComparison.Ordinal);
        Assert.Equal("Great phone link x", body.GetProperty("descriptionText").GetString());
        var productId = body.GetProperty("id").GetGuid();

        var stored = await SellerCatalogArrange.WithDbAsync(_factory, db => db.Products.AsNoTracking().SingleAsync(p => p.Id == productId));
        Assert.Equal("Acme Mobile", stored.BrandName);
        Assert.Equal(SellerCatalogArrange.PhonesPath, stored.CategoryPath);
        Assert.Equal(new Dictionary<string, string> { ["screen_size"] = "6.10", ["waterproof"] = "true", ["color"] = "red" }, stored.Attributes);
        Assert.Equal("Colour: red; Screen size: 6.10 in; Waterproof: true", stored.AttributesText);
        var events = await SellerCatalogArrange.WithDbAsync(_factory, db => db.OutboxMessages.CountAsync(m => m.Type.StartsWith("Marketplace.Catalog.Contracts.ProductChanged") && m.Payload.Contains(productId.ToString())));
        Assert.Equal(1, events);
    }

    [Fact]
    public async Task Update_with_the_current_etag_changes_the_product_and_a_stale_etag_is_refused_with_412()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var (productId, _) = await SellerCatalogArrange.CreateProductAsync(seller, categoryId, $"UPD-{Guid.NewGuid():N}"[..16]);
        var url = $"/api/v1/sellers/{seller.SellerId}/products/{productId}";
        var update = new { title = "Renamed phone", categoryId, brand = (string?)null, description = "<em>new</em>", attributes = new { color = "red" }, images = Array.Empty<string>() };

        var first = await PutAsync(seller.Client, url, update, "\"1\"");
        var stale = await PutAsync(seller.Client, url, update with { title = "Lost update" }, "\"1\"");
        var missing = await PutAsync(seller.Client, url, update, null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("\"2\"", first.Headers.ETag?.Tag);
        await stale.AssertIfMatchFailedAsync();
        await missing.AssertIfMatchRequiredAsync();
        var stored = await SellerCatalogArrange.WithDbAsync(_factory, db => db.Products.AsNoTracking().SingleAsync(p => p.Id == productId));
        Assert.Equal("Renamed phone", stored.Title);
        Assert.Null(stored.BrandName);
        Assert.Equal(2, stored.Version);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("W/\"1")]
    [InlineData("*, \"1\"")]
    public async Task Update_with_an_unreadable_if_match_gets_400_naming_it_and_changes_nothing(string ifMatch)
    {
        var (client, url, update, productId) = await ProductToUpdateAsync();

        var response = await PutAsync(client, url, update, ifMatch);

        await response.AssertIfMatchMalformedAsync();
        Assert.Equal(1, await VersionAsync(productId));
    }

    [Fact]
    public async Task Update_with_a_weak_tag_of_the_current_version_gets_412_because_if_match_compares_strongly()
    {
        var (client, url, update, productId) = await ProductToUpdateAsync();

        var response = await PutAsync(client, url, update, "W/\"1\"");

        await response.AssertIfMatchFailedAsync();
        Assert.Equal(1, await VersionAsync(productId));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("\"7\", \"1\"")]
    public async Task Update_with_a_star_or_a_list_holding_the_current_etag_changes_the_product(string ifMatch)
    {
        var (client, url, update, productId) = await ProductToUpdateAsync();

        var response = await PutAsync(client, url, update, ifMatch);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        Assert.Equal(2, await VersionAsync(productId));
    }

    [Theory]
    [InlineData("screen_size", "\"big\"", "attributes.screen_size")]
    [InlineData("waterproof", "\"maybe\"", "attributes.waterproof")]
    [InlineData("color", "\"purple\"", "attributes.color")]
    [InlineData("nope", "\"x\"", "attributes.nope")]
    [InlineData("color", "{\"nested\":1}", "attributes.color")]
    public async Task A_product_with_an_attribute_its_category_does_not_type_that_way_is_400_naming_the_attribute_and_nothing_is_written(
        string code, string json, string field)
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var body = $$"""
            {"title":"Bad attribute","categoryId":"{{categoryId}}","attributes":{"{{code}}":{{json}}},
             "skus":[{"code":"BAD-{{Guid.NewGuid():N}}","weightGrams":1,"lengthMm":1,"widthMm":1,"heightMm":1}]}
            """;

        var response = await seller.Client.PostAsync($"/api/v1/sellers/{seller.SellerId}/products", new StringContent(body, MediaTypeHeaderValue.Parse("application/json")));

        await response.AssertValidationProblemAsync(field);
        Assert.Equal(0, await SellerCatalogArrange.WithDbAsync(_factory, db => db.Products.CountAsync(p => p.OwnerSellerId == seller.SellerId)));
    }

    [Theory]
    [InlineData("gtin", "\"4006381333932\"", "skus[0].gtin")]
    [InlineData("gtin", "\"12345\"", "skus[0].gtin")]
    [InlineData("weightGrams", "-5", "skus[0].weightGrams")]
    [InlineData("heightMm", "0", "skus[0].heightMm")]
    [InlineData("weightGrams", "\"heavy\"", "weightGrams")]
    public async Task A_sku_with_a_bad_gtin_or_measure_is_400_naming_the_field_and_nothing_is_written(string property, string json, string field)
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var sku = new Dictionary<string, object> { ["code"] = $"SKU-{Guid.NewGuid():N}"[..16], ["weightGrams"] = 1, ["lengthMm"] = 1, ["widthMm"] = 1, ["heightMm"] = 1 };
        var skuJson = JsonSerializer.Serialize(sku).TrimEnd('}') + $",\"{property}\":{json}}}";
        var body = $$"""{"title":"Bad SKU","categoryId":"{{categoryId}}","skus":[{{skuJson}}]}""";

        var response = await seller.Client.PostAsync($"/api/v1/sellers/{seller.SellerId}/products", new StringContent(body, MediaTypeHeaderValue.Parse("application/json")));

        await response.AssertValidationProblemAsync(field);
        Assert.Equal(0, await SellerCatalogArrange.WithDbAsync(_factory, db => db.Products.CountAsync(p => p.OwnerSellerId == seller.SellerId)));
    }

    [Fact]
    public async Task Unknown_category_brand_or_a_non_https_image_is_400_naming_the_field()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var url = $"/api/v1/sellers/{seller.SellerId}/products";
        var sku = new[] { new { code = $"REF-{Guid.NewGuid():N}"[..16], weightGrams = 1, lengthMm = 1, widthMm = 1, heightMm = 1 } };

        await (await seller.Client.PostAsJsonAsync(url, new { title = "t", categoryId = Guid.NewGuid(), skus = sku })).AssertValidationProblemAsync("categoryId");
        await (await seller.Client.PostAsJsonAsync(url, new { title = "t", categoryId, brand = "no-such-brand", skus = sku })).AssertValidationProblemAsync("brand");
        await (await seller.Client.PostAsJsonAsync(url, new { title = "t", categoryId, images = new[] { "http://cdn.example.com/a.jpg" }, skus = sku })).AssertValidationProblemAsync("images[0]");
        Assert.Equal(0, await SellerCatalogArrange.WithDbAsync(_factory, db => db.Products.CountAsync(p => p.OwnerSellerId == seller.SellerId)));
    }

    [Fact]
    public async Task A_sku_code_that_another_product_has_is_409_and_the_second_product_is_not_written()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var code = $"DUP-{Guid.NewGuid():N}"[..16];
        await SellerCatalogArrange.CreateProductAsync(seller, categoryId, code);

        var response = await seller.Client.PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/products", SellerCatalogArrange.Product(categoryId, "Copycat", code));

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, await SellerCatalogArrange.WithDbAsync(_factory, db => db.Products.CountAsync(p => p.OwnerSellerId == seller.SellerId)));
    }

    [Fact]
    public async Task A_seller_cannot_write_in_another_sellers_name_nor_change_another_sellers_product()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var owner = await SellerCatalogArrange.SellerAsync(_factory);
        var intruder = await SellerCatalogArrange.SellerAsync(_factory);
        var (productId, skus) = await SellerCatalogArrange.CreateProductAsync(owner, categoryId, $"OWN-{Guid.NewGuid():N}"[..16]);
        var update = new { title = "Hijacked", categoryId, attributes = new { color = "red" } };

        var inOwnersName = await intruder.Client.PostAsJsonAsync($"/api/v1/sellers/{owner.SellerId}/products", SellerCatalogArrange.Product(categoryId, "Planted", $"PL-{Guid.NewGuid():N}"[..16]));
        var ownersProductViaOwnRoute = await PutAsync(intruder.Client, $"/api/v1/sellers/{intruder.SellerId}/products/{productId}", update, "\"1\"");
        var skuViaOwnRoute = await intruder.Client.PutAsJsonAsync(
            $"/api/v1/sellers/{intruder.SellerId}/products/{productId}/skus/{skus.Values.Single()}",
            new { code = "HIJACK", weightGrams = 1, lengthMm = 1, widthMm = 1, heightMm = 1 });
        var anonymous = await _factory.CreateClient().PostAsJsonAsync($"/api/v1/sellers/{owner.SellerId}/products", SellerCatalogArrange.Product(categoryId, "Anon", "ANON-1"));

        await inOwnersName.AssertProblemAsync(HttpStatusCode.Forbidden);
        await ownersProductViaOwnRoute.AssertProblemAsync(HttpStatusCode.NotFound);
        await skuViaOwnRoute.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var stored = await SellerCatalogArrange.WithDbAsync(_factory, db => db.Products.AsNoTracking().Include(p => p.Skus).SingleAsync(p => p.Id == productId));
        Assert.NotEqual("Hijacked", stored.Title);
        Assert.DoesNotContain(stored.Skus, s => s.Code == "HIJACK");
        Assert.Equal(0, await SellerCatalogArrange.WithDbAsync(_factory, db => db.Products.CountAsync(p => p.Title == "Planted")));
    }

    [Fact]
    public async Task Adding_a_sku_bumps_the_product_version_and_its_gtin_is_checked()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var (productId, _) = await SellerCatalogArrange.CreateProductAsync(seller, categoryId, $"ADD-{Guid.NewGuid():N}"[..16]);
        var url = $"/api/v1/sellers/{seller.SellerId}/products/{productId}/skus";

        var added = await seller.Client.PostAsJsonAsync(url, new { code = $"ADD2-{Guid.NewGuid():N}"[..16], gtin = "96385074", attributes = new { color = "red" }, weightGrams = 1, lengthMm = 1, widthMm = 1, heightMm = 1 });
        var badGtin = await seller.Client.PostAsJsonAsync(url, new { code = $"ADD3-{Guid.NewGuid():N}"[..16], gtin = "96385075", weightGrams = 1, lengthMm = 1, widthMm = 1, heightMm = 1 });

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        await badGtin.AssertValidationProblemAsync("gtin");
        var stored = await SellerCatalogArrange.WithDbAsync(_factory, db => db.Products.AsNoTracking().Include(p => p.Skus).SingleAsync(p => p.Id == productId));
        Assert.Equal(2, stored.Version);
        Assert.Equal(2, stored.Skus.Count);
    }

    /// <summary>A new product at version 1 of a new seller, its URL and a valid replacement content.</summary>
    private async Task<(HttpClient Client, string Url, object Update, Guid ProductId)> ProductToUpdateAsync()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var (productId, _) = await SellerCatalogArrange.CreateProductAsync(seller, categoryId, $"IFM-{Guid.NewGuid():N}"[..16]);
        var update = new { title = "Renamed phone", categoryId, description = "Plain", attributes = new { color = "red" }, images = Array.Empty<string>() };
        return (seller.Client, $"/api/v1/sellers/{seller.SellerId}/products/{productId}", update, productId);
    }

    private Task<int> VersionAsync(Guid productId) =>
        SellerCatalogArrange.WithDbAsync(_factory, db => db.Products.AsNoTracking().Where(p => p.Id == productId).Select(p => p.Version).SingleAsync());

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string url, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            // Unvalidated, so that tests can send a malformed header as a client might.
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request);
    }
}
