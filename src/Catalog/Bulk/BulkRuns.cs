using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Bulk;

/// <summary>
/// The bulk requests running in this process, per seller and in total. A bulk run holds a database connection and
/// its batch in memory for as long as the body streams in, so a client that opens many at once (or sends them
/// slowly) would exhaust both; past <see cref="CatalogOptions.MaxConcurrentBulkRunsPerSeller"/> a seller is told to
/// wait (429), past <see cref="CatalogOptions.MaxConcurrentBulkRuns"/> everyone is (503), before a row is read.
/// </summary>
/// <remarks>
/// The runs also share a pace, <see cref="CatalogOptions.BulkRowsPerSecond"/> (<see cref="PaceAsync"/>): a bulk file is
/// background work for its seller, while shoppers' reads and single updates are not, and written at full speed a
/// 100,000-row file takes both cores of a small replica for half a minute.
/// </remarks>
internal sealed class BulkRuns(IOptions<CatalogOptions> options, TimeProvider clock)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, int> _bySeller = [];
    private int _total;
    private long _paceFreeAt;

    /// <summary>
    /// Waits until this replica's bulk runs, together, have used up the time their earlier batches were given at
    /// <see cref="CatalogOptions.BulkRowsPerSecond"/>, then books <paramref name="rows"/> rows' worth. The first batch
    /// after a quiet spell goes at once; zero rows per second paces nothing.
    /// </summary>
    public async Task PaceAsync(int rows, CancellationToken cancellationToken)
    {
        var rate = options.Value.BulkRowsPerSecond;
        if (rate <= 0 || rows <= 0)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcTicks;
        long start;
        lock (_lock)
        {
            start = Math.Max(now, _paceFreeAt);
            _paceFreeAt = start + (long)(TimeSpan.TicksPerSecond * (double)rows / rate);
        }

        if (start > now)
        {
            await Task.Delay(TimeSpan.FromTicks(start - now), clock, cancellationToken);
        }
    }

    /// <summary>Runs of the seller in progress now.</summary>
    public int RunningFor(Guid sellerId)
    {
        lock (_lock)
        {
            return _bySeller.GetValueOrDefault(sellerId);
        }
    }

    /// <summary>A place for one run of the seller (dispose it when the run ends), or the refusal to answer with.</summary>
    public (IDisposable? Run, ProblemHttpResult? Refusal) TryStart(Guid sellerId, HttpResponse response)
    {
        var limits = options.Value;
        lock (_lock)
        {
            var mine = _bySeller.GetValueOrDefault(sellerId);
            if (mine >= limits.MaxConcurrentBulkRunsPerSeller)
            {
                return (null, Busy(response, StatusCodes.Status429TooManyRequests, "Too many bulk requests of this seller",
                    $"A seller runs at most {limits.MaxConcurrentBulkRunsPerSeller} bulk request(s) at once; wait for the running one to finish. Nothing of this request was written."));
            }

            if (_total >= limits.MaxConcurrentBulkRuns)
            {
                return (null, Busy(response, StatusCodes.Status503ServiceUnavailable, "Bulk requests are busy",
                    $"At most {limits.MaxConcurrentBulkRuns} bulk requests run at once; retry later. Nothing of this request was written."));
            }

            _bySeller[sellerId] = mine + 1;
            _total++;
        }

        return (new Run(this, sellerId), null);
    }

    private ProblemHttpResult Busy(HttpResponse response, int status, string title, string detail)
    {
        response.Headers.RetryAfter = ((int)Math.Ceiling(options.Value.BulkBusyRetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: status, title: title, detail: detail);
    }

    private void End(Guid sellerId)
    {
        lock (_lock)
        {
            _total--;
            if (--_bySeller[sellerId] == 0)
            {
                _bySeller.Remove(sellerId);
            }
        }
    }

    private sealed class Run(BulkRuns runs, Guid sellerId) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                runs.End(sellerId);
            }
        }
    }
}
