namespace Marketplace.Payments.Providers.Stripe;

/// <summary>The Stripe provider's settings (<c>Payments:Stripe</c>), read when <c>Payments:Provider</c> is <c>stripe</c>.</summary>
internal sealed class StripeOptions
{
    public const string Section = "Payments:Stripe";

    /// <summary>The secret API key (<c>sk_live_…</c>, or <c>sk_test_…</c> for test mode).</summary>
    public string? SecretKey { get; set; }

    /// <summary>The signing secret of the webhook endpoint (<c>whsec_…</c>), which proves an event came from Stripe.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Where Stripe's API is; unset means Stripe itself. Tests point it at a local double.</summary>
    public string? ApiBase { get; set; }

    /// <summary>
    /// How old a signed event may be (Stripe's default, 300 s): a captured request replayed later is refused, while the
    /// clocks of Stripe and of this host may differ a little.
    /// </summary>
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>The largest webhook body read; Stripe's events are a few kilobytes, so anything near this is not Stripe.</summary>
    public int MaxWebhookBytes { get; set; } = 256 * 1024;

    /// <summary>How often Stripe.net retries a call that failed on the network or with a retryable status, with the same idempotency key.</summary>
    public int MaxNetworkRetries { get; set; } = 2;

    /// <summary>Balance transactions per page when reconciliation lists them (Stripe allows 1 to 100); all pages are read.</summary>
    public int BalancePageSize { get; set; } = 100;
}
