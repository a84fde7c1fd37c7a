using System.Security.Cryptography;
using System.Text;
using Marketplace.Payments.Ledger;
using Marketplace.Payments.Persistence;
using Marketplace.Platform;
using Marketplace.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Payments.Providers.Sandbox;

/// <summary>
/// One movement of the sandbox's own balance, as Stripe keeps balance transactions: the sandbox's side of the books,
/// which reconciliation holds against the ledger. It lives in the Payments database only because the sandbox has no
/// server of its own; nothing but the sandbox writes it.
/// </summary>
internal sealed class SandboxBalanceTransaction
{
    public const int MaxIdLength = 40;
    public const int MaxReferenceLength = 120;

    /// <summary>Derived from the idempotency key of the call that moved the money, so a retried call records nothing new.</summary>
    public required string Id { get; init; }

    public required string Type { get; init; }

    public required string PaymentReference { get; init; }

    public required string SourceId { get; init; }

    /// <summary>Minor units: positive for money in, negative for money out.</summary>
    public long AmountMinor { get; set; }

    public required string Currency { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// A dispute the sandbox plays, as a card network would open one on a charge (an admin opens and decides it through the
/// sandbox's routes); what <see cref="SandboxProvider.ReadDisputeAsync"/> answers, as Stripe answers <c>GET /v1/disputes/{id}</c>.
/// </summary>
internal sealed class SandboxDispute
{
    public required string Id { get; init; }

    public required string PaymentReference { get; init; }

    public long AmountMinor { get; init; }

    public required string Currency { get; init; }

    public required string Reason { get; init; }

    /// <summary>Stripe's words: <c>needs_response</c> while open, then <c>won</c> or <c>lost</c>.</summary>
    public string Status { get; set; } = SandboxBalance.DisputeOpen;

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// The sandbox's balance: it records each capture, refund, transfer, reversal and dispute movement once (per idempotency key),
/// and lists them for reconciliation. It keeps the disputes it plays too, since they move the balance as Stripe's do:
/// the disputed amount is withdrawn when one opens and reinstated when it is won.
/// </summary>
internal sealed class SandboxBalance(IServiceScopeFactory scopes, TimeProvider clock)
{
    public const string Charge = "charge";
    public const string Refund = "refund";
    public const string Transfer = "transfer";

    /// <summary>Stripe's balance transaction type of a dispute's withdrawal and reinstatement.</summary>
    public const string Adjustment = "adjustment";

    public const string DisputeOpen = "needs_response";
    public const string DisputeWon = "won";
    public const string DisputeLost = "lost";

    /// <summary>Opens a dispute on a payment's charge and withdraws the amount from the balance, as Stripe does at once.</summary>
    public async Task<SandboxDispute> OpenDisputeAsync(string paymentReference, long amountMinor, string currency, string reason, CancellationToken cancellationToken)
    {
        var dispute = new SandboxDispute
        {
            Id = $"dp_sandbox_{Guid.NewGuid():N}"[..35],
            PaymentReference = paymentReference,
            AmountMinor = amountMinor,
            Currency = Currencies.Normalize(currency),
            Reason = reason,
            CreatedAt = clock.GetUtcNow(),
        };
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
            db.SandboxDisputes.Add(dispute);
            await db.SaveChangesAsync(cancellationToken);
        }

        await RecordAsync(Adjustment, $"{dispute.Id}:withdrawal", paymentReference, dispute.Id, -amountMinor, dispute.Currency, cancellationToken);
        return dispute;
    }

    /// <summary>Decides an open dispute; a won one has its amount reinstated. Null when there is no such dispute; a decided one stays as it was.</summary>
    public async Task<SandboxDispute?> CloseDisputeAsync(string disputeId, bool won, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var dispute = await db.SandboxDisputes.SingleOrDefaultAsync(d => d.Id == disputeId, cancellationToken);
        if (dispute is null || dispute.Status != DisputeOpen)
        {
            return dispute;
        }

        if (won)
        {
            await RecordAsync(Adjustment, $"{dispute.Id}:reinstatement", dispute.PaymentReference, dispute.Id, dispute.AmountMinor, dispute.Currency, cancellationToken);
        }

        dispute.Status = won ? DisputeWon : DisputeLost;
        await db.SaveChangesAsync(cancellationToken);
        return dispute;
    }

    public async Task<ProviderDispute?> ReadDisputeAsync(string disputeId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var dispute = await db.SandboxDisputes.AsNoTracking().SingleOrDefaultAsync(d => d.Id == disputeId, cancellationToken);
        if (dispute is null)
        {
            return null;
        }

        var movements = await db.SandboxBalanceTransactions.AsNoTracking().Where(t => t.SourceId == disputeId && t.Type == Adjustment).ToListAsync(cancellationToken);
        return new ProviderDispute(
            dispute.Id,
            dispute.PaymentReference,
            dispute.AmountMinor,
            dispute.Currency,
            dispute.Status,
            dispute.Reason,
            movements.OrderBy(m => m.CreatedAt).Select(m => new ProviderDisputeMovement(m.Id, m.AmountMinor, 0, m.CreatedAt)).ToList());
    }
    /// <summary>Stripe's type for a transfer reversal's balance transaction: money back from a seller's account.</summary>
    public const string TransferReversal = "transfer_refund";

    /// <summary>Records a movement; the same <paramref name="idempotencyKey"/> again records nothing, as Stripe's replay makes no second transaction.</summary>
    public async Task RecordAsync(string type, string idempotencyKey, string paymentReference, string sourceId, long signedMinor, string currency, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        db.SandboxBalanceTransactions.Add(new SandboxBalanceTransaction
        {
            Id = IdOf(type, idempotencyKey),
            Type = type,
            PaymentReference = paymentReference,
            SourceId = sourceId,
            AmountMinor = signedMinor,
            Currency = Currencies.Normalize(currency),
            CreatedAt = clock.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            // The same call again (a retry under its key): recorded once already.
        }
    }

    public static long Minor(Money money) => MinorUnits.Of(money);

    /// <summary>The movement a call under <paramref name="idempotencyKey"/> recorded, if it did.</summary>
    public async Task<SandboxBalanceTransaction?> FindAsync(string type, string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var id = IdOf(type, idempotencyKey);
        return await db.SandboxBalanceTransactions.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
    }

    /// <summary>
    /// What is left to reverse of a transfer, in minor units, and its currency: its amount less its reversals (recorded
    /// with the transfer as their payment reference); null when the sandbox made no such transfer.
    /// </summary>
    public async Task<(long Left, string Currency)?> TransferLeftAsync(string transferReference, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var transfer = await db.SandboxBalanceTransactions.AsNoTracking()
            .SingleOrDefaultAsync(t => t.Type == Transfer && t.SourceId == transferReference, cancellationToken);
        if (transfer is null)
        {
            return null;
        }

        var reversed = await db.SandboxBalanceTransactions.AsNoTracking()
            .Where(t => t.Type == TransferReversal && t.PaymentReference == transferReference)
            .SumAsync(t => t.AmountMinor, cancellationToken);
        return (-transfer.AmountMinor - reversed, transfer.Currency);
    }

    private static string IdOf(string type, string idempotencyKey) =>
        $"txn_sandbox_{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{type}/{idempotencyKey}")))[..24]}";

    public async Task<IReadOnlyList<ProviderBalanceTransaction>> SinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var rows = await db.SandboxBalanceTransactions.AsNoTracking().Where(t => t.CreatedAt >= since).ToListAsync(cancellationToken);
        return rows.OrderBy(t => t.CreatedAt)
            .Select(t => new ProviderBalanceTransaction(t.Id, t.Type, t.AmountMinor, 0, t.Currency, t.PaymentReference, t.SourceId, t.CreatedAt))
            .ToList();
    }
}
