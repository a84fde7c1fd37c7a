using Marketplace.Payments.Disputes;
using Marketplace.Payments.Escrow;

namespace Marketplace.Payments.Ledger;

/// <summary>
/// The ledger transactions of a dispute. Each of the provider's balance transactions for it is booked as it happened
/// (keyed by its id): the withdrawal moves the disputed amount from the provider's balance to disputed funds, a
/// reinstatement (a won dispute) moves it back, and the provider's dispute fee is the platform's cost. A lost dispute
/// then takes the amount out of disputed funds and charges it to the group's seller orders: each order's part is split
/// between its seller's payable and the platform's commission, in proportion, as a refund is.
/// </summary>
internal static class DisputeBooking
{
    public const string Kind = "dispute";

    /// <summary>The reason reconciliation pairs with the provider's fee.</summary>
    public const string FeeReason = "fee";

    public static string MovementKeyOf(string movementId) => $"dispute-movement:{movementId}";

    public static string LostKeyOf(string disputeId) => $"dispute-lost:{disputeId}";

    /// <summary>One of the provider's balance transactions of the dispute.</summary>
    public static LedgerTransaction ForMovement(Dispute dispute, Providers.ProviderDisputeMovement movement, DateTimeOffset at)
    {
        var transaction = New(dispute, MovementKeyOf(movement.Id), at);
        transaction.Add(LedgerAccounts.Provider(dispute.Provider), LedgerAccountKind.ProviderBalance, movement.AmountMinor, "dispute");
        transaction.Add(LedgerAccounts.DisputedFunds, LedgerAccountKind.DisputedFunds, -movement.AmountMinor, "dispute");
        if (movement.FeeMinor != 0)
        {
            transaction.Add(LedgerAccounts.Provider(dispute.Provider), LedgerAccountKind.ProviderBalance, -movement.FeeMinor, FeeReason);
            transaction.Add(LedgerAccounts.PlatformRevenue, LedgerAccountKind.PlatformRevenue, movement.FeeMinor, FeeReason);
        }

        return transaction;
    }

    /// <summary>
    /// The lost amount leaves disputed funds; <paramref name="parts"/> says what each seller order bears (its lost
    /// part, and of it the commission given back). What no order can bear (nothing left of any share) the platform does.
    /// </summary>
    public static LedgerTransaction ForLoss(Dispute dispute, IReadOnlyList<(EscrowOrder Order, long LostMinor, long CommissionMinor)> parts, DateTimeOffset at)
    {
        var transaction = New(dispute, LostKeyOf(dispute.Id), at);
        transaction.Add(LedgerAccounts.DisputedFunds, LedgerAccountKind.DisputedFunds, -dispute.AmountMinor, "dispute_lost");
        var borne = 0L;
        foreach (var (order, lost, commission) in parts.Where(p => p.LostMinor > 0))
        {
            transaction.Add(LedgerAccounts.SellerPayable(order.SellerId), LedgerAccountKind.SellerPayable, lost - commission, "dispute_lost", order.OrderId, order.Number, order.SellerId);
            if (commission > 0)
            {
                transaction.Add(LedgerAccounts.PlatformRevenue, LedgerAccountKind.PlatformRevenue, commission, "commission_refund", order.OrderId, order.Number);
            }

            borne += lost;
        }

        if (dispute.AmountMinor > borne)
        {
            transaction.Add(LedgerAccounts.PlatformRevenue, LedgerAccountKind.PlatformRevenue, dispute.AmountMinor - borne, "dispute_lost");
        }

        return transaction;
    }

    private static LedgerTransaction New(Dispute dispute, string key, DateTimeOffset at) =>
        LedgerTransaction.Open(key, Kind, dispute.PaymentId, dispute.OrderGroupId, dispute.Currency, at);
}
