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
        var transaction = LedgerTransaction.Open(Payout.KeyOf(payout.OrderId), Kind, payout.PaymentId, payout.OrderGroupId, payout.Currency, payout.PaidAt);
        transaction.Add(LedgerAccounts.SellerPayable(payout.SellerId), LedgerAccountKind.SellerPayable, payout.AmountMinor, Reason, payout.OrderId, orderNumber, payout.SellerId);
        transaction.Add(LedgerAccounts.Provider(payout.Provider), LedgerAccountKind.ProviderBalance, -payout.AmountMinor, Reason, payout.OrderId, orderNumber);
        return transaction;
    }
}
