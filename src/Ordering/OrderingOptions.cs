using Marketplace.Platform.Paging;

namespace Marketplace.Ordering;

/// <summary>Ordering's settings, bound from the <c>Ordering</c> configuration section.</summary>
internal sealed class OrderingOptions
{
    public const string Section = "Ordering";

    /// <summary>How long an Idempotency-Key of a checkout is remembered after its first use (the draft asks for at least 24 hours).</summary>
    public TimeSpan IdempotencyKeyLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a repeat of a checkout that is still running waits for its answer before it is told 409: concurrent
    /// duplicates of a quick checkout then all read the one answer.
    /// </summary>
    public TimeSpan IdempotencyWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long stock stays held for a checkout whose payment has not settled. Longer than the payment's action timeout
    /// (<c>Payments:ActionTimeout</c>), so that a completed 3-D Secure step still finds its units.
    /// </summary>
    public TimeSpan ReservationLifetime { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// How long after it began a checkout whose Idempotency-Key is still unanswered is taken for stopped even though its
    /// runner is alive (a checkout stuck inside a live replica), and finished without waiting for its stock hold to lapse:
    /// its repeats learn the outcome then instead of 409 until the hold lapses. Longer than any checkout runs. A checkout
    /// whose runner has stopped beating (<see cref="RunnerHeartbeat"/>) is finished sooner.
    /// </summary>
    public TimeSpan OrphanedCheckoutAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often a process that serves checkout says it is alive (<c>ordering.checkout_runners</c>). A checkout whose
    /// runner missed three beats has stopped with it (a SIGKILL, a lost machine): its repeat, or the sweeper, finishes it
    /// from its payment's state at once, and its key is answered.
    /// </summary>
    public TimeSpan RunnerHeartbeat { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Base64 of at least 32 bytes: the key guests' order access tokens are derived from; every replica needs the same one.
    /// Without it, a key is derived from <c>Paging:CursorKey</c> (required in production); a development host with
    /// neither makes one at start, and then only that process can show a token again on an idempotent replay.
    /// </summary>
    public string? OrderTokenKey { get; set; }

    /// <summary>Rows per page of the customer's and the seller's order lists.</summary>
    public int DefaultPageSize { get; set; } = 20;

    /// <summary>The largest <c>limit</c> an order list accepts.</summary>
    public int MaxPageSize { get; set; } = 100;

    /// <summary>Most rows one bulk status change takes.</summary>
    public int MaxBulkRows { get; set; } = 10_000;

    /// <summary>The largest body one bulk status change may carry.</summary>
    public long MaxBulkBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The longest line (JSON Lines) or record (CSV) of a bulk status change.</summary>
    public int MaxBulkLineBytes { get; set; } = 4 * 1024;

    /// <summary>How often the sweeper looks for checkouts a crash left unfinished.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most abandoned checkouts one sweep finishes; the rest wait for the next sweep.</summary>
    public int SweepBatchSize { get; set; } = 100;

    /// <summary>
    /// Checkouts one replica runs at once; the ones beyond wait in a short queue (<see cref="MaxCheckoutsQueued"/>), then
    /// get a 503 with Retry-After. A checkout is mostly CPU in this process and round trips to PostgreSQL, so more in
    /// flight than a few per core only queues them inside the process, where their latency grows with no gain in
    /// throughput: the default is 8 per core.
    /// </summary>
    public int MaxCheckoutsInFlight { get; set; } = Environment.ProcessorCount * 8;

    /// <summary>
    /// Checkouts one replica keeps waiting for a slot when <see cref="MaxCheckoutsInFlight"/> run; the ones beyond get the
    /// 503 at once. 0 turns the queue off. The default, 32 per core, holds about two seconds of what one replica places on
    /// a busy two-core machine (loadtests/RESULTS.md, "Issue 13: the checkout gate's queue"): enough to ride out a peer's
    /// restart, and under a sustained overload it adds about that much to an accepted checkout's wait at most.
    /// </summary>
    public int MaxCheckoutsQueued { get; set; } = Environment.ProcessorCount * 32;

    /// <summary>
    /// How long a queued checkout waits for a slot before it gets the 503. Short: long enough to ride out a replica taking
    /// over its peer's share or a collection, far shorter than a client's timeout. Zero turns the queue off.
    /// </summary>
    public TimeSpan CheckoutQueueWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The Retry-After of a checkout refused because too many are in flight.</summary>
    public TimeSpan CheckoutRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The Retry-After of a shipment refused because the order's carrier did not answer.</summary>
    public TimeSpan CarrierRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    public PageLimits PageLimits => new(DefaultPageSize, MaxPageSize);
}
