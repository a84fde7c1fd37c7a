namespace Marketplace.Payments.Disputes;

/// <summary>Where a dispute (chargeback) of an order group's charge stands in the platform's books.</summary>
public enum DisputeStatus
{
    /// <summary>Opened and not decided: the payouts of the group's seller orders not yet paid out are frozen.</summary>
    Open,

    /// <summary>Decided for the platform (or an inquiry closed without a chargeback): the payouts are released.</summary>
    Won,

    /// <summary>Decided for the customer: the disputed amount is gone, and the sellers' payables bear it.</summary>
    Lost,
}

/// <summary>
/// A dispute (chargeback) of an order group's charge, kept as the provider last described it. The charge pays for the
/// whole group, so the dispute is the group's: while it is open no seller order of the group is paid out, and when it
/// is lost the amount is split over the group's seller orders in proportion to what is left of each one's share.
/// Won and lost are final: a later read that says otherwise (a stale or reordered event) changes nothing.
/// </summary>
internal sealed class Dispute
{
    public const int MaxIdLength = 100;
    public const int MaxProviderStatusLength = 40;
    public const int MaxReasonLength = 60;

    /// <summary>The provider's id of the dispute (Stripe: <c>dp_…</c>).</summary>
    public string Id { get; set; } = "";

    public Guid PaymentId { get; set; }

    public Guid OrderGroupId { get; set; }

    public string Provider { get; set; } = "";

    /// <summary>The disputed amount, in minor units of <see cref="Currency"/>.</summary>
    public long AmountMinor { get; set; }

    public string Currency { get; set; } = "";

    /// <summary>The provider's reason (Stripe: <c>fraudulent</c>, <c>product_not_received</c>…).</summary>
    public string Reason { get; set; } = "";

    /// <summary>The provider's own status when last read (Stripe: <c>needs_response</c>, <c>under_review</c>, <c>won</c>…).</summary>
    public string ProviderStatus { get; set; } = "";

    public DisputeStatus Status { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Moved on every change, so that of two webhooks changing one dispute at once only one saves.</summary>
    public int Version { get; set; }
}
