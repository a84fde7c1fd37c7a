using Marketplace.Payments.Payouts;

namespace Marketplace.Payments.Ledger;

/// <summary>
/// The ledger transaction of a payout: the seller order's share less commission leaves the seller's payable account
/// (debited: the platform owes it no more) and the provider's balance (credited: the money went to the seller's account).
/// Keyed <c>payout:{orderId}</c>, so a seller order is booked as paid once.
/// </summary>
internal static class PayoutBooking
{
    public const string Kind = "payout";
    public const string Reason = "payout";

    public static LedgerTransaction For(Payout payout, string orderNumber)
    {
        var transaction = new LedgerTransaction
        {
            Id = Guid.CreateVersion7(payout.PaidAt),
            Key = Payout.KeyOf(payout.OrderId),
            Kind = Kind,
            PaymentId = payout.PaymentId,
            OrderGroupId = payout.OrderGroupId,
            Currency = payout.Currency,
            RecordedAt = payout.PaidAt,
        };
        LedgerEntry Entry(string account, LedgerAccountKind kind, long amount) => new()
        {
            TransactionId = transaction.Id,
            Account = account,
            AccountKind = kind,
            SellerId = kind == LedgerAccountKind.SellerPayable ? payout.SellerId : null,
            OrderId = payout.OrderId,
            OrderNumber = orderNumber,
            Amount = amount,
            Currency = payout.Currency,
            Reason = Reason,
            RecordedAt = payout.PaidAt,
        };
        transaction.Entries.Add(Entry(LedgerAccounts.SellerPayable(payout.SellerId), LedgerAccountKind.SellerPayable, payout.AmountMinor));
        transaction.Entries.Add(Entry(LedgerAccounts.Provider(payout.Provider), LedgerAccountKind.ProviderBalance, -payout.AmountMinor));
        return transaction;
    }
}
