using System.Text.Json.Nodes;
using Marketplace.Catalog.Popularity;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests.Search.Elasticsearch;

/// <summary>The Elasticsearch storefront on a clock the test moves, with listings uncached so every page is ranked afresh.</summary>
public sealed class ClockedElasticsearchStorefrontFactory : ElasticsearchStorefrontFactory
{
    public ClockedElasticsearchStorefrontFactory() => Settings["Catalog:ListingCacheTtl"] = "00:00:00";

    public ControlledClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>
/// How relevance weighs popularity: by the views a product has now (decayed), not by when they came. Three products
/// match one word: one in its title (three times the text score of the others) and viewed about once by now; one in
/// its description with a million views now; one in its description with a million views forty half-lives ago.
/// </summary>
public sealed class ElasticsearchRelevanceTests(ClockedElasticsearchStorefrontFactory factory) : IClassFixture<ClockedElasticsearchStorefrontFactory>
{
    private const string Word = "quillonet";
    private static readonly TimeSpan HalfLife = PopularityScore.DefaultHalfLife;
    private static readonly Guid TitleMatch = Guid.CreateVersion7(), PopularNow = Guid.CreateVersion7(), PopularLongAgo = Guid.CreateVersion7();
    private long _version = 1;

    [Fact]
    public async Task A_million_views_now_outweigh_a_better_text_match_and_a_million_views_long_ago_do_not_and_so_a_year_later()
    {
        var client = factory.CreateClient();

        Arrange(PopularityScore.Exponent(factory.Clock.GetUtcNow(), HalfLife));
        var now = await client.IdsAsync($"q={Word}&sort=relevance");

        factory.Clock.Advance(TimeSpan.FromDays(365));
        Arrange(PopularityScore.Exponent(factory.Clock.GetUtcNow(), HalfLife));
        var yearLater = await client.IdsAsync($"q={Word}&sort=relevance");

        // 24 (20 doublings above one view, plus the floor of 4) against 4 x 3 for the title, 4 for views long gone.
        Assert.Equal([PopularNow, TitleMatch, PopularLongAgo], now);
        Assert.Equal(now, yearLater);
    }

    /// <summary>
    /// The next page ranks at the first page's instant (the cursor keeps it): ranked a year later, the product viewed a
    /// million times would have lost its boost and come again after the page that showed it.
    /// </summary>
    [Fact]
    public async Task A_relevance_walk_ranks_every_page_at_the_instant_of_its_first()
    {
        var client = factory.CreateClient();
        Arrange(PopularityScore.Exponent(factory.Clock.GetUtcNow(), HalfLife));

        var first = await client.ListAsync($"q={Word}&sort=relevance&limit=1");
        factory.Clock.Advance(TimeSpan.FromDays(365));
        var walked = first.Items.Select(i => i.Id).ToList();
        for (var cursor = first.NextCursor; cursor is not null;)
        {
            var page = await client.ListAsync($"q={Word}&sort=relevance&limit=1&cursor={Uri.EscapeDataString(cursor)}");
            walked.AddRange(page.Items.Select(i => i.Id));
            cursor = page.NextCursor;
        }

        Assert.Equal([PopularNow, TitleMatch, PopularLongAgo], walked);
    }

    /// <summary>The three documents, with their popularity placed against the exponent of the clock's now.</summary>
    private void Arrange(double exponent)
    {
        var template = factory.Elasticsearch.Document(factory.Alias, factory.Catalog.IPhone.ToString())
            ?? throw new InvalidOperationException("The seeded catalog is not indexed.");
        Put(TitleMatch, $"Desk {Word}", "A lamp for the desk.", exponent);
        Put(PopularNow, "Desk lamp", $"A {Word} for the desk.", exponent + 20);
        Put(PopularLongAgo, "Floor lamp", $"A {Word} for the floor.", exponent - 40 + 20);

        void Put(Guid id, string title, string description, double popularity)
        {
            var document = JsonNode.Parse(template.ToJsonString())!.AsObject();
            document["id"] = id.ToString();
            document["title"] = title;
            document["description_text"] = description;
            document["brand_name"] = null;
            document["brand_id"] = null;
            document["attributes_text"] = "";
            document["rating_average"] = 0.0;
            document["popularity"] = popularity;
            factory.Elasticsearch.Put(factory.Alias, id.ToString(), document, Interlocked.Increment(ref _version));
        }
    }
}
