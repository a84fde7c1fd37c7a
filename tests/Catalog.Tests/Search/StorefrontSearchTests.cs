using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Catalog.Persistence;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Catalog.Tests.Search;

public sealed class StorefrontSearchTests(StorefrontFactory factory) : IClassFixture<StorefrontFactory>
{
    private StorefrontCatalog Data => factory.Catalog;

    [Theory]
    [InlineData("iphone")]
    [InlineData("Samsung")]
    [InlineData("astrophotography")]
    [InlineData("256GB")]
    public async Task Search_finds_products_by_title_brand_description_and_attribute(string q)
    {
        var ids = await factory.CreateClient().IdsAsync($"q={q}");

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Contains(id, new[] { Data.IPhone, Data.Galaxy, Data.Pixel, Data.Fairphone }));
    }

    [Fact]
    public async Task Search_ranks_a_title_match_above_a_brand_only_match()
    {
        var ids = await factory.CreateClient().IdsAsync("q=apple");

        Assert.Equal([Data.IPhone, Data.MacBook], ids);
        Assert.DoesNotContain(Data.Unoffered, ids);
    }

    [Fact]
    public async Task Search_with_a_typo_still_finds_the_product()
    {
        var page = await factory.CreateClient().ListAsync("q=iphnoe");

        Assert.Equal(Data.IPhone, page.Items[0].Id);
        Assert.True(page.TypoTolerant);
    }

    [Fact]
    public async Task Search_by_prefix_finds_while_typing()
    {
        Assert.Contains(Data.Galaxy, await factory.CreateClient().IdsAsync("q=gala"));
    }

    [Theory]
    [InlineData("' OR 1=1 --")]
    [InlineData("'; DROP TABLE catalog.products; --")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("NEAR(iphone galaxy)")]
    [InlineData("\"unbalanced")]
    [InlineData("iphone OR -samsung AND title:*")]
    [InlineData("*")]
    [InlineData("!!! ??? ((( ")]
    [InlineData("a:* & | ! <-> \\")]
    public async Task Search_payloads_answer_200_and_change_nothing(string q)
    {
        var before = await CountProductsAsync();

        var response = await factory.CreateClient().GetAsync($"/api/v1/products?q={Uri.EscapeDataString(q)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before, await CountProductsAsync());
    }

    [Fact]
    public async Task Search_text_longer_than_the_limit_is_a_400_naming_q()
    {
        var response = await factory.CreateClient().GetAsync($"/api/v1/products?q={new string('x', 201)}");
        await response.AssertValidationProblemAsync("q");
    }

    [Fact]
    public async Task Category_browse_includes_descendant_categories_and_hides_unoffered_products()
    {
        var ids = await factory.CreateClient().IdsAsync($"category={Data.Electronics}&limit=50");

        Assert.Equal(new[] { Data.IPhone, Data.Galaxy, Data.Pixel, Data.Fairphone, Data.MacBook }.Order(), ids.Order());
    }

    [Fact]
    public async Task Unknown_category_is_a_400_naming_category()
    {
        var response = await factory.CreateClient().GetAsync($"/api/v1/products?category={Guid.NewGuid()}");
        await response.AssertValidationProblemAsync("category");
    }

    [Fact]
    public async Task Browse_with_a_price_range_returns_only_products_inside_it()
    {
        var page = await factory.CreateClient().ListAsync($"category={Data.Electronics}&minPrice=600&maxPrice=999");

        Assert.Equal(new[] { Data.IPhone, Data.Galaxy, Data.Pixel }.Order(), page.Items.Select(i => i.Id).Order());
    }

    [Fact]
    public async Task Browse_by_several_brands_returns_products_of_any_of_them()
    {
        var ids = await factory.CreateClient().IdsAsync($"brand={Data.Samsung}&brand={Data.Google}");

        Assert.Equal(new[] { Data.Galaxy, Data.Pixel }.Order(), ids.Order());
    }

    [Fact]
    public async Task Browse_with_a_minimum_rating_and_in_stock_filters_both()
    {
        var client = factory.CreateClient();

        Assert.Equal(new[] { Data.Galaxy, Data.MacBook }.Order(), (await client.IdsAsync($"category={Data.Electronics}&minRating=4.6")).Order());
        Assert.DoesNotContain(Data.Pixel, await client.IdsAsync($"category={Data.Electronics}&inStock=true"));
        Assert.Contains(Data.Pixel, await client.IdsAsync($"category={Data.Electronics}&inStock=false"));
    }

    [Fact]
    public async Task Attribute_filters_match_any_listed_value_and_numeric_ranges()
    {
        var client = factory.CreateClient();

        Assert.Equal(new[] { Data.Galaxy, Data.Pixel }.Order(), (await client.IdsAsync($"category={Data.Phones}&attr.color=blue&attr.color=red")).Order());
        Assert.Equal(new[] { Data.Galaxy, Data.Fairphone }.Order(), (await client.IdsAsync($"category={Data.Phones}&attr.storage.min=200")).Order());
        Assert.Equal([Data.Galaxy], await client.IdsAsync($"category={Data.Phones}&attr.storage.min=200&attr.color=blue"));
    }

    [Fact]
    public async Task Malformed_attribute_filter_is_a_400_naming_it()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/products?attr.Bad-Code=1");
        await response.AssertValidationProblemAsync("attr.Bad-Code");
    }

    [Fact]
    public async Task Facets_count_brands_prices_categories_and_attributes_with_the_other_filters_applied()
    {
        var page = await factory.CreateClient().ListAsync($"category={Data.Phones}&brand={Data.Apple}&attr.color=black&attr.color=blue");
        var facets = page.Facets!;

        Assert.Equal([Data.IPhone], page.Items.Select(i => i.Id));
        Assert.False(facets.FacetsApproximate);
        Assert.Equal(1, facets.Matched);

        // The brand facet ignores the brand filter but keeps the colour filter: Apple (black) and Samsung (blue).
        Assert.Equal(
            new[] { (Data.Apple.ToString(), 1), (Data.Samsung.ToString(), 1) }.Order(),
            facets.Brands.Select(b => (b.Value, b.Count)).Order());

        // The colour facet ignores the colour filter but keeps the brand filter: only Apple's black phone.
        var color = Assert.Single(facets.Attributes, a => a.Code == "color");
        Assert.Equal([("black", 1)], color.Values.Select(v => (v.Value, v.Count)));
        var storage = Assert.Single(facets.Attributes, a => a.Code == "storage");
        Assert.Equal([("128", 1)], storage.Values.Select(v => (v.Value, v.Count)));

        // iPhone 999 is in the 500-1000 bucket.
        Assert.Equal(1, Assert.Single(facets.Prices, b => b.Min == 500).Count);
        Assert.Equal(1, facets.Prices.Sum(b => b.Count));
        Assert.Equal([(Data.Phones.ToString(), "Phones", 1)], facets.Categories.Select(c => (c.Value, c.Label, c.Count)));
    }

    [Fact]
    public async Task Facets_of_a_search_count_the_matched_set()
    {
        var facets = (await factory.CreateClient().ListAsync("q=apple")).Facets!;

        Assert.Equal(2, facets.Matched);
        Assert.Equal([(Data.Apple.ToString(), "Apple", 2)], facets.Brands.Select(b => (b.Value, b.Label, b.Count)));
        Assert.Equal(2, facets.Categories.Sum(c => c.Count));
    }

    [Theory]
    [InlineData("price_asc")]
    [InlineData("price_desc")]
    [InlineData("rating")]
    [InlineData("popularity")]
    [InlineData("newest")]
    public async Task Each_sort_orders_the_listing_by_its_key(string sort)
    {
        var items = await factory.CreateClient().WalkAsync($"category={Data.Electronics}&sort={sort}&limit=2");

        Assert.Equal(5, items.Count);
        var ids = items.Select(i => i.Id).ToList();
        var expected = sort switch
        {
            "price_asc" => [Data.Fairphone, Data.Pixel, Data.Galaxy, Data.IPhone, Data.MacBook],
            "price_desc" => [Data.MacBook, Data.IPhone, Data.Galaxy, Data.Pixel, Data.Fairphone],
            "rating" => [Data.MacBook, Data.Galaxy, Data.IPhone, Data.Pixel, Data.Fairphone],
            "popularity" => [Data.Galaxy, Data.MacBook, Data.IPhone, Data.Pixel, Data.Fairphone],
            _ => new List<Guid> { Data.Pixel, Data.Galaxy, Data.IPhone, Data.Fairphone, Data.MacBook },
        };
        Assert.Equal(expected, ids);
    }

    [Fact]
    public async Task Relevance_sort_pages_through_a_search_without_repeats()
    {
        var items = await factory.CreateClient().WalkAsync("q=paging widget&limit=4");

        Assert.Equal(StorefrontCatalog.PagingCount, items.Select(i => i.Id).Distinct().Count());
        Assert.Equal(StorefrontCatalog.PagingCount, items.Count);
    }

    [Fact]
    public async Task A_search_found_by_its_last_word_as_a_prefix_pages_on_as_a_prefix_search()
    {
        // "widg" is no whole word: the first page falls back to the prefix, and its cursor must say so, or the next page
        // would look for whole words and find nothing.
        var items = await factory.CreateClient().WalkAsync("q=paging widg&limit=4");

        Assert.Equal(StorefrontCatalog.PagingCount, items.Select(i => i.Id).Distinct().Count());
        Assert.Equal(StorefrontCatalog.PagingCount, items.Count);
    }

    [Theory]
    [InlineData("popularity")]
    [InlineData("price_asc")]
    [InlineData("price_desc")]
    [InlineData("rating")]
    [InlineData("newest")]
    public async Task Keyset_pages_walk_every_product_once_even_with_equal_sort_keys(string sort)
    {
        var items = await factory.CreateClient().WalkAsync($"category={Data.Paging}&sort={sort}&limit=4");

        Assert.Equal(Data.PagingProducts.Order(), items.Select(i => i.Id).Order());
    }

    [Fact]
    public async Task The_deprecated_pageSize_still_pages_the_listing_as_limit_does()
    {
        var client = factory.CreateClient();

        var byAlias = await client.ListAsync($"category={Data.Paging}&sort=price_asc&pageSize=2");
        var byLimit = await client.ListAsync($"category={Data.Paging}&sort=price_asc&limit=2");
        var byBoth = await client.ListAsync($"category={Data.Paging}&sort=price_asc&limit=2&pageSize=2");
        var nextByAlias = await client.ListAsync($"category={Data.Paging}&sort=price_asc&pageSize=2&cursor={Uri.EscapeDataString(byAlias.NextCursor!)}");

        Assert.Equal(2, byAlias.Items.Count);
        Assert.Equal(byLimit.Items.Select(i => i.Id), byAlias.Items.Select(i => i.Id));
        Assert.Equal(byLimit.Items.Select(i => i.Id), byBoth.Items.Select(i => i.Id));
        Assert.NotNull(byAlias.NextCursor);
        Assert.Equal(2, nextByAlias.Items.Count);
        Assert.Empty(nextByAlias.Items.Select(i => i.Id).Intersect(byAlias.Items.Select(i => i.Id)));
    }

    [Fact]
    public async Task A_garbled_cursor_is_a_400_naming_cursor()
    {
        var client = factory.CreateClient();
        var page = await client.ListAsync($"category={Data.Paging}&limit=3");
        var tampered = page.NextCursor![..^3] + (page.NextCursor[^3] == 'A' ? "B" : "A") + page.NextCursor[^2..];

        await (await client.GetAsync($"/api/v1/products?category={Data.Paging}&limit=3&cursor=not-a-cursor")).AssertValidationProblemAsync("cursor");
        await (await client.GetAsync($"/api/v1/products?category={Data.Paging}&limit=3&cursor={Uri.EscapeDataString(tampered)}")).AssertValidationProblemAsync("cursor");
    }

    [Fact]
    public async Task A_cursor_edited_to_carry_another_filter_is_a_400_naming_cursor()
    {
        var client = factory.CreateClient();
        var filtered = $"category={Data.Paging}&sort=price_asc&limit=3&minPrice=0";
        var issued = (await client.ListAsync($"category={Data.Paging}&sort=price_asc&limit=3")).NextCursor!;
        var ofTheFilter = (await client.ListAsync(filtered)).NextCursor!;

        // A client moves the filter's fingerprint into the cursor it was given, which the fingerprint alone cannot catch.
        var edited = EditCursor(issued, json => json["h"] = ReadCursor(ofTheFilter)["h"]!.DeepClone());

        await (await client.GetAsync($"/api/v1/products?{filtered}&cursor={Uri.EscapeDataString(edited)}")).AssertValidationProblemAsync("cursor");
    }

    [Fact]
    public async Task A_cursor_edited_to_start_at_another_position_is_a_400_naming_cursor()
    {
        var client = factory.CreateClient();
        var query = $"category={Data.Paging}&sort=price_asc&limit=3";
        var issued = (await client.ListAsync(query)).NextCursor!;

        var edited = EditCursor(issued, json => json["n"] = 0m);

        await (await client.GetAsync($"/api/v1/products?{query}&cursor={Uri.EscapeDataString(edited)}")).AssertValidationProblemAsync("cursor");
    }

    /// <summary>The position a cursor carries, read as a client could (the part before the signature).</summary>
    private static JsonObject ReadCursor(string cursor) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(cursor.Split('.')[0]))!.AsObject();

    /// <summary>Edits a cursor's position and encodes it again, keeping whatever signature it came with.</summary>
    private static string EditCursor(string cursor, Action<JsonObject> edit)
    {
        var json = ReadCursor(cursor);
        edit(json);
        var signature = cursor.Contains('.', StringComparison.Ordinal) ? cursor[cursor.IndexOf('.', StringComparison.Ordinal)..] : "";
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString())) + signature;
    }

    [Fact]
    public async Task A_cursor_of_another_sort_or_filter_is_a_400_naming_cursor()
    {
        var client = factory.CreateClient();
        var cursor = Uri.EscapeDataString((await client.ListAsync($"category={Data.Paging}&sort=price_asc&limit=3")).NextCursor!);

        await (await client.GetAsync($"/api/v1/products?category={Data.Paging}&sort=rating&cursor={cursor}")).AssertValidationProblemAsync("cursor");
        await (await client.GetAsync($"/api/v1/products?category={Data.Electronics}&sort=price_asc&cursor={cursor}")).AssertValidationProblemAsync("cursor");
    }

    [Theory]
    [InlineData("sort=cheapest", "sort")]
    [InlineData("sort=relevance", "sort")]
    [InlineData("limit=1000", "limit")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("pageSize=1000", "pageSize")]
    [InlineData("pageSize=ten", "pageSize")]
    [InlineData("limit=2&pageSize=3", "pageSize")]
    [InlineData("minPrice=abc", "minPrice")]
    [InlineData("minPrice=10&maxPrice=5", "maxPrice")]
    [InlineData("minRating=6", "minRating")]
    [InlineData("brand=not-a-guid", "brand")]
    public async Task Invalid_listing_parameters_are_a_400_naming_the_parameter(string query, string field)
    {
        var response = await factory.CreateClient().GetAsync($"/api/v1/products?{query}");
        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task The_system_endpoint_reports_the_search_adapter()
    {
        var admin = factory.CreateClient(await IdentityFlows.AdminAccessTokenAsync(factory.CreateClient()));
        var body = await admin.GetStringAsync("/api/v1/system");
        Assert.Contains("postgresql tsvector + pg_trgm", body, StringComparison.Ordinal);
    }

    private async Task<int> CountProductsAsync()
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CatalogDbContext>().Products.CountAsync();
    }
}

/// <summary>The storefront catalog with tiny read caps, so the sampled-facet paths run on a small catalog.</summary>
public sealed class CappedStorefrontFactory : MarketplaceFactory
{
    public StorefrontCatalog Catalog { get; } = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Settings["Catalog:MaxRankedMatches"] = "3";
        Settings["Catalog:MaxFacetedMatches"] = "4";
        await Catalog.ArrangeAsync(this);
    }
}

public sealed class CappedSearchTests(CappedStorefrontFactory factory) : IClassFixture<CappedStorefrontFactory>
{
    [Fact]
    public async Task A_search_matching_more_than_it_ranks_counts_facets_over_the_ranked_set_and_says_they_are_approximate()
    {
        var page = await factory.CreateClient().ListAsync("q=widget&limit=2");

        Assert.Equal(2, page.Items.Count);
        Assert.NotNull(page.NextCursor);
        Assert.True(page.Facets!.FacetsApproximate);
        Assert.Equal(3, page.Facets.Matched);
    }

    [Fact]
    public async Task A_browse_counts_facets_over_its_own_larger_sample()
    {
        var page = await factory.CreateClient().ListAsync($"category={factory.Catalog.Paging}&limit=2");

        Assert.True(page.Facets!.FacetsApproximate);
        Assert.Equal(4, page.Facets.Matched);
    }
}
