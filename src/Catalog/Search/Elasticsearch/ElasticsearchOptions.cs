namespace Marketplace.Catalog.Search.Elasticsearch;

/// <summary>
/// <c>Search:Elasticsearch</c>: where the search index lives. With <see cref="Url"/> unset (the default) search stays on
/// the database; with it set (and the database on PostgreSQL) Elasticsearch answers the storefront's listings and
/// PostgreSQL answers only while Elasticsearch cannot.
/// </summary>
internal sealed class ElasticsearchOptions
{
    public const string Section = "Search:Elasticsearch";

    /// <summary>The cluster's address, e.g. <c>http://127.0.0.1:9200</c>; empty turns the adapter off.</summary>
    public string? Url { get; set; }

    /// <summary>An API key (the base64 <c>id:key</c> Elasticsearch hands out); takes precedence over a user name.</summary>
    public string? ApiKey { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The alias searches and the sync read and write; <c>reindex</c> points it at a new index <c>{alias}-{yyyyMMddHHmmssfff}-{6 random hex digits}</c>.</summary>
    public string Alias { get; set; } = "marketplace-products";

    /// <summary>How long one request may take before search falls back to PostgreSQL (or the sync retries).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Documents per <c>_bulk</c> request, for the sync and for <c>reindex</c>.</summary>
    public int BulkBatchSize { get; set; } = 500;

    /// <summary>Attempts of a <c>_bulk</c> item that Elasticsearch refused for load (429) or a server fault (5xx), before the message is redelivered.</summary>
    public int BulkRetryLimit { get; set; } = 3;

    /// <summary>Wait before the first retry of such items; doubled on each further one.</summary>
    public TimeSpan BulkRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How far before a rebuild's start its catch-up looks for changed products: the largest skew tolerated between the
    /// database's clock and the API hosts' that stamp product, listing and offer changes. Rewriting a product that did not
    /// change costs one write (the older version loses to the newer), missing one leaves it stale until its next change.
    /// </summary>
    public TimeSpan CatchUpClockMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Primary shards of a new index. One keeps facet counts exact (terms counts are per shard) and is plenty for a catalog of millions.</summary>
    public int Shards { get; set; } = 1;

    public int Replicas { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    public Uri Address => new(Url!);
}
