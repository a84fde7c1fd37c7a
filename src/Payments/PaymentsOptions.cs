namespace Marketplace.Payments;

/// <summary>Payments' settings, bound from the <c>Payments</c> configuration section.</summary>
internal sealed class PaymentsOptions
{
    public const string Section = "Payments";

    /// <summary>The sandbox provider's name in <see cref="Provider"/>.</summary>
    public const string Sandbox = "sandbox";

    /// <summary>The Stripe provider's name in <see cref="Provider"/>.</summary>
    public const string Stripe = "stripe";

    /// <summary>
    /// Which provider authorises payments: <c>sandbox</c> (the default in Development, Testing and demo runs) or
    /// <c>stripe</c>. A production host must name one explicitly.
    /// </summary>
    public string Provider { get; set; } = Sandbox;

    /// <summary>How long the customer has to complete a required action (3-D Secure) before the payment is canceled.</summary>
    public TimeSpan ActionTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the sweeper looks for abandoned actions and for authorisations a crash left unfinished.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most payments one sweep handles; the rest wait for the next sweep.</summary>
    public int SweepBatchSize { get; set; } = 100;

    /// <summary>
    /// How long the provider may take to answer an authorisation. A repeat waits this long for a concurrent one to
    /// finish; past it, the repeat (or the sweeper) resumes the authorisation with the same idempotency key.
    /// </summary>
    public TimeSpan ProviderTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest amount one payment may authorise, in the payment's currency (Stripe's card limit is 999,999.99).</summary>
    public decimal MaxAmount { get; set; } = 999_999.99m;

    /// <summary>
    /// How long before an authorisation lapses (its <c>capture_before</c>) the capture scheduler captures what is
    /// accepted so far, whether or not every seller has answered: time for a slow or failing provider call to be retried.
    /// </summary>
    public TimeSpan CaptureSafetyMargin { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long after the first of a group's orders reached Payments its order set counts as complete even though the
    /// orders' totals do not add up to the payment (a discount on the whole checkout): Ordering publishes a group's
    /// orders together, so by then every one has arrived.
    /// </summary>
    public TimeSpan GroupQuietPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the pending-refund sweeper looks for refunds whose provider call never came back.</summary>
    public TimeSpan RefundRetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a refund may stay pending before the sweeper carries it on with its own idempotency key: longer than a
    /// provider call takes (with its retries), so that a refund still being asked is not asked a second time alongside.
    /// </summary>
    public TimeSpan RefundRetryGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a replica's pending-refund sweeper holds the refunds it claimed before another replica may take them.</summary>
    public TimeSpan RefundClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a replica's capture scheduler holds the payments it claimed before another replica may take them.</summary>
    public TimeSpan CaptureClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a payout run holds the seller orders it claimed before another run may take them: long enough for a
    /// batch of transfers; a run that died leaves its orders to the next after this.
    /// </summary>
    public TimeSpan PayoutClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Statement lines per page when the caller names no <c>limit</c>.</summary>
    public int StatementPageSize { get; set; } = 50;

    /// <summary>The most statement lines one page may hold.</summary>
    public int MaxStatementPageSize { get; set; } = 500;

    /// <summary>How many statement lines a CSV download reads from the database at a time while it streams.</summary>
    public int StatementCsvBatchSize { get; set; } = 1000;

    /// <summary>Invoices per page of a seller's invoice list when the caller names no <c>limit</c>.</summary>
    public int InvoicePageSize { get; set; } = 50;

    /// <summary>The most invoices one page of the list may hold.</summary>
    public int MaxInvoicePageSize { get; set; } = 200;

    /// <summary>How often the reconciliation job holds the provider's balance transactions to the ledger.</summary>
    public TimeSpan ReconciliationInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How far back each reconciliation looks, from the end of its window.</summary>
    public TimeSpan ReconciliationLookback { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// How long before a run its window ends: a capture or refund is at the provider a moment before the ledger books
    /// it, and must not be reported missing meanwhile.
    /// </summary>
    public TimeSpan ReconciliationSettleDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How much wider than the window both sides are read, so that the two sides of one movement pair across the window's edges.</summary>
    public TimeSpan ReconciliationSlack { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The most differences a report lists; it always counts them all.</summary>
    public int MaxReportedDifferences { get; set; } = 500;

    /// <summary>How many open disputes the admins' list shows at most (oldest first).</summary>
    public int DisputeListSize { get; set; } = 200;

    public bool UsesSandbox => string.Equals(Provider, Sandbox, StringComparison.OrdinalIgnoreCase);

    public bool UsesStripe => string.Equals(Provider, Stripe, StringComparison.OrdinalIgnoreCase);
}
