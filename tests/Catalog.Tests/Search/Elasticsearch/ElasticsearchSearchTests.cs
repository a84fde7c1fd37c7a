using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.Popularity;
using Marketplace.Catalog.Search;
using Marketplace.Catalog.Search.Elasticsearch;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Catalog.Tests.Search.Elasticsearch;

/// <summary>Browse and search answered by the Elasticsearch adapter, through the real host, against the double.</summary>
public sealed class ElasticsearchSearchTests(ElasticsearchStorefrontFactory factory) : IClassFixture<ElasticsearchStorefrontFactory>
{
    private StorefrontCatalog Data => factory.Catalog;

    private ElasticsearchDouble Es => factory.Elasticsearch;

    [Fact]
    public async Task Listings_are_answered_by_elasticsearch_not_the_database()
    {
        var before = Es.Searches;

        var page = await factory.CreateClient().ListAsync($"category={Data.Electronics}&limit=50");

        Assert.True(Es.Searches > before);
        Assert.Null(page.SearchFallback);
        Assert.Equal(new[] { Data.IPhone, Data.Galaxy, Data.Pixel, Data.Fairphone, Data.MacBook }.Order(), page.Items.Select(i => i.Id).Order());
    }

    [Fact]
    public async Task Filters_select_what_the_sql_adapter_selects()
    {
        var client = factory.CreateClient();

        Assert.Equal(new[] { Data.IPhone, Data.Galaxy, Data.Pixel }.Order(), (await client.IdsAsync($"category={Data.Electronics}&minPrice=600&maxPrice=999")).Order());
        Assert.Equal(new[] { Data.Galaxy, Data.Pixel }.Order(), (await client.IdsAsync($"brand={Data.Samsung}&brand={Data.Google}")).Order());
        Assert.Equal(new[] { Data.Galaxy, Data.MacBook }.Order(), (await client.IdsAsync($"category={Data.Electronics}&minRating=4.6")).Order());
        Assert.DoesNotContain(Data.Pixel, await client.IdsAsync($"category={Data.Electronics}&inStock=true"));
        Assert.Equal([Data.Galaxy], await client.IdsAsync($"category={Data.Phones}&attr.color=blue"));
        Assert.Equal(new[] { Data.Galaxy, Data.Fairphone }.Order(), (await client.IdsAsync($"category={Data.Phones}&attr.storage.min=200")).Order());
        Assert.Equal([Data.MacBook], await client.IdsAsync($"category={Data.Laptops}"));
        Assert.DoesNotContain(Data.Unoffered, await client.IdsAsync("q=prototype"));
    }

    [Theory]
    [InlineData("price_asc")]
    [InlineData("price_desc")]
    [InlineData("rating")]
    [InlineData("popularity")]
    [InlineData("newest")]
    public async Task Paging_with_search_after_walks_every_product_once_in_sort_order(string sort)
    {
        var walked = await factory.CreateClient().WalkAsync($"category={Data.Paging}&sort={sort}&limit=4");

        var products = await WithDbAsync(db => db.Products.AsNoTracking().Where(p => p.CategoryId == Data.Paging).ToListAsync());
        var expected = sort switch
        {
            "price_asc" => products.OrderBy(p => p.MinPrice).ThenBy(p => p.Id.ToString(), StringComparer.Ordinal),
            "price_desc" => products.OrderByDescending(p => p.MinPrice).ThenByDescending(p => p.Id.ToString(), StringComparer.Ordinal),
            "rating" => products.OrderByDescending(p => p.RatingAverage).ThenByDescending(p => p.Id.ToString(), StringComparer.Ordinal),
            "popularity" => products.OrderByDescending(p => p.Popularity).ThenByDescending(p => p.Id.ToString(), StringComparer.Ordinal),
            _ => products.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id.ToString(), StringComparer.Ordinal),
        };
        Assert.Equal(StorefrontCatalog.PagingCount, walked.Count);
        Assert.Equal(expected.Select(p => p.Id), walked.Select(p => p.Id));
    }

    [Fact]
    public async Task A_search_ranks_a_title_match_above_a_brand_only_match_and_pages_by_relevance()
    {
        Assert.Equal([Data.IPhone, Data.MacBook], await factory.CreateClient().IdsAsync("q=apple"));

        var walked = await factory.CreateClient().WalkAsync("q=paging&limit=5");
        Assert.Equal(Data.PagingProducts.Order(), walked.Select(p => p.Id).Order());
    }

    [Fact]
    public async Task Facets_are_exact_and_each_family_leaves_out_only_its_own_filter()
    {
        var page = await factory.CreateClient().ListAsync($"category={Data.Phones}&brand={Data.Samsung}&attr.color=blue&maxPrice=1000");

        var facets = page.Facets!;
        Assert.False(facets.FacetsApproximate);
        Assert.Equal(1, facets.Matched);
        Assert.Equal([Data.Galaxy], page.Items.Select(i => i.Id));

        // Brands: price and colour applied, brand left out — every phone brand whose blue phone is under 1000.
        Assert.Equal([(Data.Samsung.ToString(), "Samsung", 1)], facets.Brands.Select(b => (b.Value, b.Label, b.Count)));

        // Colours: brand and price applied, colour left out.
        var colours = facets.Attributes.Single(a => a.Code == "color").Values;
        Assert.Equal([("blue", 1)], colours.Select(v => (v.Value, v.Count)));

        // Categories never leave a filter out.
        Assert.Equal([(Data.Phones.ToString(), "Phones", 1)], facets.Categories.Select(c => (c.Value, c.Label, c.Count)));

        var wider = (await factory.CreateClient().ListAsync($"category={Data.Phones}&brand={Data.Samsung}")).Facets!;
        Assert.Equal(
            new[] { ("Apple", 1), ("Google", 1), ("Samsung", 1) },
            wider.Brands.Select(b => (b.Label, b.Count)).Order());
        Assert.Equal(1, wider.Matched);
        Assert.Equal(["blue"], wider.Attributes.Single(a => a.Code == "color").Values.Select(v => v.Value));

        // Prices: the price filter left out, so every phone is counted in the configured buckets.
        var priced = (await factory.CreateClient().ListAsync($"category={Data.Phones}&minPrice=900")).Facets!;
        Assert.Equal(1, priced.Matched);
        Assert.Equal(7, priced.Prices.Count);
        Assert.Equal(4, priced.Prices.Single(p => p.Min == 500).Count);
        Assert.Equal(0, priced.Prices.Single(p => p.Min == 1000).Count);
        Assert.Equal(4, priced.Prices.Sum(p => p.Count));
    }

    [Fact]
    public async Task A_typo_is_forgiven_with_fuzziness_and_said_so()
    {
        var page = await factory.CreateClient().ListAsync("q=iphnoe");

        Assert.Equal(Data.IPhone, page.Items[0].Id);
        Assert.True(page.TypoTolerant);
        Assert.Contains(Data.Galaxy, await factory.CreateClient().IdsAsync("q=gala"));
        Assert.Empty(await factory.CreateClient().IdsAsync("q=zzzzzzzz"));
    }

    [Fact]
    public async Task The_system_endpoint_names_the_elasticsearch_adapter_and_its_fallback()
    {
        var admin = factory.CreateClient(await IdentityFlows.AdminAccessTokenAsync(factory.CreateClient()));

        var body = JsonDocument.Parse(await admin.GetStringAsync("/api/v1/system")).RootElement;

        var search = body.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("component").GetString() == "search").GetProperty("adapter").GetString()!;
        Assert.Contains("elasticsearch", search, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{new Uri(Es.Address).Port}", search, StringComparison.Ordinal);
        Assert.Contains(factory.Alias, search, StringComparison.Ordinal);
        Assert.Contains("falls back to postgresql", search, StringComparison.Ordinal);
        Assert.True(body.GetProperty("status").TryGetProperty("search-index", out _));
    }

    [Fact]
    public async Task A_sellers_offer_change_reaches_the_index_and_a_withdrawn_product_leaves_it()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1, price: 40m)).Single();
        var id = offer.ProductId.ToString();
        var indexed = await Eventually.ReadAsync(() => Task.FromResult(Es.Document(factory.Alias, id)), d => d is not null);
        Assert.NotNull(indexed);
        Assert.Equal(40m, indexed["min_price"]!.GetValue<decimal>());

        await CatalogFlows.ChangeOfferAsync(offer, price: 35m);
        var changed = await Eventually.ReadAsync(() => Task.FromResult(Es.Document(factory.Alias, id)), d => d?["min_price"]?.GetValue<decimal>() == 35m);
        Assert.Equal(35m, changed!["min_price"]!.GetValue<decimal>());
        Assert.Equal([offer.ProductId], await factory.CreateClient().IdsAsync($"category={offer.CategoryId}"));

        await CatalogFlows.ChangeOfferAsync(offer, withdraw: true);
        var gone = await Eventually.ReadAsync(() => Task.FromResult(Es.Document(factory.Alias, id)), d => d is null);
        Assert.Null(gone);
        Assert.Empty(await factory.CreateClient().IdsAsync($"category={offer.CategoryId}"));
    }

    [Fact]
    public async Task Bulk_items_refused_for_load_are_retried_and_items_rejected_as_malformed_are_counted_without_failing_the_batch()
    {
        var status = factory.Services.GetRequiredService<SearchIndexStatus>();
        var rejectedBefore = status.RejectedCount;
        var overloaded = Data.Galaxy.ToString();
        var malformed = Data.Pixel.ToString();
        var priorVersion = Es.Version(factory.Alias, Data.Fairphone.ToString());
        Es.FailBulkItem(overloaded, 429, times: 2);
        Es.FailBulkItem(malformed, 400);

        var tally = await WithIndexAsync((db, index) => WriteAsync(db, index, [Data.Galaxy, Data.Pixel, Data.Fairphone]));

        Assert.Equal(2, tally.Indexed);
        Assert.Equal(1, tally.Rejected);
        Assert.Equal(2, tally.Retried);
        Assert.Equal(rejectedBefore + 1, status.RejectedCount);
        Assert.True(Es.Version(factory.Alias, Data.Fairphone.ToString()) > priorVersion);
        Assert.True(Es.Version(factory.Alias, overloaded) > priorVersion);
    }

    [Fact]
    public async Task Bulk_items_still_overloaded_after_the_retries_fail_the_write_so_the_message_is_redelivered()
    {
        Es.FailBulkItem(Data.Galaxy.ToString(), 503, times: 10);
        try
        {
            await Assert.ThrowsAsync<SearchIndexUnavailableException>(() => WithIndexAsync((db, index) => WriteAsync(db, index, [Data.Galaxy])));
        }
        finally
        {
            // Drain what is left of the injected failures.
            await WithIndexAsync(async (db, index) =>
            {
                for (var i = 0; i < 3; i++)
                {
                    try
                    {
                        return await WriteAsync(db, index, [Data.Galaxy]);
                    }
                    catch (SearchIndexUnavailableException)
                    {
                    }
                }

                return new BulkTally();
            });
        }
    }

    [Fact]
    public async Task A_write_that_read_older_data_does_not_overwrite_a_newer_one()
    {
        var id = Data.MacBook.ToString();
        var original = Es.Document(factory.Alias, id)!;
        var newer = Es.Document(factory.Alias, id)!;
        newer["title"] = "Written by a later read";
        Es.Put(factory.Alias, id, newer, version: long.MaxValue / 2);

        var tally = await WithIndexAsync((db, index) => WriteAsync(db, index, [Data.MacBook]));

        Assert.Equal(1, tally.Stale);
        Assert.Equal("Written by a later read", Es.Document(factory.Alias, id)!["title"]!.GetValue<string>());
        Es.Put(factory.Alias, id, original, version: 1);
        Assert.Equal(1, (await WithIndexAsync((db, index) => WriteAsync(db, index, [Data.MacBook]))).Indexed);
    }

    [Fact]
    public async Task Reindex_swaps_the_alias_in_one_step_so_a_search_during_the_swap_still_finds_products()
    {
        var before = Es.AliasTargets(factory.Alias);
        var aliasUpdates = Es.AliasUpdates;
        // A query no other test sends, so no listing cache can answer it.
        var query = $"category={Data.Electronics}&limit=47&sort=rating";
        ProductListResponse? duringSwap = null;
        var searchedDuringSwap = false;
        Es.BeforeAliasesApplied = async () =>
        {
            var searches = Es.Searches;
            duringSwap = await factory.CreateClient().ListAsync(query);
            searchedDuringSwap = Es.Searches > searches;
        };
        ReindexResult result;
        try
        {
            result = await ReindexAsync();
        }
        finally
        {
            Es.BeforeAliasesApplied = null;
        }

        Assert.NotNull(duringSwap);
        Assert.Null(duringSwap.SearchFallback);
        Assert.True(searchedDuringSwap, "The search during the swap was not answered by Elasticsearch.");
        Assert.Equal(5, duringSwap.Items.Count);
        Assert.Equal(1, Es.AliasUpdates - aliasUpdates);
        Assert.Equal(before, result.Replaced);
        Assert.Equal([result.Index], Es.AliasTargets(factory.Alias));
        Assert.DoesNotContain(before.Single(), Es.IndexNames());
        Assert.StartsWith($"{factory.Alias}-", result.Index, StringComparison.Ordinal);
        Assert.Equal(5, (await factory.CreateClient().IdsAsync($"category={Data.Electronics}&limit=50")).Count);
    }

    [Fact]
    public async Task Products_repriced_or_delisted_while_reindex_builds_are_current_in_the_new_index()
    {
        var (category, ids) = await ArrangeProductsAsync(30m, 31m, 32m, 33m, 34m);
        var (repriced, delisted, offerChanged, untouched, withdrawn) = (ids[0], ids[1], ids[2], ids[3], ids[4]);
        var offer = await OfferAsync(offerChanged, 32m);
        var lastOffer = await OfferAsync(withdrawn, 34m);

        // Between the build and the swap, as sellers would, straight in the database: no event reaches the sync, so
        // only the rebuild's catch-up can carry these changes into the new index.
        Es.BeforeAliasesApplied = () => WithDbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync($"UPDATE {CatalogDbContext.Schema}.products SET min_price = 25.5, updated_at = now() WHERE id = {{0}}", repriced);
            await db.Database.ExecuteSqlRawAsync($"UPDATE {CatalogDbContext.Schema}.products SET min_price = NULL, offer_count = 0, updated_at = now() WHERE id = {{0}}", delisted);
            // Only the offer's row is stamped, as when a listing summary is recomputed without touching the product row,
            // and by an API host whose clock runs a minute behind the database's.
            await db.Database.ExecuteSqlRawAsync($"UPDATE {CatalogDbContext.Schema}.products SET min_price = 29.25 WHERE id = {{0}}", offerChanged);
            await db.Database.ExecuteSqlRawAsync($"UPDATE {CatalogDbContext.Schema}.offers SET price = 29.25, updated_at = now() - interval '1 minute' WHERE id = {{0}}", offer);
            // The seller withdraws the product's last offer: no offer row is left to stamp, only the listing summary's refresh.
            await db.Database.ExecuteSqlRawAsync($"DELETE FROM {CatalogDbContext.Schema}.offers WHERE id = {{0}}", lastOffer);
            await Catalog.Listing.ProductListingSummary.RefreshAsync(db, [withdrawn], DateTimeOffset.UtcNow, CancellationToken.None);
            return 0;
        });
        ReindexResult result;
        try
        {
            result = await ReindexAsync();
        }
        finally
        {
            Es.BeforeAliasesApplied = null;
        }

        Assert.Equal([result.Index], Es.AliasTargets(factory.Alias));
        Assert.Equal(25.5m, Es.Document(result.Index, repriced.ToString())?["min_price"]?.GetValue<decimal>());
        Assert.Null(Es.Document(result.Index, delisted.ToString()));
        Assert.Equal(29.25m, Es.Document(result.Index, offerChanged.ToString())?["min_price"]?.GetValue<decimal>());
        Assert.Equal(33m, Es.Document(result.Index, untouched.ToString())?["min_price"]?.GetValue<decimal>());
        Assert.Null(Es.Document(result.Index, withdrawn.ToString()));
        Assert.Equal(new[] { repriced, offerChanged, untouched }.Order(), (await factory.CreateClient().IdsAsync($"category={category}")).Order());
    }

    [Fact]
    public async Task A_reindex_that_fails_deletes_its_unfinished_index_and_leaves_the_alias_where_it_was()
    {
        var indices = Es.IndexNames();
        var targets = Es.AliasTargets(factory.Alias);
        // One attempt and every retry the write allows, so nothing of the injected failure is left for other tests.
        Es.FailBulkItem(Data.Galaxy.ToString(), 503, times: 4);

        await Assert.ThrowsAsync<InvalidOperationException>(() => ReindexAsync());

        Assert.Equal(indices, Es.IndexNames());
        Assert.Equal(targets, Es.AliasTargets(factory.Alias));
        Assert.Null((await factory.CreateClient().ListAsync($"category={Data.Electronics}&limit=45")).SearchFallback);
    }

    [Fact]
    public async Task A_reindex_with_a_rejected_product_keeps_the_alias_unless_forced()
    {
        var indices = Es.IndexNames();
        var targets = Es.AliasTargets(factory.Alias);
        var aliasUpdates = Es.AliasUpdates;
        // Changed long before the rebuild, so its catch-up (which rewrites what changed shortly before it began) leaves it alone.
        await WithDbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync($"UPDATE {CatalogDbContext.Schema}.products SET updated_at = now() - interval '1 hour', listing_updated_at = NULL WHERE id = {{0}}", Data.Pixel);
            return await db.Database.ExecuteSqlRawAsync($"UPDATE {CatalogDbContext.Schema}.offers SET updated_at = now() - interval '1 hour' WHERE product_id = {{0}}", Data.Pixel);
        });
        Es.FailBulkItem(Data.Pixel.ToString(), 400);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ReindexAsync());

        Assert.Contains("--force", refused.Message, StringComparison.Ordinal);
        Assert.Equal(aliasUpdates, Es.AliasUpdates);
        Assert.Equal(indices, Es.IndexNames());
        Assert.Equal(targets, Es.AliasTargets(factory.Alias));

        Es.FailBulkItem(Data.Pixel.ToString(), 400);
        try
        {
            var forced = await ReindexAsync(force: true);

            Assert.Equal(1, forced.Rejected);
            Assert.Equal([forced.Index], Es.AliasTargets(factory.Alias));
            Assert.Null(Es.Document(forced.Index, Data.Pixel.ToString()));
        }
        finally
        {
            await WithIndexAsync((db, index) => WriteAsync(db, index, [Data.Pixel]));
        }

        Assert.NotNull(Es.Document(factory.Alias, Data.Pixel.ToString()));
    }

    /// <summary>
    /// Sellers' numeric attribute codes are unbounded; a field per code would pass the index's total-fields limit (the
    /// double refuses documents past it, as Elasticsearch does) and products would be rejected.
    /// </summary>
    [Fact]
    public async Task More_numeric_attribute_codes_than_the_field_limit_are_indexed_and_filter_as_numbers()
    {
        const int perProduct = 60;
        var codes = ElasticsearchDouble.TotalFieldsLimit + 200;
        var (category, ids) = await ArrangeProductsAsync([.. Enumerable.Repeat(10m, codes / perProduct)]);
        await WithDbAsync(async db =>
        {
            foreach (var (product, i) in (await db.Products.Where(p => p.CategoryId == category).OrderBy(p => p.Title).ToListAsync()).Select((p, i) => (p, i)))
            {
                product.Attributes = Enumerable.Range(i * perProduct, perProduct).ToDictionary(c => $"n{c}", c => (c % 2 == 0 ? -c : c * 1.5).ToString(CultureInfo.InvariantCulture));
            }

            return await db.SaveChangesAsync();
        });

        var tally = await WithIndexAsync((db, index) => WriteAsync(db, index, [.. ids]));
        var last = codes - 1;
        var client = factory.CreateClient();

        Assert.Equal((ids.Count, 0), (tally.Indexed, tally.Rejected));
        Assert.Single(await client.IdsAsync($"category={category}&attr.n{last}.min={last}&attr.n{last}.max={last * 1.5}"));
        Assert.Empty(await client.IdsAsync($"category={category}&attr.n{last}.min={(last * 1.5) + 0.01}"));
        Assert.Single(await client.IdsAsync($"category={category}&attr.n{last - 1}.max=-{last - 1}&attr.n{last - 1}.min=-{last - 1}"));
        Assert.Empty(await client.IdsAsync($"category={category}&attr.n{last - 1}.min=-{last - 2}"));
        Assert.Single(await client.IdsAsync($"category={category}&attr.n0.min=-0.5&attr.n0.max=0"));
    }

    [Theory]
    [InlineData("price_asc")]
    [InlineData("price_desc")]
    public async Task A_price_sorted_walk_over_sub_cent_prices_repeats_and_skips_nothing(string sort)
    {
        var (category, _) = await ArrangeProductsAsync(19.995m, 20.00m, 19.9949m, 20.0049m, 20.0001m, 19.9999m, 19.99m, 20.005m, 20.0051m, 19.995m);
        await WithIndexAsync(async (db, index) => await WriteAsync(db, index, [.. await db.Products.Where(p => p.CategoryId == category).Select(p => p.Id).ToListAsync()]));

        var walked = await factory.CreateClient().WalkAsync($"category={category}&sort={sort}&limit=2");

        var products = await WithDbAsync(db => db.Products.AsNoTracking().Where(p => p.CategoryId == category).ToListAsync());
        var expected = sort == "price_asc"
            ? products.OrderBy(p => p.MinPrice).ThenBy(p => p.Id.ToString(), StringComparer.Ordinal)
            : products.OrderByDescending(p => p.MinPrice).ThenByDescending(p => p.Id.ToString(), StringComparer.Ordinal);
        Assert.Equal(expected.Select(p => p.Id), walked.Select(p => p.Id));
        Assert.Equal(expected.Select(p => p.MinPrice), walked.Select(p => (decimal?)p.MinPrice));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task When_elasticsearch_refuses_the_credentials_the_database_answers_as_readiness_says(int status)
    {
        Es.FailEverythingWith = status;
        try
        {
            var response = await factory.CreateClient().GetAsync($"/api/v1/products?category={Data.Electronics}&limit=44&sort=popularity");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.Content.ReadFromJsonAsync<ProductListResponse>())!;
            Assert.Equal(ElasticsearchProductSearch.FallbackSentence, page.SearchFallback);
            Assert.Equal(new[] { Data.IPhone, Data.Galaxy, Data.Pixel, Data.Fairphone, Data.MacBook }.Order(), page.Items.Select(i => i.Id).Order());

            var ready = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/health/ready")).RootElement;
            Assert.Equal("Degraded", ready.GetProperty("status").GetString());
        }
        finally
        {
            Es.FailEverythingWith = null;
        }
    }

    [Fact]
    public async Task A_product_gone_from_the_database_is_deleted_with_a_version_read_from_the_database_clock()
    {
        var gone = Guid.NewGuid();
        var id = gone.ToString();
        Es.Put(factory.Alias, id, Es.Document(factory.Alias, Data.MacBook.ToString())!, version: 1);

        var (before, rows, after) = await WithIndexAsync(async (db, index) =>
        {
            var before = await ProductRows.DatabaseNowAsync(db, CancellationToken.None);
            var rows = await ProductRows.ByIdsAsync(db, [gone], CancellationToken.None);
            var after = await ProductRows.DatabaseNowAsync(db, CancellationToken.None);
            await ProductIndexSync.WriteCurrentAsync(db, index, [gone], CancellationToken.None);
            return (before, rows, after);
        });

        var row = Assert.Single(rows);
        Assert.Null(row.Document);
        Assert.InRange(row.Version, Micros(before), Micros(after));
        Assert.Null(Es.Document(factory.Alias, id));

        static long Micros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
    }

    [Fact]
    public async Task Popularity_a_flush_writes_reaches_the_index_and_its_order()
    {
        var flusher = factory.Services.GetServices<IHostedService>().OfType<PopularityFlusher>().Single();
        factory.Services.GetRequiredService<PopularityBuffer>().Record(Data.Fairphone, PopularitySignal.View, 100_000);
        await flusher.FlushAsync(CancellationToken.None);
        double stored;
        using (var scope = factory.Services.CreateScope())
        {
            stored = await scope.ServiceProvider.GetRequiredService<CatalogDbContext>().Products
                .Where(p => p.Id == Data.Fairphone).Select(p => p.Popularity).SingleAsync();
        }

        var indexed = await Eventually.ReadAsync(
            () => Task.FromResult(Es.Document(factory.Alias, Data.Fairphone.ToString())?["popularity"]?.GetValue<double>()),
            popularity => popularity == stored);
        var order = await factory.CreateClient().IdsAsync($"category={Data.Electronics}&sort=popularity");

        Assert.Equal(stored, indexed);
        Assert.Equal(Data.Fairphone, order[0]);
    }

    /// <summary>
    /// Relevance scores of the two engines are not comparable, so a cursor never crosses between them: a listing
    /// Elasticsearch ranked starts again in the fallback when it fails, and one the fallback ranked stays there.
    /// </summary>
    [Fact]
    public async Task A_relevance_listing_continues_only_on_the_engine_that_ranked_it()
    {
        const string query = "q=paging widget&limit=4";
        var client = factory.CreateClient();
        var ranked = await client.ListAsync(query);
        Assert.Null(ranked.SearchFallback);

        List<Guid> fallbackFirst;
        ProductListResponse restarted, fallbackSecond;
        Es.FailEverythingWith = 503;
        try
        {
            fallbackFirst = await client.IdsAsync(query);
            restarted = await client.ListAsync($"{query}&cursor={Uri.EscapeDataString(ranked.NextCursor!)}");
            fallbackSecond = await client.ListAsync($"{query}&cursor={Uri.EscapeDataString(restarted.NextCursor!)}");
        }
        finally
        {
            Es.FailEverythingWith = null;
        }

        Assert.Equal(ElasticsearchProductSearch.RestartSentence, restarted.SearchFallback);
        Assert.Equal(fallbackFirst, restarted.Items.Select(i => i.Id));
        Assert.Equal(ElasticsearchProductSearch.FallbackSentence, fallbackSecond.SearchFallback);

        var searchesBefore = Es.Searches;
        var walked = restarted.Items.Concat(fallbackSecond.Items).ToList();
        var cursor = fallbackSecond.NextCursor;
        while (cursor is not null)
        {
            var page = await client.ListAsync($"{query}&cursor={Uri.EscapeDataString(cursor)}");
            Assert.Equal(ElasticsearchProductSearch.FallbackSentence, page.SearchFallback);
            walked.AddRange(page.Items);
            cursor = page.NextCursor;
        }

        Assert.Equal(searchesBefore, Es.Searches);
        Assert.Equal(Data.PagingProducts.Order(), walked.Select(i => i.Id).Order());
        Assert.Null((await client.ListAsync(query)).SearchFallback);
    }

    [Fact]
    public async Task When_elasticsearch_answers_503_the_database_answers_and_the_response_says_so()
    {
        Es.FailEverythingWith = 503;
        try
        {
            var page = await factory.CreateClient().ListAsync($"category={Data.Electronics}&limit=50");

            Assert.Equal(ElasticsearchProductSearch.FallbackSentence, page.SearchFallback);
            Assert.Equal(new[] { Data.IPhone, Data.Galaxy, Data.Pixel, Data.Fairphone, Data.MacBook }.Order(), page.Items.Select(i => i.Id).Order());
        }
        finally
        {
            Es.FailEverythingWith = null;
        }

        Assert.Null((await factory.CreateClient().ListAsync($"category={Data.Electronics}")).SearchFallback);
    }

    [Fact]
    public async Task When_elasticsearch_is_down_search_falls_back_and_readiness_is_degraded_not_unhealthy()
    {
        await Es.StopAsync();
        try
        {
            var page = await factory.CreateClient().ListAsync("q=iphone");
            Assert.Equal(ElasticsearchProductSearch.FallbackSentence, page.SearchFallback);
            Assert.Contains(Data.IPhone, page.Items.Select(i => i.Id));

            var ready = await factory.CreateClient().GetAsync("/health/ready");
            var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("Degraded", report.GetProperty("status").GetString());
        }
        finally
        {
            await Es.StartAsync();
        }

        var back = await factory.CreateClient().GetAsync("/health/ready");
        Assert.Equal("Healthy", JsonDocument.Parse(await back.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_malformed_query_parameter_is_a_400_not_a_search()
    {
        var before = Es.Searches;
        var response = await factory.CreateClient().GetAsync("/api/v1/products?minPrice=abc");
        await response.AssertValidationProblemAsync("minPrice");
        Assert.Equal(before, Es.Searches);
    }

    private Task<ReindexResult> ReindexAsync(bool force = false) => CatalogModule.ReindexSearchAsync(factory.Services, force: force);

    /// <summary>Listed products at these prices in a category of their own, straight in the database (no event, so not yet indexed).</summary>
    private Task<(Guid Category, List<Guid> Ids)> ArrangeProductsAsync(params decimal[] prices) => WithDbAsync(async db =>
    {
        var category = Guid.NewGuid();
        var path = $"/es-{category:N}/";
        var now = DateTimeOffset.UtcNow.AddHours(-1);
        db.Categories.Add(new Category { Id = category, Name = "Arranged", Slug = $"es-{category:N}"[..20], Path = path });
        var ids = prices.Select(_ => Guid.NewGuid()).ToList();
        db.Products.AddRange(prices.Select((price, i) => new Product
        {
            Id = ids[i], OwnerSellerId = Data.SellerTrusted, CategoryId = category, CategoryPath = path, Title = $"Arranged widget {i}",
            CreatedAt = now, UpdatedAt = now, MinPrice = price, Currency = "EUR", InStock = true, OfferCount = 1, RatingAverage = 4, RatingCount = 1,
        }));
        await db.SaveChangesAsync();
        return (category, ids);
    });

    /// <summary>One offer on a new SKU of the product, stamped an hour ago (before any rebuild a test starts).</summary>
    private Task<Guid> OfferAsync(Guid productId, decimal price) => WithDbAsync(async db =>
    {
        var sku = new Sku { Id = Guid.NewGuid(), ProductId = productId, Code = $"ES-{Guid.NewGuid():N}"[..20], WeightGrams = 1, LengthMm = 1, WidthMm = 1, HeightMm = 1 };
        var offer = new Offer { Id = Guid.NewGuid(), SkuId = sku.Id, ProductId = productId, SellerId = Data.SellerTrusted, Price = price, Currency = "EUR", Stock = 1, UpdatedAt = DateTimeOffset.UtcNow.AddHours(-1) };
        db.Skus.Add(sku);
        db.Offers.Add(offer);
        await db.SaveChangesAsync();
        return offer.Id;
    });

    private static async Task<BulkTally> WriteAsync(CatalogDbContext db, ProductIndex index, Guid[] ids) =>
        await index.WriteAsync(index.Alias, await ProductRows.ByIdsAsync(db, ids, CancellationToken.None), CancellationToken.None);

    private async Task<T> WithIndexAsync<T>(Func<CatalogDbContext, ProductIndex, Task<T>> work)
    {
        using var scope = factory.Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<CatalogDbContext>(), scope.ServiceProvider.GetRequiredService<ProductIndex>());
    }

    private async Task<T> WithDbAsync<T>(Func<CatalogDbContext, Task<T>> work)
    {
        using var scope = factory.Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<CatalogDbContext>());
    }
}
