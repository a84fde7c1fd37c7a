using System.Security.Cryptography;
using System.Text;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Escrow;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Payouts;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Marketplace.Platform;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Marketplace.Payments.Refunds;

/// <summary>
/// Refunds of seller orders' captured shares (<see cref="IPayments.RefundAsync"/>). First the amount is reserved: the
/// order's refunded total moves by one conditional update (only while it stays within the captured share), in one
/// transaction with the refund's row, whose key is the caller's refund id. Then the provider is asked under
/// <c>refund:{refundId}</c>, and its answer is saved with the ledger transaction and <see cref="PaymentRefunded"/>.
/// A refund whose provider call never came back stays pending, and asking again with its id carries it on.
/// Before the order's payout amount is fixed the refund comes from the platform alone and the payout leaves the seller's
/// part out; once it is fixed (the same row lock decides which came first), the refund also owes a reversal of the
/// seller's part from the transfer (<see cref="PayoutReversals"/>), made as soon as both the refund and the transfer are.
/// </summary>
internal sealed partial class RefundDesk(PaymentsDbContext db, IPaymentProvider provider, PayoutRun payouts, PayoutReversals reversals, PaymentsMetrics metrics, TimeProvider clock, ILogger<RefundDesk> logger)
{
    public async Task<RefundResult> RefundAsync(RefundPayment request, bool forCancellation, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        if (await db.Refunds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == request.RefundId, cancellationToken) is { } earlier)
        {
            return await RepeatAsync(earlier, request, cancellationToken);
        }

        var order = await db.EscrowOrders.AsNoTracking().SingleOrDefaultAsync(o => o.OrderId == request.OrderId, cancellationToken);
        var payment = order is null ? null : await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Reference == order.OrderGroupId, cancellationToken);
        if (order is not { CapturedMinor: { } captured } || payment is null)
        {
            return new RefundResult(RefundOutcome.NotCaptured, null, null);
        }

        if (!string.Equals(Currencies.Normalize(request.Amount.Currency), order.Currency, StringComparison.Ordinal))
        {
            return new RefundResult(RefundOutcome.Conflict, null, Refundable(order.CapturedMinor.Value - order.RefundedMinor - order.DisputeLostMinor, order.Currency));
        }

        var amount = MinorUnits.Of(request.Amount);
        if (amount <= 0)
        {
            throw new ArgumentException("A refund is above zero.", nameof(request));
        }

        var refund = await ReserveAsync(request, order, payment.Id, amount, forCancellation, cancellationToken);
        if (refund is null)
        {
            // A concurrent call with the same refund id may have taken the very amount this one asked for: then this
            // call is its repeat, not a refund above what is left.
            if (await db.Refunds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == request.RefundId, cancellationToken) is { } twin)
            {
                return await RepeatAsync(twin, request, cancellationToken);
            }

            var now = await db.EscrowOrders.AsNoTracking().SingleAsync(o => o.OrderId == request.OrderId, cancellationToken);
            return new RefundResult(RefundOutcome.ExceedsCapture, null, Refundable(captured - now.RefundedMinor - now.DisputeLostMinor, now.Currency));
        }

        return await CarryOnAsync(refund, cancellationToken);
    }

    /// <summary>The id of the refund an order's cancellation after its capture makes: the same however often the cancellation is heard.</summary>
    public static Guid CancellationRefundId(Guid orderId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"cancellation-refund:{orderId}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>
    /// Refunds what is left of a cancelled order's captured share: the order was cancelled after its group's capture
    /// (or while it ran) took its money. Nothing when the order is not cancelled, was never captured, or is refunded whole.
    /// </summary>
    public async Task RefundCancelledAsync(Guid orderId, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var order = await db.EscrowOrders.AsNoTracking().SingleOrDefaultAsync(o => o.OrderId == orderId, cancellationToken);
        if (order is not { Status: EscrowOrderStatus.Cancelled, CapturedMinor: { } captured })
        {
            return;
        }

        var refundId = CancellationRefundId(orderId);
        var left = captured - order.RefundedMinor - order.DisputeLostMinor;
        var earlier = await db.Refunds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == refundId, cancellationToken);
        if (earlier is null && left <= 0)
        {
            return;
        }

        var amount = earlier?.AmountMinor ?? left;
        var result = await RefundAsync(
            new RefundPayment(refundId, orderId, new Money(MinorUnits.ToAmount(amount, order.Currency), order.Currency), "The order was cancelled."),
            forCancellation: true,
            cancellationToken);
        LogCancellationRefund(orderId, result.Outcome);
    }

    /// <summary>
    /// Carries on a refund left pending (its provider call never came back: the process died, or the call failed on the
    /// way) under its own idempotency key, so the provider refunds it at most once; nothing when it is no longer pending.
    /// </summary>
    public async Task<RefundOutcome?> CarryOnPendingAsync(Guid refundId, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var refund = await db.Refunds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == refundId, cancellationToken);
        return refund is { Status: PaymentRefundStatus.Pending } ? (await CarryOnAsync(refund, cancellationToken)).Outcome : null;
    }

    private async Task<RefundResult> RepeatAsync(PaymentRefund earlier, RefundPayment request, CancellationToken cancellationToken)
    {
        if (earlier.OrderId != request.OrderId || earlier.AmountMinor != MinorUnits.Of(request.Amount)
            || !string.Equals(earlier.Currency, Currencies.Normalize(request.Amount.Currency), StringComparison.Ordinal))
        {
            return new RefundResult(RefundOutcome.Conflict, null, null);
        }

        return await CarryOnAsync(earlier, cancellationToken);
    }

    /// <summary>
    /// Moves the order's refunded total by the amount, only while it stays within the captured share (the database
    /// decides between concurrent refunds), and writes the refund's row in the same transaction.
    /// </summary>
    /// <returns>The pending refund, or null when the amount is above what is left.</returns>
    private async Task<PaymentRefund?> ReserveAsync(
        RefundPayment request, EscrowOrder order, Guid paymentId, long amount, bool forCancellation, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = await db.EscrowOrders
            .Where(o => o.OrderId == order.OrderId && o.CapturedMinor != null && o.RefundedMinor + o.DisputeLostMinor + amount <= o.CapturedMinor)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.RefundedMinor, o => o.RefundedMinor + amount), cancellationToken);
        if (moved == 0)
        {
            return null;
        }

        // The row is locked by the update until the commit: what it reads now is this refund's own running total (with what lost
        // disputes took: the commission given back is counted on both together), and
        // whether the payout fixed its amount before this refund (then the payout counts this refund out, so the seller's
        // part must come back from the transfer) or will fix it after (then the payout leaves it out itself).
        var locked = await db.EscrowOrders.AsNoTracking().Where(o => o.OrderId == order.OrderId)
            .Select(o => new { o.RefundedMinor, o.DisputeLostMinor, o.PayoutMinor }).SingleAsync(cancellationToken);
        var after = locked.RefundedMinor + locked.DisputeLostMinor;
        var now = clock.GetUtcNow();
        var commission = RefundBooking.CommissionPart(order.CommissionMinor, order.CapturedMinor!.Value, after - amount, after);
        var refund = new PaymentRefund
        {
            Id = request.RefundId,
            PaymentId = paymentId,
            OrderGroupId = order.OrderGroupId,
            OrderId = order.OrderId,
            SellerId = order.SellerId,
            OrderNumber = order.Number,
            AmountMinor = amount,
            SellerMinor = amount - commission,
            CommissionMinor = commission,
            ReversalMinor = locked.PayoutMinor is null ? 0 : amount - commission,
            Currency = order.Currency,
            Reason = Trim(request.Reason),
            ForCancellation = forCancellation,
            Status = PaymentRefundStatus.Pending,
            CreatedAt = now,
        };
        db.Refunds.Add(refund);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            // A concurrent call with the same refund id reserved it first; this one rolls back its own reservation and
            // answers as a repeat.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return await db.Refunds.AsNoTracking().SingleAsync(r => r.Id == request.RefundId, cancellationToken);
        }

        return refund;
    }

    /// <summary>Asks the provider under the refund's key and records its answer; a repeat is answered the same by the provider.</summary>
    private async Task<RefundResult> CarryOnAsync(PaymentRefund refund, CancellationToken cancellationToken)
    {
        if (refund.Status != PaymentRefundStatus.Pending)
        {
            return await AnswerAsync(await ReverseIfOwedAsync(refund, cancellationToken), cancellationToken);
        }

        if (refund.ReversalMinor > 0 && !await db.Payouts.AnyAsync(p => p.OrderId == refund.OrderId, cancellationToken))
        {
            // The payout fixed its amount before this refund, and its transfer may be on its way: send it first (the
            // same key and amount, so at most one transfer), so that the charge still covers it; the part of this
            // refund is then reversed from it.
            await payouts.FinishFixedAsync(refund.OrderId, cancellationToken);
        }

        var payment = await db.Payments.AsNoTracking().SingleAsync(p => p.Id == refund.PaymentId, cancellationToken);
        var amount = new Money(MinorUnits.ToAmount(refund.AmountMinor, refund.Currency), refund.Currency);
        ProviderRefund answer;
        try
        {
            answer = await provider.RefundAsync(payment.ProviderReference!, amount, refund.ProviderKey, cancellationToken);
        }
        catch (ProviderRefusedException e)
        {
            await RefuseAsync(refund.Id, e.Code, cancellationToken);
            LogRefused(e, refund.Id, refund.OrderId, e.Code);
            return await AnswerAsync(await db.Refunds.AsNoTracking().SingleAsync(r => r.Id == refund.Id, cancellationToken), cancellationToken);
        }

        db.ChangeTracker.Clear();
        var row = await db.Refunds.SingleAsync(r => r.Id == refund.Id, cancellationToken);
        if (row.Status == PaymentRefundStatus.Pending)
        {
            var now = clock.GetUtcNow();
            row.Status = PaymentRefundStatus.Refunded;
            row.ProviderReference = Trim(answer.RefundReference, PaymentRefund.MaxProviderReferenceLength);
            row.CompletedAt = now;
            row.Version++;
            db.LedgerTransactions.Add(RefundBooking.For(
                row.Id, row.PaymentId, row.OrderGroupId, payment.Provider, row.OrderId, row.OrderNumber, row.SellerId, row.AmountMinor, row.CommissionMinor, row.Currency, now));
            db.Publish(new PaymentRefunded(row.Id, row.PaymentId, row.OrderGroupId, row.OrderId, row.SellerId, amount, row.Reason, row.ForCancellation, now), clock);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                metrics.Refunded(succeeded: true);
                LogRefunded(row.Id, row.OrderId, amount.ToString());
            }
            catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || ModuleDbContext.IsUniqueViolation(e))
            {
                // A concurrent call carrying on the same refund recorded it (the provider answered both alike): booked once.
                db.ChangeTracker.Clear();
            }
        }

        var done = await db.Refunds.AsNoTracking().SingleAsync(r => r.Id == refund.Id, cancellationToken);
        return await AnswerAsync(await ReverseIfOwedAsync(done, cancellationToken), cancellationToken);
    }

    /// <summary>A refund made after the payout's amount was fixed takes the seller's part back from the transfer, if that is made yet.</summary>
    private async Task<PaymentRefund> ReverseIfOwedAsync(PaymentRefund refund, CancellationToken cancellationToken)
    {
        if (refund is not { Status: PaymentRefundStatus.Refunded, ReversalMinor: > 0, ReversedAt: null })
        {
            return refund;
        }

        await reversals.ReverseOwedAsync(refund.OrderId, cancellationToken);
        db.ChangeTracker.Clear();
        return await db.Refunds.AsNoTracking().SingleAsync(r => r.Id == refund.Id, cancellationToken);
    }

    /// <summary>The provider refused: the refund is closed as refused and its amount is freed for another refund, in one transaction.</summary>
    private async Task RefuseAsync(Guid refundId, string code, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.Refunds.SingleAsync(r => r.Id == refundId, cancellationToken);
        if (row.Status != PaymentRefundStatus.Pending)
        {
            return;
        }

        row.Status = PaymentRefundStatus.Refused;
        var providerCode = code.Length <= 60 ? code : code[..60];
        var now = clock.GetUtcNow();
        row.ProviderCode = providerCode;
        row.CompletedAt = now;
        row.Version++;
        db.Publish(
            new PaymentRefundRefused(
                row.Id, row.PaymentId, row.OrderGroupId, row.OrderId, row.SellerId, new Money(MinorUnits.ToAmount(row.AmountMinor, row.Currency), row.Currency), providerCode, now),
            clock);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return;
        }

        var amount = row.AmountMinor;
        await db.EscrowOrders.Where(o => o.OrderId == row.OrderId)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.RefundedMinor, o => o.RefundedMinor - amount), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        metrics.Refunded(succeeded: false);
    }

    private async Task<RefundResult> AnswerAsync(PaymentRefund refund, CancellationToken cancellationToken)
    {
        var order = await db.EscrowOrders.AsNoTracking().SingleAsync(o => o.OrderId == refund.OrderId, cancellationToken);
        var refundable = Refundable((order.CapturedMinor ?? 0) - order.RefundedMinor - order.DisputeLostMinor, order.Currency);
        var amount = new Money(MinorUnits.ToAmount(refund.AmountMinor, refund.Currency), refund.Currency);
        return refund.Status switch
        {
            PaymentRefundStatus.Refunded => new RefundResult(RefundOutcome.Refunded, amount, refundable),
            PaymentRefundStatus.Refused => new RefundResult(RefundOutcome.Refused, null, refundable, refund.ProviderCode),

            // Still pending: another call is carrying it on right now; its caller asks again with the same id.
            _ => throw new InvalidOperationException($"Refund {refund.Id} is still with the provider."),
        };
    }

    private static Money Refundable(long minor, string currency) => new(MinorUnits.ToAmount(Math.Max(0, minor), currency), currency);

    private static string? Trim(string? text, int max = PaymentRefund.MaxReasonLength) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Trim().Length <= max ? text.Trim() : text.Trim()[..max];

    [LoggerMessage(Level = LogLevel.Information, Message = "Refund {RefundId} of order {OrderId}: {Amount} given back")]
    private partial void LogRefunded(Guid refundId, Guid orderId, string amount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refund {RefundId} of order {OrderId}: the provider refused ({Code}); its amount is free again")]
    private partial void LogRefused(Exception exception, Guid refundId, Guid orderId, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} was cancelled after its capture: refund {Outcome}")]
    private partial void LogCancellationRefund(Guid orderId, RefundOutcome outcome);
}
