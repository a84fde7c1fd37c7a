using Marketplace.Notifications.Deliveries;
using Marketplace.Notifications.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Notifications.Dispatch;

/// <summary>
/// Claims due deliveries for one replica by leasing them. A delivery is due when it is pending, its time has come, no
/// replica holds it, its endpoint is enabled, and no older delivery of the same order to the same endpoint is still
/// pending, and the order's previous event has been recorded here (or <c>OrderHoldBack</c> has passed): those two rules
/// keep each order's events in order at each receiver, even when the broker hands them over out of order, while other
/// orders and endpoints go on.
/// </summary>
internal static class DeliveryClaims
{
    public static async Task<IReadOnlyList<long>> ClaimAsync(
        NotificationsDbContext db, DateTimeOffset now, TimeSpan lease, TimeSpan holdBack, int batch, CancellationToken cancellationToken)
    {
        var leaseEnd = now + lease;
        var heldSince = now - holdBack;
        if (db.IsPostgres)
        {
            // SKIP LOCKED lets replicas claim side by side: each passes over the rows another is claiming this instant.
            var s = db.Schema;
            var sql = $$"""
                UPDATE {{s}}.webhook_deliveries AS d SET leased_until = {0}
                WHERE d.sequence IN (
                    SELECT c.sequence FROM {{s}}.webhook_deliveries AS c
                    JOIN {{s}}.webhook_endpoints AS e ON e.id = c.endpoint_id
                    WHERE c.status = 'Pending' AND c.next_attempt_at <= {1} AND (c.leased_until IS NULL OR c.leased_until < {1}) AND e.enabled
                      AND NOT EXISTS (
                          SELECT 1 FROM {{s}}.webhook_deliveries AS p
                          WHERE p.endpoint_id = c.endpoint_id AND p.order_id = c.order_id AND p.status = 'Pending' AND p.order_version < c.order_version)
                      AND (c.awaits_version IS NULL OR c.created_at <= {3} OR EXISTS (
                          SELECT 1 FROM {{s}}.order_event_marks AS m WHERE m.order_id = c.order_id AND m.version = c.awaits_version))
                    ORDER BY c.next_attempt_at
                    LIMIT {2}
                    FOR UPDATE OF c SKIP LOCKED)
                RETURNING d.sequence AS "Value"
                """;
            return await db.Database.SqlQueryRaw<long>(sql, leaseEnd, now, batch, heldSince).ToListAsync(cancellationToken);
        }

        // SQLite has one writer at a time and no row locks: pick candidates, then lease each with a conditional update,
        // so that of two processes on one file only one wins a row.
        var candidates = await db.Deliveries
            .Where(c => c.Status == DeliveryStatus.Pending && c.NextAttemptAt <= now && (c.LeasedUntil == null || c.LeasedUntil < now)
                        && db.Endpoints.Any(e => e.Id == c.EndpointId && e.Enabled)
                        && !db.Deliveries.Any(p => p.EndpointId == c.EndpointId && p.OrderId == c.OrderId && p.Status == DeliveryStatus.Pending && p.OrderVersion < c.OrderVersion)
                        && (c.AwaitsVersion == null || c.CreatedAt <= heldSince
                            || db.OrderEventMarks.Any(m => m.OrderId == c.OrderId && m.Version == c.AwaitsVersion)))
            .OrderBy(c => c.NextAttemptAt)
            .Select(c => c.Sequence)
            .Take(batch)
            .ToListAsync(cancellationToken);
        var claimed = new List<long>();
        foreach (var sequence in candidates)
        {
            var won = await db.Deliveries
                .Where(d => d.Sequence == sequence && d.Status == DeliveryStatus.Pending && (d.LeasedUntil == null || d.LeasedUntil < now))
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.LeasedUntil, leaseEnd), cancellationToken);
            if (won == 1)
            {
                claimed.Add(sequence);
            }
        }

        return claimed;
    }
}
