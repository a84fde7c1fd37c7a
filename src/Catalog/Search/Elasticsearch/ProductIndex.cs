using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Analysis;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;
using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Search.Elasticsearch;

/// <summary>
/// The product index: the official client set up from <see cref="ElasticsearchOptions"/>, the index's settings and
/// mappings, the alias operations <c>reindex</c> needs and the <c>_bulk</c> writes of the sync and of <c>reindex</c>.
/// </summary>
internal sealed class ProductIndex(IOptions<ElasticsearchOptions> options, SearchIndexStatus status, ILogger<ProductIndex> logger)
{
    private readonly Lazy<ElasticsearchClient> _client = new(() => CreateClient(options.Value));

    public ElasticsearchClient Client => _client.Value;

    public ElasticsearchOptions Options => options.Value;

    public string Alias => options.Value.Alias;

    /// <summary>
    /// Prices are <c>numeric(18,4)</c> and offers take four decimals: a coarser factor would store 19.995 and 20.00 as
    /// one sort value, and a price-sorted walk would tie, repeat or skip them.
    /// </summary>
    public const double PriceScalingFactor = 10_000;

    private static ElasticsearchClient CreateClient(ElasticsearchOptions options)
    {
        var settings = new ElasticsearchClientSettings(options.Address)
            .RequestTimeout(options.RequestTimeout)
            .PingTimeout(options.RequestTimeout)
            // One node: a failed call is the answer (search falls back, the sync retries), not a cue to try again here.
            .MaximumRetries(0);
        if (!string.IsNullOrWhiteSpace(options.ApiKey))
        {
            settings = settings.Authentication(new ApiKey(options.ApiKey));
        }
        else if (!string.IsNullOrWhiteSpace(options.Username))
        {
            settings = settings.Authentication(new BasicAuthentication(options.Username, options.Password ?? ""));
        }

        return new ElasticsearchClient(settings);
    }

    /// <summary>
    /// Settings and mappings of a product index. Text fields use the standard tokenizer with lower-casing and ASCII
    /// folding (<c>folded</c>), close to the <c>simple</c> configuration the PostgreSQL vector uses and as forgiving of accents.
    /// Ids and the category path are keywords (terms and prefix filters); the price is a <c>scaled_float</c> with the
    /// column's four decimals (<see cref="PriceScalingFactor"/>), so sorting and paging never tie prices that differ;
    /// <c>created_at</c> is <c>date_nanos</c>, so the newest sort's key keeps the database's microseconds and a cursor
    /// stays valid for the PostgreSQL fallback. Attributes are one <c>flattened</c> field (every value a keyword: exact
    /// filters and facet counts, one mapping whatever codes categories define); the values that read as numbers are
    /// also in the <c>flattened</c> field <c>attribute_numbers</c>, written so that their order as text is their order
    /// as numbers (<see cref="ProductRows.SortableNumber"/>), for the numeric range filters. So the mapping has a fixed
    /// number of fields whatever attribute codes sellers use, and never meets the index's total-fields limit (1,000 by
    /// default), which a field per numeric code would, rejecting products.
    /// </summary>
    public static CreateIndexRequest Definition(string index, ElasticsearchOptions options) => new(index)
    {
        Settings = new IndexSettings
        {
            NumberOfShards = options.Shards,
            NumberOfReplicas = options.Replicas,
            Analysis = new IndexSettingsAnalysis
            {
                Analyzers = new Analyzers { { ProductFields.Analyzer, new CustomAnalyzer { Tokenizer = "standard", Filter = ["lowercase", "asciifolding"] } } },
            },
        },
        Mappings = new TypeMapping
        {
            Dynamic = DynamicMapping.Strict,
            Properties = new Properties
            {
                { ProductFields.Id, new KeywordProperty() },
                { ProductFields.Title, new TextProperty { Analyzer = ProductFields.Analyzer } },
                { ProductFields.BrandId, new KeywordProperty() },
                { ProductFields.BrandName, new TextProperty { Analyzer = ProductFields.Analyzer, Fields = new Properties { { "keyword", new KeywordProperty() } } } },
                { ProductFields.CategoryId, new KeywordProperty() },
                { ProductFields.CategoryPath, new KeywordProperty() },
                { ProductFields.DescriptionText, new TextProperty { Analyzer = ProductFields.Analyzer } },
                { ProductFields.AttributesText, new TextProperty { Analyzer = ProductFields.Analyzer } },
                { ProductFields.Attributes, new FlattenedProperty() },
                { ProductFields.AttributeNumbers, new FlattenedProperty() },
                { ProductFields.Image, new KeywordProperty { Index = false, DocValues = false } },
                { ProductFields.CreatedAt, new DateNanosProperty() },
                { ProductFields.MinPrice, new ScaledFloatNumberProperty { ScalingFactor = PriceScalingFactor } },
                { ProductFields.Currency, new KeywordProperty { Index = false } },
                { ProductFields.InStock, new BooleanProperty() },
                { ProductFields.OfferCount, new IntegerNumberProperty() },
                { ProductFields.RatingAverage, new DoubleNumberProperty() },
                { ProductFields.RatingCount, new IntegerNumberProperty() },
                { ProductFields.Popularity, new DoubleNumberProperty() },
            },
        },
    };

    /// <summary>
    /// Writes the rows with <c>_bulk</c> in batches of <see cref="ElasticsearchOptions.BulkBatchSize"/>: a listed product is
    /// indexed, any other deleted, each with its external version. Items refused for load (429) or by a server fault (5xx)
    /// are sent again, with a doubling wait, up to <see cref="ElasticsearchOptions.BulkRetryLimit"/> times; then
    /// <see cref="SearchIndexUnavailableException"/> is thrown, so the caller's message is redelivered. An item rejected
    /// for what it is (another 4xx, such as a mapping error) is logged and counted, and the rest of the batch goes on;
    /// a version conflict means a newer read is already stored, and is counted as stale.
    /// </summary>
    public async Task<BulkTally> WriteAsync(string index, IReadOnlyList<ProductRow> rows, CancellationToken cancellationToken)
    {
        var tally = new BulkTally();
        foreach (var chunk in rows.Chunk(Math.Max(1, options.Value.BulkBatchSize)))
        {
            IReadOnlyList<ProductRow> pending = chunk;
            for (var attempt = 0; pending.Count > 0; attempt++)
            {
                if (attempt > 0)
                {
                    if (attempt > options.Value.BulkRetryLimit)
                    {
                        throw new SearchIndexUnavailableException(
                            $"{pending.Count} bulk item(s) still failed for load or a server fault after {options.Value.BulkRetryLimit} retries.");
                    }

                    tally.Retried += pending.Count;
                    status.Retried(pending.Count);
                    await Task.Delay(options.Value.BulkRetryDelay * Math.Pow(2, attempt - 1), cancellationToken);
                }

                pending = await SendAsync(index, pending, tally, cancellationToken);
            }
        }

        return tally;
    }

    /// <returns>The rows to send again.</returns>
    private async Task<IReadOnlyList<ProductRow>> SendAsync(string index, IReadOnlyList<ProductRow> rows, BulkTally tally, CancellationToken cancellationToken)
    {
        // Through the alias, Elasticsearch must not create a concrete index of that name when no index is built yet
        // (it would then refuse the alias reindex adds); the items come back 404 and are counted until reindex runs.
        var request = new BulkRequest(index) { Operations = [], RequireAlias = index == Alias ? true : null };
        foreach (var row in rows)
        {
            request.Operations.Add(row.Document is { } document
                ? new BulkIndexOperation<ProductDocument>(document) { Id = row.Id.ToString(), Version = row.Version, VersionType = VersionType.External }
                : new BulkDeleteOperation(row.Id.ToString()) { Version = row.Version, VersionType = VersionType.External });
        }

        var response = await Client.BulkAsync(request, cancellationToken);
        // A bulk answer with item errors is 200 with errors: true, which the client calls an invalid response; the items tell.
        if (response.ApiCallDetails.HttpStatusCode != 200 || response.Items is null || response.Items.Count != rows.Count)
        {
            if (IsTransient(response))
            {
                return rows;
            }

            throw new InvalidOperationException($"Elasticsearch refused the bulk request: {Describe(response)}");
        }

        var retry = new List<ProductRow>();
        foreach (var (row, item) in rows.Zip(response.Items))
        {
            switch (item.Status)
            {
                case >= 200 and < 300 when row.Document is null:
                case 404 when row.Document is null:
                    tally.Deleted++;
                    status.Deleted(1);
                    break;
                case >= 200 and < 300:
                    tally.Indexed++;
                    status.Indexed(1);
                    break;
                case 409:
                    tally.Stale++;
                    status.Stale(1);
                    break;
                case 429 or >= 500:
                    retry.Add(row);
                    break;
                default:
                    tally.Rejected++;
                    var reason = $"{item.Status} {item.Error?.Type}: {item.Error?.Reason}";
                    status.Rejected(row.Id, reason);
                    logger.LogError("Elasticsearch rejected product {ProductId} in {Index}: {Reason}", row.Id, index, reason);
                    break;
            }
        }

        return retry;
    }

    /// <summary>Unreachable, timed out, overloaded (429) or a server fault (5xx): worth trying again later, or answering from PostgreSQL.</summary>
    public static bool IsTransient(ElasticsearchResponse response) =>
        response.ApiCallDetails.HttpStatusCode is null or 429 or >= 500;

    /// <summary>401/403: the cluster is up but refuses these credentials (a wrong or expired key, or missing privileges).</summary>
    public static bool IsCredentialsRefusal(ElasticsearchResponse response) =>
        response.ApiCallDetails.HttpStatusCode is 401 or 403;

    public static string Describe(ElasticsearchResponse response) =>
        response.ElasticsearchServerError?.Error is { } error
            ? $"{response.ApiCallDetails.HttpStatusCode} {error.Type}: {error.Reason}"
            : response.ApiCallDetails.OriginalException is { } exception
                ? $"HTTP {response.ApiCallDetails.HttpStatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(no answer)"}: {exception.GetBaseException().Message}"
                : $"HTTP {response.ApiCallDetails.HttpStatusCode}";

    /// <summary>The indices the alias points at now; empty when there is no such alias yet.</summary>
    public async Task<IReadOnlyList<string>> AliasTargetsAsync(CancellationToken cancellationToken)
    {
        var response = await Client.Indices.GetAliasAsync(new GetAliasRequest(Names.Parse(Alias)), cancellationToken);
        if (response.ApiCallDetails.HttpStatusCode == 404)
        {
            return [];
        }

        Ensure(response, "read the alias");
        return (response.Aliases?.Keys ?? []).Order(StringComparer.Ordinal).ToList();
    }

    public static void Ensure(ElasticsearchResponse response, string doing)
    {
        if (!response.IsValidResponse)
        {
            throw IsTransient(response)
                ? new SearchIndexUnavailableException($"Could not {doing}: {Describe(response)}")
                : new InvalidOperationException($"Could not {doing}: {Describe(response)}");
        }
    }
}

/// <summary>What one <see cref="ProductIndex.WriteAsync"/> did.</summary>
internal sealed class BulkTally
{
    public int Indexed { get; set; }

    public int Deleted { get; set; }

    public int Stale { get; set; }

    public int Rejected { get; set; }

    public int Retried { get; set; }
}

/// <summary>Elasticsearch could not be reached, timed out, or answered 429/5xx: the work is to be tried again later.</summary>
internal sealed class SearchIndexUnavailableException(string message) : Exception(message);

/// <summary>Field names of the product index, shared by the mapping, the documents' readers and the queries.</summary>
internal static class ProductFields
{
    public const string Analyzer = "folded";
    public const string Id = "id";
    public const string Title = "title";
    public const string BrandId = "brand_id";
    public const string BrandName = "brand_name";
    public const string BrandLabel = "brand_name.keyword";
    public const string CategoryId = "category_id";
    public const string CategoryPath = "category_path";
    public const string DescriptionText = "description_text";
    public const string AttributesText = "attributes_text";
    public const string Attributes = "attributes";
    public const string AttributeNumbers = "attribute_numbers";
    public const string Image = "image";
    public const string CreatedAt = "created_at";
    public const string MinPrice = "min_price";
    public const string Currency = "currency";
    public const string InStock = "in_stock";
    public const string OfferCount = "offer_count";
    public const string RatingAverage = "rating_average";
    public const string RatingCount = "rating_count";
    public const string Popularity = "popularity";
}
