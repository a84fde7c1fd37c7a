using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Offers.Reservations;

/// <summary>
/// Releases held reservations past their expiry: what a checkout that crashed, or a customer who walked away from a
/// 3-D Secure step, left behind. Every replica sweeps; each release is the same conditional update a caller's release
/// is, so when two replicas (or a replica and a late commit) reach one reservation, exactly one moves it.
/// </summary>
internal sealed class ReservationSweeper(
    IServiceScopeFactory scopes, IOptions<ReservationOptions> options, TimeProvider clock, ILogger<ReservationSweeper> logger) : PeriodicWork
{
    public const string ExpiredReason = "expired";

    protected override TimeProvider Clock => clock;

    protected override ILogger Logger => logger;

    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var released = await SweepAsync(cancellationToken);
        if (released > 0)
        {
            logger.LogInformation("Released {Count} expired stock reservations", released);
        }
    }

    /// <summary>Releases every reservation expired now, a batch at a time; returns how many this replica released.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var batchSize = options.Value.SweepBatchSize;
        var released = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
            var reservations = scope.ServiceProvider.GetRequiredService<StockReservations>();
            var now = clock.GetUtcNow();
            var expired = await db.StockReservations.AsNoTracking()
                .Where(r => r.State == ReservationState.Held && r.ExpiresAt <= now)
                .Select(r => r.ReservationId)
                .Distinct()
                .Take(batchSize)
                .ToListAsync(cancellationToken);
            foreach (var reservationId in expired)
            {
                if (await reservations.ReleaseIfHeldAsync(reservationId, ExpiredReason, cancellationToken))
                {
                    released++;
                }
            }

            if (expired.Count < batchSize)
            {
                return released;
            }
        }
    }
}
