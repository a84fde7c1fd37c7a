using System.Globalization;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.QueryDsl;
using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.Popularity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search.Elasticsearch;

/// <summary>
/// Search on Elasticsearch, through the alias, with PostgreSQL answering whenever the cluster cannot (unreachable,
/// timed out, 429/5xx, refusing the credentials (401/403), or no index built yet); such a result carries <see cref="FallbackSentence"/>.
/// <para>
/// One <c>_search</c> gives the page and, on a first page, the facets. Filters no facet leaves out (listed, category,
/// rating, stock) are in the query; brand, price and attribute filters are in <c>post_filter</c>, and each facet family
/// is a <c>filter</c> aggregation of every post filter but its own, so the families are counted over the whole match
/// (<c>track_total_hits</c>) with their own filter left out, as the SQL adapter counts them, but exactly and uncapped.
/// </para>
/// <para>
/// Text matching mirrors the SQL adapter's modes: every word must match in some field (one <c>multi_match</c> per word
/// over <c>title^3, brand_name^2, attributes_text, description_text</c>). <see cref="MatchMode.Words"/> matches words
/// as typed; <see cref="MatchMode.Prefix"/> takes the last as a prefix (<c>bool_prefix</c>); <see cref="MatchMode.Typo"/>
/// adds <c>fuzziness: AUTO</c> to every word (the edits Elasticsearch allows stand in for the SQL adapter's trigram
/// corrections). A search takes the first mode whose exact total reaches <see cref="CatalogOptions.TypoFallbackBelow"/>
/// (the typo mode otherwise), so <c>typoTolerant</c> is true exactly when fuzziness was used because the words as
/// typed found too few. Relevance is the text score times <see cref="PopularityBoost"/> and <c>ln(2 + rating)</c>.
/// </para>
/// </summary>
internal sealed class ElasticsearchProductSearch(
    ProductIndex index, PostgresProductSearch fallback, CatalogDbContext db, IOptions<CatalogOptions> options, TimeProvider clock,
    ILogger<ElasticsearchProductSearch> logger)
    : IProductSearch
{
    public const string FallbackSentence = "The search service is unavailable, so these results come from the catalog database: ranking and typo tolerance may differ.";

    /// <summary>The fallback's sentence when a relevance-ranked listing could not be continued and starts again.</summary>
    public const string RestartSentence =
        "The search service is unavailable, so these results come from the catalog database and start again from the first page: ranking and typo tolerance may differ.";

    private static readonly string[] TextFields = [$"{ProductFields.Title}^3", $"{ProductFields.BrandName}^2", ProductFields.AttributesText, ProductFields.DescriptionText];

    private const string CategoriesAggregation = "categories", BrandsAggregation = "brands", PricesAggregation = "prices", AttributePrefix = "attr_", LabelAggregation = "label";

    private CatalogOptions Limits => options.Value;

    public static string Description(ElasticsearchOptions settings) =>
        $"elasticsearch {settings.Address.Host}:{settings.Address.Port} alias {settings.Alias}; falls back to {PostgresProductSearch.Description}";

    /// <remarks>
    /// Keys of the other sorts (price, rating, popularity, time) are the same numbers in both engines, so their pages
    /// continue on whichever answers. Relevance scores are not comparable: a relevance listing the fallback began goes on
    /// in the fallback, even once Elasticsearch is back, and one Elasticsearch began starts again from its first page in
    /// the fallback, and says so, rather than skip or repeat products.
    /// </remarks>
    public async Task<SearchResult> SearchAsync(ResolvedQuery query, CancellationToken cancellationToken)
    {
        var relevanceAfter = query.Query.Sort == ProductSort.Relevance ? query.After : null;
        if (relevanceAfter is { ByFallback: true })
        {
            return await fallback.SearchAsync(query, cancellationToken) with { Fallback = FallbackSentence };
        }

        try
        {
            return await SearchIndexAsync(query, cancellationToken);
        }
        catch (SearchIndexUnavailableException exception)
        {
            logger.LogWarning("Search falls back to PostgreSQL: {Reason}", exception.Message);
            if (relevanceAfter is not null)
            {
                return await fallback.SearchAsync(query with { After = null, WithFacets = true }, cancellationToken) with { Fallback = RestartSentence };
            }

            return await fallback.SearchAsync(query, cancellationToken) with { Fallback = FallbackSentence };
        }
    }

    private async Task<SearchResult> SearchIndexAsync(ResolvedQuery query, CancellationToken cancellationToken)
    {
        if (query.After is { } after)
        {
            return await SearchAsync(query, after.Mode, cancellationToken);
        }

        if (query.Terms.IsEmpty)
        {
            return await SearchAsync(query, MatchMode.Words, cancellationToken);
        }

        foreach (var mode in (MatchMode[])[MatchMode.Words, MatchMode.Prefix])
        {
            var result = await SearchAsync(query, mode, cancellationToken);
            if (result.Matched >= Limits.TypoFallbackBelow)
            {
                return result;
            }
        }

        return await SearchAsync(query, MatchMode.Typo, cancellationToken);
    }

    private async Task<SearchResult> SearchAsync(ResolvedQuery query, MatchMode mode, CancellationToken cancellationToken)
    {
        var rankedAt = query.After?.RankedAt ?? clock.GetUtcNow().UtcTicks;
        var request = Request(query, mode, new DateTimeOffset(rankedAt, TimeSpan.Zero));
        var response = await index.Client.SearchAsync<ProductDocument>(request, cancellationToken);
        if (!response.IsValidResponse)
        {
            if (ProductIndex.IsCredentialsRefusal(response))
            {
                // Readiness reports this as Degraded, so search answers from PostgreSQL too rather than failing every request;
                // an error, not a warning, because it does not heal by itself.
                logger.LogError(
                    "Elasticsearch refused the search credentials ({Section}:ApiKey or Username/Password): {Reason}",
                    ElasticsearchOptions.Section, ProductIndex.Describe(response));
                throw new SearchIndexUnavailableException($"Elasticsearch refused the credentials: {ProductIndex.Describe(response)}");
            }

            if (ProductIndex.IsTransient(response) || response.ElasticsearchServerError?.Error?.Type == "index_not_found_exception")
            {
                throw new SearchIndexUnavailableException(ProductIndex.Describe(response));
            }

            throw new InvalidOperationException($"Elasticsearch refused a search: {ProductIndex.Describe(response)}");
        }

        var hits = response.Hits.Select(hit => Hit(hit, query.Query.Sort)).ToList();
        var more = hits.Count > query.PageSize;
        if (more)
        {
            hits.RemoveAt(hits.Count - 1);
        }

        var matched = response.HitsMetadata.Total?.Match(total => total?.Value ?? 0, count => count) ?? 0;
        var facets = query.WithFacets ? await FacetsAsync(query, response.Aggregations, (int)matched, cancellationToken) : null;
        var ranked = query.Query.Sort == ProductSort.Relevance && !query.Terms.IsEmpty;
        return new SearchResult(hits, more, mode, facets) { Matched = matched, RankedAt = ranked ? rankedAt : null };
    }

    private SearchRequest Request(ResolvedQuery resolved, MatchMode mode, DateTimeOffset rankedAt)
    {
        var query = resolved.Query;
        var filters = new List<Query> { new ExistsQuery(ProductFields.MinPrice) };
        if (resolved.Category is { } category)
        {
            filters.Add(category.IsLeaf
                ? new TermQuery(ProductFields.CategoryId, category.Id.ToString())
                : new PrefixQuery(ProductFields.CategoryPath, category.Path));
        }

        if (query.MinRating is { } rating)
        {
            filters.Add(new NumberRangeQuery(ProductFields.RatingAverage) { Gte = rating });
        }

        if (query.InStock == true)
        {
            filters.Add(new TermQuery(ProductFields.InStock, true));
        }

        var text = TextClauses(resolved.Terms, mode);
        Query matching = new BoolQuery { Filter = filters, Must = text.Count > 0 ? text : null };
        if (text.Count > 0)
        {
            matching = new FunctionScoreQuery
            {
                Query = matching,
                Functions =
                [
                    .. PopularityBoost(PopularityScore.Exponent(rankedAt, Limits.PopularityHalfLife)),
                    new FieldValueFactorScoreFunction(ProductFields.RatingAverage) { Modifier = FieldValueFactorModifier.Ln2p, Missing = 0 },
                ],
                ScoreMode = FunctionScoreMode.Multiply,
                BoostMode = FunctionBoostMode.Multiply,
            };
        }

        var families = PostFilters(resolved);
        var request = new SearchRequest(Indices.Index(index.Alias))
        {
            Query = matching,
            PostFilter = families.Count > 0 ? All(families.Values) : null,
            Sort = Sort(query.Sort),
            Size = resolved.PageSize + 1,
            TrackTotalHits = new TrackHits(true),
            SearchAfter = resolved.After is { } after ? SearchAfter(after, query.Sort) : null,
        };
        if (resolved.WithFacets)
        {
            request.Aggregations = Aggregations(resolved, families);
        }

        return request;
    }

    /// <summary>One required clause per word, so that every word must match somewhere, as the SQL adapters require.</summary>
    private static List<Query> TextClauses(SearchTerms terms, MatchMode mode)
    {
        var clauses = new List<Query>();
        for (var i = 0; i < terms.Words.Count; i++)
        {
            var word = terms.Words[i];
            var last = i == terms.Words.Count - 1;
            Query exact = new MultiMatchQuery(word) { Fields = TextFields, Type = TextQueryType.BestFields };
            Query prefix = new MultiMatchQuery(word) { Fields = TextFields, Type = TextQueryType.BoolPrefix };
            Query fuzzy = new MultiMatchQuery(word) { Fields = TextFields, Type = TextQueryType.BestFields, Fuzziness = new Fuzziness("AUTO") };
            clauses.Add(mode switch
            {
                MatchMode.Prefix when last => prefix,
                MatchMode.Typo when last => new BoolQuery { Should = [fuzzy, prefix], MinimumShouldMatch = 1 },
                MatchMode.Typo => fuzzy,
                _ => exact,
            });
        }

        return clauses;
    }

    /// <summary>The filters some facet family leaves out, by family key (<c>brands</c>, <c>prices</c>, <c>attr_{code}</c>).</summary>
    private static Dictionary<string, Query> PostFilters(ResolvedQuery resolved)
    {
        var query = resolved.Query;
        var families = new Dictionary<string, Query>(StringComparer.Ordinal);
        if (query.Brands.Count > 0)
        {
            families[BrandsAggregation] = new TermsQuery(ProductFields.BrandId, new TermsQueryField(query.Brands.Select(b => FieldValue.String(b.ToString())).ToArray()));
        }

        if (query.MinPrice is not null || query.MaxPrice is not null)
        {
            families[PricesAggregation] = new NumberRangeQuery(ProductFields.MinPrice) { Gte = (double?)query.MinPrice, Lte = (double?)query.MaxPrice };
        }

        foreach (var filter in query.Attributes)
        {
            var clauses = new List<Query>();
            if (filter.Values.Count > 0)
            {
                clauses.Add(new TermsQuery($"{ProductFields.Attributes}.{filter.Code}", new TermsQueryField(filter.Values.Select(FieldValue.String).ToArray())));
            }

            if (filter.Min is not null || filter.Max is not null)
            {
                clauses.Add(new TermRangeQuery($"{ProductFields.AttributeNumbers}.{filter.Code}")
                {
                    Gte = filter.Min is { } min ? ProductRows.SortableNumber(ExactNumbers.ToDouble(min)) : null,
                    Lte = filter.Max is { } max ? ProductRows.SortableNumber(ExactNumbers.ToDouble(max)) : null,
                });
            }

            if (clauses.Count > 0)
            {
                families[AttributePrefix + filter.Code] = All(clauses);
            }
        }

        return families;
    }

    private static Query All(IEnumerable<Query> filters) => new BoolQuery { Filter = filters.ToList() };

    private static Query AllBut(Dictionary<string, Query> families, string except) =>
        All(families.Where(f => f.Key != except).Select(f => f.Value));

    private Dictionary<string, Aggregation> Aggregations(ResolvedQuery resolved, Dictionary<string, Query> families)
    {
        var bounds = Limits.EffectivePriceBuckets;
        var aggregations = new Dictionary<string, Aggregation>(StringComparer.Ordinal)
        {
            [CategoriesAggregation] = Filtered(All(families.Values), new TermsAggregation { Field = ProductFields.CategoryId, Size = Limits.MaxFacetValues }),
            [BrandsAggregation] = Filtered(AllBut(families, BrandsAggregation), new TermsAggregation { Field = ProductFields.BrandId, Size = Limits.MaxFacetValues },
                new Dictionary<string, Aggregation> { [LabelAggregation] = new TermsAggregation { Field = ProductFields.BrandLabel, Size = 1 } }),
            [PricesAggregation] = Filtered(AllBut(families, PricesAggregation), new RangeAggregation
            {
                Field = ProductFields.MinPrice,
                Ranges = Enumerable.Range(0, bounds.Count + 1).Select(i => new AggregationRange
                {
                    Key = i.ToString(CultureInfo.InvariantCulture),
                    From = i == 0 ? null : (double)bounds[i - 1],
                    To = i < bounds.Count ? (double)bounds[i] : null,
                }).ToList(),
            }),
        };
        foreach (var attribute in resolved.FacetAttributes)
        {
            aggregations[AttributePrefix + attribute.Code] = Filtered(
                AllBut(families, AttributePrefix + attribute.Code),
                new TermsAggregation { Field = $"{ProductFields.Attributes}.{attribute.Code}", Size = Limits.MaxFacetValues });
        }

        return aggregations;
    }

    /// <summary>A filter aggregation named for its family, whose one sub-aggregation <c>values</c> does the counting.</summary>
    private static Aggregation Filtered(Query filter, Aggregation counting, IDictionary<string, Aggregation>? inner = null)
    {
        if (inner is not null)
        {
            counting.Aggregations = inner;
        }

        return new Aggregation { Filter = filter, Aggregations = new Dictionary<string, Aggregation> { ["values"] = counting } };
    }

    private async Task<ProductFacets> FacetsAsync(ResolvedQuery query, AggregateDictionary? aggregations, int matched, CancellationToken cancellationToken)
    {
        var brands = Terms(aggregations, BrandsAggregation)
            .Select(b => new FacetValue(Key(b), b.Aggregations?.GetStringTerms(LabelAggregation)?.Buckets.Select(Key).FirstOrDefault() ?? Key(b), (int)b.DocCount))
            .ToList();
        var categoryBuckets = Terms(aggregations, CategoriesAggregation);
        var categoryIds = categoryBuckets.Select(b => Guid.Parse(Key(b))).ToList();
        var names = await db.Categories.AsNoTracking().Where(c => categoryIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var categories = categoryBuckets
            .Select(b => new FacetValue(Key(b), names.GetValueOrDefault(Guid.Parse(Key(b)), Key(b)), (int)b.DocCount))
            .ToList();
        var bounds = Limits.EffectivePriceBuckets;
        var priceCounts = aggregations?.GetFilter(PricesAggregation)?.Aggregations?.GetRange("values")?.Buckets
            .ToDictionary(b => b.Key ?? "", b => (int)b.DocCount, StringComparer.Ordinal) ?? [];
        return new ProductFacets(
            matched,
            FacetsApproximate: false,
            Top(brands),
            Top(categories),
            Enumerable.Range(0, bounds.Count + 1)
                .Select(i => new PriceBucket(i == 0 ? 0 : bounds[i - 1], i < bounds.Count ? bounds[i] : null,
                    priceCounts.GetValueOrDefault(i.ToString(CultureInfo.InvariantCulture))))
                .ToList(),
            query.FacetAttributes
                .Select(a => new AttributeFacet(a.Code, a.Name, Terms(aggregations, AttributePrefix + a.Code)
                    .Select(b => new FacetValue(Key(b), Key(b), (int)b.DocCount))
                    .OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal)
                    .ToList()))
                .ToList());
    }

    /// <summary>In the SQL adapter's order: by count, then by label.</summary>
    private static List<FacetValue> Top(List<FacetValue> values) =>
        values.OrderByDescending(v => v.Count).ThenBy(v => v.Label, StringComparer.Ordinal).ToList();

    private static IReadOnlyCollection<StringTermsBucket> Terms(AggregateDictionary? aggregations, string family) =>
        aggregations?.GetFilter(family)?.Aggregations?.GetStringTerms("values")?.Buckets ?? [];

    private static string Key(StringTermsBucket bucket) => bucket.Key.TryGetString(out var key) ? key! : bucket.Key.ToString();

    /// <summary>Where the popularity boost's line reaches 0, in doublings of views above one view now: far past any product.</summary>
    private const double BoostReach = 60;

    /// <summary>The boost of a product viewed about once (decayed) by now, or never: the floor of the line.</summary>
    private const double BoostFloor = 4;

    /// <summary>
    /// The popularity factor of relevance, proportional to <c>4 + max(0, d)</c>, where d is the log2 of the product's views
    /// decayed to <paramref name="exponent"/> (the ranking instant's half-lives since the epoch): the stored score minus the
    /// exponent (<see cref="PopularityScore"/>). So it depends on how popular a product is now, not on when its views came:
    /// a boost of the stored score itself grows for every product as time passes, and squeezes the products viewed
    /// lately together (ln(2 + 104) against ln(2 + 108) for 1 and 16 views now, two years after the epoch). A product with
    /// 16 views now gets twice the boost of one never viewed, 1,000 views 3.5 times, a million 6 times.
    /// <para>
    /// Elasticsearch has no offset for <c>field_value_factor</c>; a <c>linear</c> decay whose origin is
    /// <see cref="BoostReach"/> doublings above <paramref name="exponent"/> is the same line, scaled by a constant
    /// (<c>(4 + d) / 64</c> with a scale of 32 at decay 0.5), for the products viewed at least once by now; the others get
    /// the line's floor as a <c>weight</c>. A product matches exactly one of the two filters.
    /// </para>
    /// </summary>
    private static FunctionScore[] PopularityBoost(double exponent)
    {
        var span = BoostReach + BoostFloor;
        return
        [
            new FunctionScore
            {
                Filter = new NumberRangeQuery(ProductFields.Popularity) { Gte = exponent },
                Linear = new NumericDecayFunction
                {
                    Field = ProductFields.Popularity,
                    Placement = new DecayPlacement<double?, double?> { Origin = exponent + BoostReach, Scale = span / 2, Decay = 0.5, Offset = 0 },
                },
            },
            new FunctionScore { Filter = new NumberRangeQuery(ProductFields.Popularity) { Lt = exponent }, Weight = BoostFloor / span },
        ];
    }

    private static List<SortOptions> Sort(ProductSort sort)
    {
        var (field, order) = SortKey(sort);
        var key = field is null
            ? new SortOptions { Score = new ScoreSort { Order = order } }
            : new FieldSort(field) { Order = order };
        return [key, new FieldSort(ProductFields.Id) { Order = order }];
    }

    private static (string? Field, SortOrder Order) SortKey(ProductSort sort) => sort switch
    {
        ProductSort.Relevance => (null, SortOrder.Desc),
        ProductSort.PriceAsc => (ProductFields.MinPrice, SortOrder.Asc),
        ProductSort.PriceDesc => (ProductFields.MinPrice, SortOrder.Desc),
        ProductSort.Rating => (ProductFields.RatingAverage, SortOrder.Desc),
        ProductSort.Newest => (ProductFields.CreatedAt, SortOrder.Desc),
        _ => (ProductFields.Popularity, SortOrder.Desc),
    };

    /// <summary>Nanoseconds since the epoch of a <see cref="DateTimeOffset.UtcTicks"/>: the newest sort's key in <c>date_nanos</c>.</summary>
    private static long Nanos(long ticks) => (ticks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>
    /// The cursor's position in the engine's terms. The cursor keeps the format the SQL adapters write (a price as a
    /// decimal, the newest key as UTC ticks), so a page of either engine continues on the other during a fallback.
    /// </summary>
    private static List<FieldValue> SearchAfter(ListingPosition after, ProductSort sort)
    {
        FieldValue key = sort == ProductSort.Newest
            ? FieldValue.Long(Nanos(after.SortTime ?? 0))
            : FieldValue.Double(ExactNumbers.ToDouble(after.SortNumber ?? 0));
        return [key, FieldValue.String(after.LastId.ToString())];
    }

    /// <remarks>
    /// A price sort's cursor takes the hit's sort value, not the document's price: the index compares the stored
    /// (scaled) value, and <c>search_after</c> must continue from exactly what it compared.
    /// </remarks>
    private static SearchHit Hit(Hit<ProductDocument> hit, ProductSort sort)
    {
        var document = hit.Source ?? throw new InvalidOperationException($"Search hit {hit.Id} has no _source.");
        var key = hit.Sort?.FirstOrDefault() ?? FieldValue.Null;
        return sort switch
        {
            ProductSort.Newest => new SearchHit(document.ToSummary(), null, document.CreatedAt.UtcTicks),
            _ => new SearchHit(document.ToSummary(), ExactNumbers.ToDecimal(key.TryGetDouble(out var number) ? number ?? 0 : key.TryGetLong(out var whole) ? whole ?? 0 : 0), null),
        };
    }
}
