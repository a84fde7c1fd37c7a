using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Tests.Search;

/// <summary>
/// The PostgreSQL typo fallback corrects words against a dictionary of catalog words; these tests pin that the
/// dictionary follows the seller writes (the row triggers), so a new product is typo-searchable at once.
/// </summary>
public sealed class TypoDictionaryTests(MarketplaceFactory factory) : IClassFixture<MarketplaceFactory>
{
    private readonly MarketplaceFactory _factory = factory.ForSellerTests();

    [Fact]
    public async Task Words_of_a_created_product_and_of_its_new_title_join_the_dictionary()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var code = $"DIC-{Guid.NewGuid():N}"[..16];
        var (productId, _) = await SellerCatalogArrange.CreateProductAsync(seller, categoryId, code);
        var renamed = SearchWords.Unique();

        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/sellers/{seller.SellerId}/products/{productId}")
        {
            Content = JsonContent.Create(new { title = $"{renamed} handset", categoryId, description = "Plain", attributes = new { color = "red" }, images = Array.Empty<string>() }),
        };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var response = await seller.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var words = await SellerCatalogArrange.WithDbAsync(_factory, db =>
            db.Database.SqlQuery<string>($"SELECT word AS \"Value\" FROM catalog.search_words WHERE word IN ({code.ToLowerInvariant()}, {renamed}, 'handset', 'phone')").ToListAsync());
        Assert.Contains(renamed, words);
        Assert.Contains("handset", words);
        Assert.Contains("phone", words);
    }

    [Fact]
    public async Task A_typo_in_a_new_word_finds_the_product_once_it_is_offered()
    {
        var categoryId = await SellerCatalogArrange.PhonesCategoryAsync(_factory);
        var seller = await SellerCatalogArrange.SellerAsync(_factory);
        var word = SearchWords.Unique();
        var code = $"TYP-{Guid.NewGuid():N}"[..16];
        var created = await seller.Client.PostAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/products", new
        {
            title = $"{word} speaker",
            categoryId,
            skus = new[] { new { code, weightGrams = 500, lengthMm = 100, widthMm = 100, heightMm = 100 } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var productId = body.GetProperty("id").GetGuid();
        var skuId = body.GetProperty("skus")[0].GetProperty("id").GetGuid();
        var offer = await seller.Client.PutAsJsonAsync($"/api/v1/sellers/{seller.SellerId}/offers/{skuId}", new { price = 49.90m, currency = "EUR", stock = 3 });
        Assert.True(offer.IsSuccessStatusCode, await offer.Content.ReadAsStringAsync());

        var typo = SearchWords.Transposed(word);
        var page = await EventuallyListedAsync($"q={typo}", productId);

        Assert.True(page.TypoTolerant);
        Assert.Equal(productId, page.Items[0].Id);
    }

    private Task<Catalog.Search.ProductListResponse> EventuallyListedAsync(string query, Guid productId)
    {
        var client = _factory.CreateClient();
        return Eventually.ReadAsync(() => client.ListAsync(query), page => page.Items.Any(i => i.Id == productId));
    }
}
