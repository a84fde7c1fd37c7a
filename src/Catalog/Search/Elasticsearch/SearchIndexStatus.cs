using Marketplace.Platform.Hosting;

namespace Marketplace.Catalog.Search.Elasticsearch;

/// <summary>
/// What the index writes did since the host started, shown under <c>search-index</c> on <c>GET /api/v1/system</c>:
/// documents indexed and deleted, writes skipped as stale (a newer read was already stored), items sent again after
/// a 429/5xx, and items Elasticsearch rejected (with the last rejection), which need a look at the mapping or data.
/// </summary>
internal sealed class SearchIndexStatus : IComponentStatus
{
    private readonly Lock _gate = new();
    private long _indexed, _deleted, _stale, _retried, _rejected;
    private string? _lastRejection;

    public string Component => "search-index";

    public void Indexed(int count) => Interlocked.Add(ref _indexed, count);

    public void Deleted(int count) => Interlocked.Add(ref _deleted, count);

    public void Stale(int count) => Interlocked.Add(ref _stale, count);

    public void Retried(int count) => Interlocked.Add(ref _retried, count);

    public long RejectedCount => Interlocked.Read(ref _rejected);

    public long RetriedCount => Interlocked.Read(ref _retried);

    public void Rejected(Guid productId, string reason)
    {
        Interlocked.Increment(ref _rejected);
        lock (_gate)
        {
            _lastRejection = $"{productId}: {reason}";
        }
    }

    public object Report()
    {
        lock (_gate)
        {
            return new Dictionary<string, object?>
            {
                ["indexed"] = Interlocked.Read(ref _indexed),
                ["deleted"] = Interlocked.Read(ref _deleted),
                ["stale"] = Interlocked.Read(ref _stale),
                ["retried"] = Interlocked.Read(ref _retried),
                ["rejected"] = Interlocked.Read(ref _rejected),
                ["lastRejection"] = _lastRejection,
            };
        }
    }
}
