using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Marketplace.Platform;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Marketplace.Payments.Disputes;

/// <summary>
/// Brings our record of a dispute to where the provider says it now is, whatever order the news came in: the first
/// read makes the record (open, won or lost), the dispute's balance transactions are booked once each (keyed by their
/// ids), and a lost dispute charges its amount to the group's seller orders once (keyed by the dispute). A decided
/// dispute stays decided. Everything a read changes is saved at once; of two readers changing one dispute at the same
/// time one saves and the other reads again.
/// </summary>
internal sealed partial class DisputeDesk(PaymentsDbContext db, TimeProvider clock, ILogger<DisputeDesk> logger)
{
    private const int Attempts = 3;

    /// <returns>Our dispute after the read, or null when it is about a payment we did not make.</returns>
    public async Task<Dispute?> FollowAsync(ProviderDispute now, string provider, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            try
            {
                // A transaction of its own, so that a loss holds the group's orders locked from its read to its save.
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var dispute = await ApplyAsync(now, provider, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return dispute;
            }
            catch (DbUpdateException e) when (attempt < Attempts && (e is DbUpdateConcurrencyException || ModuleDbContext.IsUniqueViolation(e)))
            {
                // Another reader saved this dispute first: read again and apply what is still left to do.
                LogRaced(now.Id, attempt);
            }
        }
    }

    /// <summary>One attempt, in the caller's transaction (the webhook's inbox, or <see cref="FollowAsync"/>'s): a lost race throws.</summary>
    public async Task<Dispute?> ApplyAsync(ProviderDispute now, string provider, CancellationToken cancellationToken)
    {
        var payment = now.PaymentReference is null
            ? null
            : await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.ProviderReference == now.PaymentReference && p.Provider == provider, cancellationToken);
        if (payment is null)
        {
            LogUnknownPayment(now.Id, now.PaymentReference);
            return null;
        }

        var at = clock.GetUtcNow();
        var dispute = await db.Disputes.SingleOrDefaultAsync(d => d.Id == now.Id, cancellationToken);
        if (dispute is null)
        {
            dispute = new Dispute
            {
                Id = now.Id,
                PaymentId = payment.Id,
                OrderGroupId = payment.Reference,
                Provider = provider,
                Currency = Currencies.Normalize(now.Currency),
                OpenedAt = at,
                Status = DisputeStatus.Open,
            };
            db.Disputes.Add(dispute);
        }

        var before = (dispute.Status, dispute.ProviderStatus, dispute.AmountMinor);
        if (dispute.Status == DisputeStatus.Open)
        {
            dispute.AmountMinor = now.AmountMinor;
            dispute.Reason = Truncate(now.Reason, Dispute.MaxReasonLength);
            dispute.ProviderStatus = Truncate(now.Status, Dispute.MaxProviderStatusLength);
            dispute.Status = now.Outcome switch
            {
                ProviderDisputeOutcome.Won => DisputeStatus.Won,
                ProviderDisputeOutcome.Lost => DisputeStatus.Lost,
                _ => DisputeStatus.Open,
            };
        }

        var booked = await BookMovementsAsync(dispute, now, at, cancellationToken);
        if (dispute.Status == DisputeStatus.Lost)
        {
            booked |= await BookLossAsync(dispute, at, cancellationToken);
        }

        var changed = before != (dispute.Status, dispute.ProviderStatus, dispute.AmountMinor);
        if (changed)
        {
            dispute.UpdatedAt = at;
            dispute.ClosedAt = dispute.Status == DisputeStatus.Open ? null : at;
            dispute.Version++;
        }

        if (changed || booked)
        {
            await db.SaveChangesAsync(cancellationToken);
            LogFollowed(dispute.Id, dispute.OrderGroupId, now.Status, dispute.Status);
        }

        return dispute;
    }

    /// <summary>Books each of the dispute's balance transactions not booked yet; the ledger's unique key refuses a second booking.</summary>
    private async Task<bool> BookMovementsAsync(Dispute dispute, ProviderDispute now, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (now.Movements.Count == 0)
        {
            return false;
        }

        var keys = now.Movements.Select(m => DisputeBooking.MovementKeyOf(m.Id)).ToList();
        var done = await db.LedgerTransactions.AsNoTracking().Where(t => keys.Contains(t.Key)).Select(t => t.Key).ToListAsync(cancellationToken);
        var added = false;
        foreach (var movement in now.Movements.Where(m => !done.Contains(DisputeBooking.MovementKeyOf(m.Id))))
        {
            db.LedgerTransactions.Add(DisputeBooking.ForMovement(dispute, movement, at));
            added = true;
        }

        return added;
    }

    /// <summary>
    /// Charges a lost dispute to the group's captured seller orders, once: in proportion to what is left of each share
    /// (largest remainder), at most that. An order paid out already bears its part too: its seller's balance carries it,
    /// and the next payouts to that seller are reduced by it (<see cref="Payouts.PayoutRun"/>).
    /// </summary>
    private async Task<bool> BookLossAsync(Dispute dispute, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var key = DisputeBooking.LostKeyOf(dispute.Id);
        if (await db.LedgerTransactions.AnyAsync(t => t.Key == key, cancellationToken))
        {
            return false;
        }

        // Locked until the caller's transaction commits (FOR UPDATE; SQLite's one writer does the same): a refund reserved
        // at the same time waits, so what is left of each share, and the running total the commission given back is
        // counted on, are the ones this loss is booked against.
        var orders = await LockedOrders(dispute.OrderGroupId)
            .Where(o => o.CapturedMinor != null && o.Currency == dispute.Currency)
            .OrderBy(o => o.Number)
            .ToListAsync(cancellationToken);
        var remaining = orders.Select(o => o.RemainingMinor).ToList();
        var toSplit = Math.Min(dispute.AmountMinor, remaining.Sum());
        var lost = toSplit > 0 ? LargestRemainder.Split(toSplit, remaining) : new long[orders.Count];
        var parts = new List<(Escrow.EscrowOrder, long, long)>();
        for (var i = 0; i < orders.Count; i++)
        {
            var order = orders[i];
            var share = order.CapturedMinor ?? 0;
            var taken = order.RefundedMinor + order.DisputeLostMinor;
            var commission = RefundBooking.CommissionPart(order.CommissionMinor, share, taken, taken + lost[i]);
            order.DisputeLostMinor += lost[i];
            parts.Add((order, lost[i], commission));
        }

        db.LedgerTransactions.Add(DisputeBooking.ForLoss(dispute, parts, at));
        return true;
    }

    private IQueryable<Escrow.EscrowOrder> LockedOrders(Guid orderGroupId)
    {
        if (!db.IsPostgres)
        {
            return db.EscrowOrders.Where(o => o.OrderGroupId == orderGroupId);
        }

        var sql = $"SELECT * FROM {db.Schema}.escrow_orders WHERE order_group_id = {{0}} FOR UPDATE";
        return db.EscrowOrders.FromSqlRaw(sql, orderGroupId);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dispute {DisputeId} is about payment {PaymentReference}, which is not ours: nothing recorded")]
    private partial void LogUnknownPayment(string disputeId, string? paymentReference);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispute {DisputeId} of order group {OrderGroupId}: the provider says {ProviderStatus}, our record is {Status}")]
    private partial void LogFollowed(string disputeId, Guid orderGroupId, string providerStatus, DisputeStatus status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dispute {DisputeId}: another reader saved it first (attempt {Attempt}), reading again")]
    private partial void LogRaced(string disputeId, int attempt);
}
