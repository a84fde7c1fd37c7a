namespace Marketplace.Payments.Ledger;

/// <summary>One seller order's part of a capture: what it was priced at, and the platform's commission on it.</summary>
internal sealed record CapturedOrder(Guid OrderId, string Number, Guid SellerId, long TotalMinor, long CommissionMinor = 0);

/// <summary>
/// The ledger transaction of a capture: the customer's money arrives at the provider (provider balance debited, buyer
/// funds credited), then leaves buyer funds as each seller order's share, payable to its seller less the platform's
/// commission. The captured amount is split over the orders by their totals with <see cref="LargestRemainder"/>, so the
/// shares add up to it exactly even when it differs from the orders' sum.
/// </summary>
internal static class CaptureBooking
{
    public const string Kind = "capture";

    public static string KeyOf(Guid paymentId) => $"capture:{paymentId}";

    /// <summary>Each order's part of the captured amount, in the orders' order: proportional to their totals, adding up exactly.</summary>
    public static long[] SharesOf(long capturedMinor, IReadOnlyList<long> orderTotals) => LargestRemainder.Split(capturedMinor, orderTotals);

    public static LedgerTransaction For(
        Guid paymentId, Guid orderGroupId, string provider, long capturedMinor, string currency, IReadOnlyList<CapturedOrder> orders, DateTimeOffset at)
    {
        if (orders.Count == 0)
        {
            throw new ArgumentException("A capture pays for at least one order.", nameof(orders));
        }

        var transaction = LedgerTransaction.Open(KeyOf(paymentId), Kind, paymentId, orderGroupId, currency, at);
        transaction.Add(LedgerAccounts.Provider(provider), LedgerAccountKind.ProviderBalance, capturedMinor, "capture");
        transaction.Add(LedgerAccounts.BuyerFunds, LedgerAccountKind.BuyerFunds, -capturedMinor, "capture");
        var shares = SharesOf(capturedMinor, orders.Select(o => o.TotalMinor).ToList());
        for (var i = 0; i < orders.Count; i++)
        {
            var order = orders[i];
            var commission = Math.Min(order.CommissionMinor, shares[i]);
            transaction.Add(LedgerAccounts.BuyerFunds, LedgerAccountKind.BuyerFunds, shares[i], "order_share", order.OrderId, order.Number);
            transaction.Add(
                LedgerAccounts.SellerPayable(order.SellerId), LedgerAccountKind.SellerPayable, -(shares[i] - commission), "order_share", order.OrderId, order.Number, order.SellerId);
            if (commission > 0)
            {
                transaction.Add(LedgerAccounts.PlatformRevenue, LedgerAccountKind.PlatformRevenue, -commission, "commission", order.OrderId, order.Number);
            }
        }

        return transaction;
    }
}
