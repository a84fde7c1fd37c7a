using Marketplace.Ordering.Reading;

namespace Marketplace.Ordering.Refunds;

/// <summary>One refund of an order.</summary>
/// <param name="Id">The refund.</param>
/// <param name="OrderId">The order refunded.</param>
/// <param name="Status"><c>pending</c> (with the payment provider), <c>refunded</c>, or <c>refused</c> (nothing was refunded).</param>
/// <param name="Amount">What is given back.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Lines">The lines and units refunded; empty for a refund by amount.</param>
/// <param name="Reason">Why, when given.</param>
/// <param name="RequestedBy">Who asked: <c>seller</c> or <c>admin</c>.</param>
/// <param name="Restocked">True when the units went back to stock (an order refunded before it shipped).</param>
/// <param name="CreatedAt">When it was asked.</param>
/// <param name="CompletedAt">When the provider confirmed or it was refused.</param>
public sealed record RefundResponse(
    Guid Id, Guid OrderId, string Status, decimal Amount, string Currency, IReadOnlyList<RefundLineResponse> Lines, string? Reason,
    string RequestedBy, bool Restocked, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)
{
    internal static RefundResponse From(OrderRefund refund) => new(
        refund.Id,
        refund.OrderId,
        OrderWords.Of(refund.Status),
        refund.Amount,
        refund.Currency,
        [.. refund.Lines.OrderBy(l => l.LineId).Select(l => new RefundLineResponse(l.LineId, l.Quantity, l.Amount))],
        refund.Reason,
        OrderWords.Of(refund.RequestedByKind),
        refund.Restocked,
        refund.CreatedAt,
        refund.CompletedAt);
}

/// <summary>Units of one line a refund gave back.</summary>
/// <param name="LineId">The order line.</param>
/// <param name="Quantity">Units.</param>
/// <param name="Amount">What they cost, as the line was priced.</param>
public sealed record RefundLineResponse(Guid LineId, int Quantity, decimal Amount);

/// <summary>An order's refunds, and what is left to refund.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Total">What the customer paid for the order.</param>
/// <param name="Refunded">What refunds by line or amount have given back (pending ones included).</param>
/// <param name="Refundable">What can still be refunded; 0 for a cancelled order, which its cancellation refunds whole.</param>
/// <param name="Refunds">The refunds, oldest first.</param>
public sealed record OrderRefundsResponse(Guid OrderId, string Currency, decimal Total, decimal Refunded, decimal Refundable, IReadOnlyList<RefundResponse> Refunds);
