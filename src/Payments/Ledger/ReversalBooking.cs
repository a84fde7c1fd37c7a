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
        var transaction = LedgerTransaction.Open(KeyOf(refund.Id), Kind, refund.PaymentId, refund.OrderGroupId, refund.Currency, at);
        transaction.Add(LedgerAccounts.Provider(provider), LedgerAccountKind.ProviderBalance, refund.ReversalMinor, Reason, refund.OrderId, refund.OrderNumber);
        transaction.Add(
            LedgerAccounts.SellerPayable(refund.SellerId), LedgerAccountKind.SellerPayable, -refund.ReversalMinor, Reason, refund.OrderId, refund.OrderNumber, refund.SellerId);
        return transaction;
    }
}
