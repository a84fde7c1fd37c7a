using Marketplace.Payments.Ledger;

namespace Marketplace.Payments.Disputes;

/// <summary>A dispute (chargeback) of an order group's charge, as the platform's books hold it.</summary>
/// <param name="Id">The provider's id of the dispute (Stripe: <c>dp_…</c>).</param>
/// <param name="PaymentId">The disputed payment.</param>
/// <param name="OrderGroupId">The checkout the payment paid for: while the dispute is open, none of its seller orders not yet paid out is paid out.</param>
/// <param name="Provider">The payment provider: <c>sandbox</c> or <c>stripe</c>.</param>
/// <param name="Amount">The disputed amount, in major units.</param>
/// <param name="AmountMinor">The same in minor units.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Reason">The provider's reason (Stripe: <c>fraudulent</c>, <c>product_not_received</c>…).</param>
/// <param name="ProviderStatus">The provider's status when last read (Stripe: <c>needs_response</c>, <c>under_review</c>, <c>won</c>, <c>lost</c>…).</param>
/// <param name="Status">Open, Won or Lost.</param>
/// <param name="OpenedAt">When the platform first heard of it.</param>
/// <param name="ClosedAt">When the platform heard it was decided; null while open.</param>
public sealed record DisputeResponse(
    string Id,
    Guid PaymentId,
    Guid OrderGroupId,
    string Provider,
    decimal Amount,
    long AmountMinor,
    string Currency,
    string Reason,
    string ProviderStatus,
    DisputeStatus Status,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ClosedAt)
{
    internal static DisputeResponse Of(Dispute dispute) => new(
        dispute.Id,
        dispute.PaymentId,
        dispute.OrderGroupId,
        dispute.Provider,
        MinorUnits.ToAmount(dispute.AmountMinor, dispute.Currency),
        dispute.AmountMinor,
        dispute.Currency,
        dispute.Reason,
        dispute.ProviderStatus,
        dispute.Status,
        dispute.OpenedAt,
        dispute.ClosedAt);
}

/// <summary>Open disputes, oldest first.</summary>
/// <param name="Disputes">At most <c>Payments:DisputeListSize</c> of them.</param>
/// <param name="More">True when more are open than the list shows.</param>
public sealed record OpenDisputesResponse(IReadOnlyList<DisputeResponse> Disputes, bool More);
