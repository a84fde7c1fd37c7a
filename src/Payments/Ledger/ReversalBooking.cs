using Marketplace.Payments.Refunds;

namespace Marketplace.Payments.Ledger;

/// <summary>
/// The ledger transaction of a transfer reversal: a refund after the seller's payout took the seller's part of it back
/// from the seller's account. The money arrives at the provider's balance (debited), and the seller's payable is
/// credited by it, which cancels the refund's debit there: a paid-out seller's payable comes back to zero, never below.
/// (The refund's own transaction already gave back the commission's part from the platform's revenue.) Keyed
/// <c>reversal:{refundId}</c>, so a refund is reversed in the books once.
/// </summary>
internal static class ReversalBooking
{
    public const string Kind = "reversal";
    public const string Reason = "reversal";

    public static string KeyOf(Guid refundId) => $"reversal:{refundId}";

    public static LedgerTransaction For(PaymentRefund refund, string provider, DateTimeOffset at)
    {
        var transaction = new LedgerTransaction
        {
            Id = Guid.CreateVersion7(at),
            Key = KeyOf(refund.Id),
            Kind = Kind,
            PaymentId = refund.PaymentId,
            OrderGroupId = refund.OrderGroupId,
            Currency = refund.Currency,
            RecordedAt = at,
        };
        LedgerEntry Entry(string account, LedgerAccountKind kind, long amount) => new()
        {
            TransactionId = transaction.Id,
            Account = account,
            AccountKind = kind,
            SellerId = kind == LedgerAccountKind.SellerPayable ? refund.SellerId : null,
            OrderId = refund.OrderId,
            OrderNumber = refund.OrderNumber,
            Amount = amount,
            Currency = refund.Currency,
            Reason = Reason,
            RecordedAt = at,
        };
        transaction.Entries.Add(Entry(LedgerAccounts.Provider(provider), LedgerAccountKind.ProviderBalance, refund.ReversalMinor));
        transaction.Entries.Add(Entry(LedgerAccounts.SellerPayable(refund.SellerId), LedgerAccountKind.SellerPayable, -refund.ReversalMinor));
        return transaction;
    }
}
