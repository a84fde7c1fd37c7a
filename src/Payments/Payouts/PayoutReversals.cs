using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Marketplace.Payments.Refunds;
using Marketplace.Platform;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Marketplace.Payments.Payouts;

/// <summary>
/// Takes back from a seller's transfer the seller's part of each refund reserved after the order's payout amount was
/// fixed (<see cref="PaymentRefund.ReversalMinor"/>), once that refund is made and the transfer exists. The refund
/// desk asks right after the refund, the payout run right after the transfer (whichever comes second finds both) and
/// on every pass for any still owed (after a crash or a refusal). Each reversal is asked under <c>reversal:{refundId}</c>
/// (a new key after each refusal: <see cref="PaymentRefund.ReversalAttempt"/>) and booked with its ledger transaction (unique key) in one save, so asking twice reverses and books once.
/// </summary>
internal sealed partial class PayoutReversals(PaymentsDbContext db, IPaymentProvider provider, TimeProvider clock, ILogger<PayoutReversals> logger)
{
    private sealed record Owed(Guid RefundId, Guid OrderId, long AmountMinor, string Currency, string TransferReference, int Refusals);

    /// <summary>Reverses what the order's refunds are owed; nothing while its transfer is not made yet.</summary>
    /// <returns>How many reversals this call made and booked.</returns>
    public async Task<int> ReverseOwedAsync(Guid orderId, CancellationToken cancellationToken) =>
        await ReverseAsync(await OwedQuery(db.Refunds.Where(r => r.OrderId == orderId)).ToListAsync(cancellationToken), cancellationToken);

    /// <summary>Up to <paramref name="batch"/> reversals owed on any order, oldest refund first.</summary>
    public async Task<int> ReverseAnyOwedAsync(int batch, CancellationToken cancellationToken) =>
        await ReverseAsync(await OwedQuery(db.Refunds).Take(batch).ToListAsync(cancellationToken), cancellationToken);

    private IQueryable<Owed> OwedQuery(IQueryable<PaymentRefund> refunds) =>
        from refund in refunds.AsNoTracking()
        where refund.ReversalMinor > 0 && refund.ReversedAt == null && refund.Status == PaymentRefundStatus.Refunded
        join payout in db.Payouts.AsNoTracking() on refund.OrderId equals payout.OrderId
        where payout.TransferReference != "" && payout.Provider == provider.Name
        orderby refund.CreatedAt
        select new Owed(refund.Id, refund.OrderId, refund.ReversalMinor, refund.Currency, payout.TransferReference, refund.ReversalAttempt);

    private async Task<int> ReverseAsync(IReadOnlyList<Owed> owed, CancellationToken cancellationToken)
    {
        var made = 0;
        foreach (var one in owed)
        {
            ProviderReversal reversal;
            try
            {
                reversal = await provider.ReverseTransferAsync(
                    one.TransferReference, new Money(MinorUnits.ToAmount(one.AmountMinor, one.Currency), one.Currency), PaymentRefund.ReversalKeyOf(one.RefundId, one.Refusals), cancellationToken);
            }
            catch (ProviderRefusedException e)
            {
                // Still owed: the seller's payable shows the debt, and a later payout pass asks again, under the next
                // attempt's key (Stripe would answer this one's refusal for a day). Only the first to count it moves it.
                var refusals = one.Refusals;
                await db.Refunds
                    .Where(r => r.Id == one.RefundId && r.ReversalAttempt == refusals && r.ReversedAt == null)
                    .ExecuteUpdateAsync(set => set.SetProperty(r => r.ReversalAttempt, refusals + 1), cancellationToken);
                LogReversalRefused(e, one.RefundId, one.OrderId, e.Code);
                continue;
            }

            db.ChangeTracker.Clear();
            var row = await db.Refunds.SingleAsync(r => r.Id == one.RefundId, cancellationToken);
            if (row.ReversedAt is not null)
            {
                continue;
            }

            var now = clock.GetUtcNow();
            row.ReversalReference = reversal.ReversalReference.Length <= PaymentRefund.MaxProviderReferenceLength
                ? reversal.ReversalReference
                : reversal.ReversalReference[..PaymentRefund.MaxProviderReferenceLength];
            row.ReversedAt = now;
            row.Version++;
            db.LedgerTransactions.Add(ReversalBooking.For(row, provider.Name, now));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                made++;
                LogReversed(one.RefundId, one.OrderId, one.AmountMinor, one.Currency, reversal.ReversalReference);
            }
            catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || ModuleDbContext.IsUniqueViolation(e))
            {
                // Another caller booked the same reversal (the provider answered both with one): booked once.
                db.ChangeTracker.Clear();
            }
        }

        return made;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refund {RefundId} of order {OrderId}: {AmountMinor} {Currency} (minor units) taken back from the seller's transfer, reversal {ReversalId}")]
    private partial void LogReversed(Guid refundId, Guid orderId, long amountMinor, string currency, string reversalId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refund {RefundId} of order {OrderId}: the provider refused the transfer reversal ({Code}); it stays owed")]
    private partial void LogReversalRefused(Exception exception, Guid refundId, Guid orderId, string code);
}
