using Marketplace.Payments.Contracts;
using Marketplace.Payments.Disputes;
using Marketplace.Payments.Escrow;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Payments.Providers;
using Marketplace.Payments.Refunds;
using Marketplace.Platform;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Payouts;

/// <summary>What one pass of the payout run did.</summary>
/// <param name="AccountsChecked">Sellers' accounts read again from the provider because money waited on them.</param>
/// <param name="Claimed">Payable seller orders this pass claimed.</param>
/// <param name="Paid">Of those, how many it transferred and booked.</param>
public sealed record PayoutRunResponse(int AccountsChecked, int Claimed, int Paid);

/// <summary>
/// Pays sellers. A seller order is payable when its share is captured, it was delivered at least the protection window
/// ago (rules "payouts"), it is not paid yet, and its seller's account at the payment's provider is ready
/// (<see cref="PayableOrders"/>: the one place that says so). Each pass first reads again the accounts, not ready yet,
/// of sellers whose money waits, so a seller who finishes onboarding is paid on this pass; then claims payable orders
/// by lease (with SKIP LOCKED on PostgreSQL, so replicas and concurrent runs share the work and never take the same
/// order), and for each fixes the amount on the order first (<see cref="EscrowOrder.PayoutMinor"/>, so that a retry
/// sends the same parameters), makes one transfer under the key <c>payout:{orderId}</c> (a new key after each refusal:
/// <see cref="EscrowOrder.PayoutAttempt"/>) and books it in one save with
/// the payout record (unique per order) and the ledger transaction (unique key), then reverses from it what refunds
/// after the amount was fixed owe (<see cref="PayoutReversals"/>); each pass also carries on reversals still owed. An
/// order whose seller is not ready stays payable: the seller's balance accrues and is paid on a later pass.
/// </summary>
internal sealed partial class PayoutRun(
    IServiceScopeFactory scopes, IOptionsMonitor<PayoutRules> rules, IOptions<PaymentsOptions> options, PaymentsMetrics metrics, TimeProvider clock, ILogger<PayoutRun> logger)
{
    public async Task<PayoutRunResponse> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var provider = scope.ServiceProvider.GetRequiredService<IPaymentProvider>();
        var current = rules.CurrentValue;
        var checkedAccounts = await RefreshWaitingAccountsAsync(db, provider, current, cancellationToken);
        var claimed = await ClaimAsync(db, provider.Name, current, cancellationToken);
        var reversals = scope.ServiceProvider.GetRequiredService<PayoutReversals>();
        var paid = 0;
        foreach (var orderId in claimed)
        {
            if (await PayAsync(db, provider, orderId, current, cancellationToken))
            {
                paid++;
            }

            // A refund that landed while the transfer was on its way waited for it to exist.
            await reversals.ReverseOwedAsync(orderId, cancellationToken);
        }

        await reversals.ReverseAnyOwedAsync(current.Schedule.BatchSize, cancellationToken);

        return new PayoutRunResponse(checkedAccounts, claimed.Count, paid);
    }

    /// <summary>
    /// Finishes the payout of an order whose amount is fixed but whose transfer is not booked: the same transfer (same
    /// key, same amount) again, then its booking. A refund that lands while the transfer is on its way sends it first,
    /// so that the charge still covers the transfer when the refund takes its part, and then reverses that part from it.
    /// </summary>
    public async Task<bool> FinishFixedAsync(Guid orderId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        if (!await db.EscrowOrders.AnyAsync(o => o.OrderId == orderId && o.PayoutMinor != null && o.PaidOutAt == null, cancellationToken))
        {
            return false;
        }

        return await PayAsync(db, scope.ServiceProvider.GetRequiredService<IPaymentProvider>(), orderId, rules.CurrentValue, cancellationToken);
    }

    /// <summary>
    /// The seller orders the platform owes money on now, before the seller's account is considered: captured, delivered
    /// at least the protection window before <paramref name="now"/>, not paid, and with no open dispute of the group's
    /// charge (a dispute freezes every seller order of the group not paid out yet, since the charge pays for them all).
    /// </summary>
    internal static IQueryable<EscrowOrder> PayableOrders(PaymentsDbContext db, PayoutRules rules, DateTimeOffset now)
    {
        var deliveredBy = now - rules.ProtectionWindow;
        return db.EscrowOrders.Where(o => o.PaidOutAt == null
            && o.CapturedMinor != null
            && o.InCapture
            && o.Status == EscrowOrderStatus.Accepted
            && o.DeliveredAt != null && o.DeliveredAt <= deliveredBy
            && !db.Disputes.Any(d => d.OrderGroupId == o.OrderGroupId && d.Status == DisputeStatus.Open));
    }

    private async Task<int> RefreshWaitingAccountsAsync(PaymentsDbContext db, IPaymentProvider provider, PayoutRules current, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var waiting = await db.SellerPayoutAccounts
            .Where(a => !a.Ready && a.Provider == provider.Name && PayableOrders(db, current, now).Any(o => o.SellerId == a.SellerId))
            .OrderBy(a => a.CheckedAt)
            .Take(current.Schedule.BatchSize)
            .ToListAsync(cancellationToken);
        foreach (var account in waiting)
        {
            try
            {
                account.Apply(await provider.ReadSellerAccountAsync(account.AccountId, cancellationToken), clock.GetUtcNow());
            }
            catch (ProviderRefusedException e)
            {
                LogAccountUnreadable(e, account.SellerId, account.AccountId);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return waiting.Count;
    }

    /// <summary>
    /// Leases a batch of payable orders of sellers ready at the provider through the claim loop the sweepers share
    /// (<see cref="LeaseClaims"/>): replicas, and runs started side by side, claim at once and never the same order, and
    /// the lease keeps a claimed order from the next pass while it is paid.
    /// </summary>
    private Task<IReadOnlyList<Guid>> ClaimAsync(PaymentsDbContext db, string providerName, PayoutRules current, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var s = db.Schema;
        var claim = new LeaseClaim<EscrowOrder, Guid>(
            "escrow_orders",
            "order_id",
            "payout_claimed_until",
            $$"""
            c.paid_out_at IS NULL AND c.captured_minor IS NOT NULL AND c.in_capture AND c.status = 'Accepted'
            AND c.delivered_at <= {0}
            AND EXISTS (SELECT 1 FROM {{s}}.seller_payout_accounts AS a WHERE a.seller_id = c.seller_id AND a.ready AND a.provider = {1})
            AND EXISTS (SELECT 1 FROM {{s}}.payments AS p WHERE p.reference = c.order_group_id AND p.provider = {1})
            AND NOT EXISTS (SELECT 1 FROM {{s}}.disputes AS d WHERE d.order_group_id = c.order_group_id AND d.status = 'Open')
            """,
            [now - current.ProtectionWindow, providerName],
            "c.delivered_at",
            PayableOrders(db, current, now)
                .Where(o => db.SellerPayoutAccounts.Any(a => a.SellerId == o.SellerId && a.Ready && a.Provider == providerName))
                .Where(o => db.Payments.Any(p => p.Reference == o.OrderGroupId && p.Provider == providerName))
                .OrderBy(o => o.DeliveredAt),
            o => o.OrderId,
            o => o.PayoutClaimedUntil);
        return LeaseClaims.ClaimAsync(db, claim, now, now + options.Value.PayoutClaimLease, current.Schedule.BatchSize, cancellationToken);
    }

    private async Task<bool> PayAsync(PaymentsDbContext db, IPaymentProvider provider, Guid orderId, PayoutRules current, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetUtcNow();
        var order = await PayableOrders(db, current, now).SingleOrDefaultAsync(o => o.OrderId == orderId, cancellationToken);
        var account = order is null ? null : await db.SellerPayoutAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.SellerId == order.SellerId, cancellationToken);
        var payment = order is null ? null : await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.Reference == order.OrderGroupId, cancellationToken);
        if (order is null || account is not { Ready: true } || payment is null || account.Provider != payment.Provider)
        {
            // Paid by a run that held an older lease, or no longer payable: nothing to do.
            return false;
        }

        var payout = new Payout
        {
            OrderId = order.OrderId,
            SellerId = order.SellerId,
            OrderGroupId = order.OrderGroupId,
            PaymentId = payment.Id,
            AmountMinor = await FixAmountAsync(db, order.OrderId, cancellationToken),
            Currency = order.Currency,
            Provider = payment.Provider,
            Destination = account.AccountId,
        };
        if (payout.AmountMinor > 0)
        {
            try
            {
                var transfer = await provider.TransferAsync(
                    new ProviderTransferInstruction(
                        Money.Of(MinorUnits.ToAmount(payout.AmountMinor, payout.Currency), payout.Currency),
                        account.AccountId,
                        order.OrderGroupId,
                        payment.ChargeReference,
                        order.OrderId,
                        Payout.TransferKeyOf(order.OrderId, order.PayoutAttempt)),
                    cancellationToken);
                payout.TransferReference = transfer.TransferReference;
            }
            catch (ProviderRefusedException e)
            {
                // Left payable: the lease runs out and a later pass tries again, under the next attempt's key (this one's
                // refusal is what the provider would answer it for a day). Only the first to count this refusal moves it.
                var refusals = order.PayoutAttempt;
                await db.EscrowOrders
                    .Where(o => o.OrderId == order.OrderId && o.PayoutAttempt == refusals && o.PaidOutAt == null)
                    .ExecuteUpdateAsync(set => set.SetProperty(o => o.PayoutAttempt, refusals + 1), cancellationToken);
                LogTransferRefused(e, order.OrderId, e.Code, refusals + 1);
                metrics.PaidOut(paid: false);
                return false;
            }
        }

        payout.PaidAt = clock.GetUtcNow();
        order.PaidOutAt = payout.PaidAt;
        db.Payouts.Add(payout);
        if (payout.AmountMinor > 0)
        {
            db.LedgerTransactions.Add(PayoutBooking.For(payout, order.Number));
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            // A run whose lease had run out booked the same transfer (the provider answered both with one): booked once.
            LogAlreadyPaid(order.OrderId);
            return false;
        }

        metrics.PaidOut(paid: true);
        LogPaid(order.OrderId, order.SellerId, payout.AmountMinor, payout.Currency, payout.TransferReference);
        return true;
    }

    /// <summary>
    /// Fixes what the order's payout transfers, once, before the provider is asked: by a conditional update that holds
    /// only while the refunded total (and what lost disputes took) is the one the amount was computed from, so that a
    /// refund reserved at the same time is either counted in it or finds the amount fixed and owes a reversal (the
    /// database's row lock decides which).
    /// A retry after a lost answer reads the amount fixed by the first attempt and sends the same transfer again. The
    /// amount is the order's payable, netted against a debt the seller carries (<see cref="NettedAsync"/>); the seller's
    /// fixes are taken one at a time (a transaction-scoped advisory lock per seller on PostgreSQL; SQLite has one
    /// writer), so two runs paying one indebted seller at once do not both read the debt as still owed.
    /// </summary>
    private static async Task<long> FixAmountAsync(PaymentsDbContext db, Guid orderId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var order = await db.EscrowOrders.AsNoTracking().SingleAsync(o => o.OrderId == orderId, cancellationToken);
            if (order.PayoutMinor is { } fixedBefore)
            {
                return fixedBefore;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (db.IsPostgres)
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0}, {1})", [NettingLock, order.SellerId.GetHashCode()], cancellationToken);
            }

            long? amount = await NettedAsync(db, order, cancellationToken);
            var (refunded, lost) = (order.RefundedMinor, order.DisputeLostMinor);
            var won = await db.EscrowOrders
                .Where(o => o.OrderId == orderId && o.PayoutMinor == null && o.RefundedMinor == refunded && o.DisputeLostMinor == lost)
                .ExecuteUpdateAsync(set => set.SetProperty(o => o.PayoutMinor, amount), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (won == 1)
            {
                return amount.Value;
            }

            // A refund or a lost dispute moved what was taken since it was read (or another run fixed the amount): read again.
        }
    }

    /// <summary>
    /// The order's payable less what the seller owes on the orders already paid or being paid (never below zero): a
    /// dispute lost after a payout, or a refund after one whose reversal did not take it back, leaves the seller owing
    /// on that order, and this payout carries the debt off first. What the seller is owed on those orders is their
    /// ledger lines (their payouts booked), less the amounts fixed and not booked yet (those transfers are on their
    /// way), plus what refunds after a payout debited and their owed reversals will take back from the transfer (netting
    /// that here too would take it twice). Orders not paid yet do not hide a debt: each is paid its own payable.
    /// </summary>
    private static async Task<long> NettedAsync(PaymentsDbContext db, EscrowOrder order, CancellationToken cancellationToken)
    {
        var account = LedgerAccounts.SellerPayable(order.SellerId);
        var paidOrBeingPaid = db.EscrowOrders.Where(o => o.SellerId == order.SellerId && o.Currency == order.Currency && o.PayoutMinor != null && o.OrderId != order.OrderId);
        var onThem = -await db.LedgerEntries
            .Where(e => e.Account == account && e.Currency == order.Currency && paidOrBeingPaid.Any(o => o.OrderId == e.OrderId))
            .SumAsync(e => e.Amount, cancellationToken);
        var underway = await paidOrBeingPaid.Where(o => o.PaidOutAt == null).SumAsync(o => o.PayoutMinor!.Value, cancellationToken);
        var reversing = await db.Refunds
            .Where(r => r.SellerId == order.SellerId && r.Currency == order.Currency && r.ReversalMinor > 0 && r.ReversedAt == null && r.Status == PaymentRefundStatus.Refunded)
            .SumAsync(r => r.ReversalMinor, cancellationToken);
        var debt = Math.Max(0, underway - onThem - reversing);
        return Math.Max(0, order.PayableMinor - debt);
    }

    /// <summary>The first key of the advisory lock that takes one seller's payout amounts one at a time.</summary>
    private const int NettingLock = 0x7061_796F;

    [LoggerMessage(Level = LogLevel.Information, Message = "Seller order {OrderId}: paid {AmountMinor} {Currency} (minor units) to seller {SellerId}, transfer {TransferId}")]
    private partial void LogPaid(Guid orderId, Guid sellerId, long amountMinor, string currency, string transferId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Seller order {OrderId}: another run paid it first")]
    private partial void LogAlreadyPaid(Guid orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seller order {OrderId}: the provider refused the transfer ({Code}); a later run tries again as attempt {Attempt}")]
    private partial void LogTransferRefused(Exception exception, Guid orderId, string code, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seller {SellerId}: account {AccountId} could not be read from the provider")]
    private partial void LogAccountUnreadable(Exception exception, Guid sellerId, string accountId);
}
