namespace Marketplace.Payments.Ledger;

/// <summary>
/// The ledger transaction of a refund: the money leaves the provider balance (credited), the seller's payable is
/// debited for the seller's part, and the platform's revenue for the commission's part. A refund after the payout also
/// takes the seller's part back by reversing the transfer; that step books its own transaction
/// (<see cref="ReversalBooking"/>) and leaves this one as it is.
/// </summary>
internal static class RefundBooking
{
    public const string Kind = "refund";

    public static string KeyOf(Guid refundId) => $"refund:{refundId}";

    /// <summary>
    /// The commission given back when what refunds and lost disputes took of an order together moves from
    /// <paramref name="takenBefore"/> to <paramref name="takenAfter"/>: the captured commission in proportion, counted on
    /// the one running total of both, so that refunds and losses adding up to the whole share give back exactly the whole
    /// commission (two running totals rounded down apart would leave the seller owing a minor unit).
    /// </summary>
    public static long CommissionPart(long commission, long share, long takenBefore, long takenAfter) =>
        share <= 0 || commission <= 0 ? 0 : ProportionOf(commission, share, takenAfter) - ProportionOf(commission, share, takenBefore);

    public static LedgerTransaction For(
        Guid refundId, Guid paymentId, Guid orderGroupId, string provider, Guid orderId, string orderNumber, Guid sellerId,
        long amountMinor, long commissionMinor, string currency, DateTimeOffset at)
    {
        var transaction = LedgerTransaction.Open(KeyOf(refundId), Kind, paymentId, orderGroupId, currency, at);
        transaction.Add(LedgerAccounts.Provider(provider), LedgerAccountKind.ProviderBalance, -amountMinor, "refund", orderId, orderNumber);
        transaction.Add(LedgerAccounts.SellerPayable(sellerId), LedgerAccountKind.SellerPayable, amountMinor - commissionMinor, "refund", orderId, orderNumber, sellerId);
        if (commissionMinor > 0)
        {
            transaction.Add(LedgerAccounts.PlatformRevenue, LedgerAccountKind.PlatformRevenue, commissionMinor, "commission_refund", orderId, orderNumber);
        }

        return transaction;
    }

    private static long ProportionOf(long commission, long share, long refunded) => (long)((Int128)commission * refunded / share);
}
