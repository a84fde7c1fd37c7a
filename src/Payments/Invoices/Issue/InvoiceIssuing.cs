using MassTransit;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Escrow;
using Marketplace.Payments.Persistence;
using Marketplace.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Payments.Invoices.Issue;

/// <summary>
/// Issues the invoices of a booked capture: one per seller order it paid for. Each seller's counter row is locked
/// (<c>FOR UPDATE</c> on PostgreSQL; SQLite's one writer does the same) before the order's invoice is looked for and
/// numbered, so two issues for one seller wait for each other and take consecutive numbers, a repeat finds the
/// invoice and takes none, and a rollback gives its number back with the rest of the transaction.
/// </summary>
internal sealed class InvoiceIssuing(PaymentsDbContext db, TimeProvider clock)
{
    /// <returns>False when this message had been applied already.</returns>
    public Task<bool> IssueForCaptureAsync(Guid messageId, PaymentCaptured captured, CancellationToken cancellationToken) =>
        db.ApplyOnceAsync(messageId, nameof(InvoiceIssuing), clock, async ct =>
        {
            var ids = captured.CapturedOrderIds.ToList();
            var orders = await db.EscrowOrders.AsNoTracking().Where(o => ids.Contains(o.OrderId)).ToListAsync(ct);

            // Sellers in one order, so that two captures sharing sellers take their counters' locks alike and cannot deadlock.
            foreach (var order in orders.OrderBy(o => o.SellerId).ThenBy(o => o.OrderId))
            {
                await IssueAsync(order, captured.PaymentId, ct);
            }
        }, cancellationToken);

    private async Task IssueAsync(EscrowOrder order, Guid paymentId, CancellationToken cancellationToken)
    {
        var last = await LockCounterAsync(order.SellerId, cancellationToken);
        if (await db.Invoices.AnyAsync(i => i.OrderId == order.OrderId, cancellationToken))
        {
            return;
        }

        var number = last + 1;
        await db.InvoiceCounters.Where(c => c.SellerId == order.SellerId)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.LastNumber, number), cancellationToken);
        var sellerName = await db.InvoiceSellers.AsNoTracking().Where(s => s.SellerId == order.SellerId).Select(s => s.Name).FirstOrDefaultAsync(cancellationToken);
        var now = clock.GetUtcNow();
        db.Invoices.Add(new Invoice
        {
            Id = Guid.CreateVersion7(now),
            SellerId = order.SellerId,
            Number = number,
            OrderId = order.OrderId,
            OrderGroupId = order.OrderGroupId,
            PaymentId = paymentId,
            OrderNumber = order.Number,
            SellerName = sellerName,
            Currency = order.Currency,
            OrderTotalMinor = order.TotalMinor,
            IssuedAt = now,
        });

        // Saved now, so that the next order of the same seller in this capture finds this one's number taken.
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Creates the seller's counter at 0 if it has none, then holds its row until the transaction ends; the last number used.</summary>
    private async Task<long> LockCounterAsync(Guid sellerId, CancellationToken cancellationToken)
    {
        var table = db.IsPostgres ? $"{db.Schema}.invoice_counters" : "invoice_counters";
        var create = $"INSERT INTO {table} (seller_id, last_number) VALUES ({{0}}, 0) ON CONFLICT (seller_id) DO NOTHING";
        await db.Database.ExecuteSqlRawAsync(create, [sellerId], cancellationToken);
        var read = $"SELECT last_number AS \"Value\" FROM {table} WHERE seller_id = {{0}}{(db.IsPostgres ? " FOR UPDATE" : "")}";
        // Not composed over (no LIMIT around it), so that the lock clause stays on the statement as written.
        return (await db.Database.SqlQueryRaw<long>(read, sellerId).ToListAsync(cancellationToken)).Single();
    }
}

/// <summary>Issues a capture's invoices when Payments' own <see cref="PaymentCaptured"/> comes back from the bus.</summary>
internal sealed class InvoiceIssuingConsumer(InvoiceIssuing issuing) : IConsumer<PaymentCaptured>
{
    public Task Consume(ConsumeContext<PaymentCaptured> context) =>
        issuing.IssueForCaptureAsync(
            context.MessageId ?? throw new InvalidOperationException("A PaymentCaptured without a MessageId cannot be de-duplicated."),
            context.Message,
            context.CancellationToken);
}
