using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Catalog.Tests.Search;

/// <summary>The real host keeping typo corrections for five minutes of a clock the test moves.</summary>
public sealed class TypoCorrectionsHost : ClockedMarketplaceFactory
{
    public TypoCorrectionsHost() => Settings["Catalog:TypoCorrectionsTtl"] = "00:05:00";
}

/// <summary>
/// A replica keeps the corrections it looked a search word up to for <c>Catalog:TypoCorrectionsTtl</c>: a word new to
/// the catalog is offered as a correction once they expire, while searches for the word itself find it at once.
/// </summary>
public sealed class TypoCorrectionsTests(TypoCorrectionsHost factory) : IClassFixture<TypoCorrectionsHost>
{
    [Fact]
    public async Task A_typo_is_corrected_to_a_new_catalog_word_once_the_kept_corrections_expire()
    {
        var word = SearchWords.Unique();
        var typo = SearchWords.Transposed(word);
        var client = factory.CreateClient();
        Assert.Empty(await ItemsAsync(client, typo));

        var category = await CatalogArrange.CategoryAsync(factory);
        var product = await CatalogArrange.ProductAsync(factory, category, $"{word} speaker");
        await CatalogArrange.WithDbAsync(factory, db => db.Products.Where(p => p.Id == product.Id).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.MinPrice, 20m).SetProperty(p => p.Currency, "EUR").SetProperty(p => p.InStock, true).SetProperty(p => p.OfferCount, 1)));

        Assert.Equal([product.Id], await ItemsAsync(client, word));
        Assert.Empty(await ItemsAsync(client, typo));

        factory.Clock.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal([product.Id], await ItemsAsync(client, typo));
    }

    private static async Task<List<Guid>> ItemsAsync(HttpClient client, string q) =>
        [.. (await client.GetFromJsonAsync<JsonElement>($"/api/v1/products?q={q}")).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];
}
