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

    public bool UsesSandbox => string.Equals(Provider, Sandbox, StringComparison.OrdinalIgnoreCase);

    public bool UsesStripe => string.Equals(Provider, Stripe, StringComparison.OrdinalIgnoreCase);
}
