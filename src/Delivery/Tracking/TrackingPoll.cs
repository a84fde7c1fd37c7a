using Marketplace.Delivery.Contracts;
using Marketplace.Delivery.Persistence;
using Marketplace.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Delivery.Tracking;

/// <summary>
/// The fallback of webhooks (CDEK does not resend one it could not deliver): every <c>Delivery:TrackingPollInterval</c>,
/// parcels still on their way that neither a webhook nor a poll has told anything new for
/// <c>Delivery:TrackingQuietAfter</c> are tracked through their carrier's port and recorded like a webhook. Each parcel
/// is claimed by a conditional update of its poll time, so replicas never ask about the same parcel in one round.
/// Parcels of carriers this host has no adapter for (a seller's own tracking number with another carrier) are not polled.
/// </summary>
internal sealed partial class TrackingPoll(IServiceScopeFactory scopes, IOptions<DeliverySettings> settings, TimeProvider clock, ILogger<TrackingPoll> logger)
    : PeriodicWork
{
    protected override TimeProvider Clock => clock;

    protected override ILogger Logger => logger;

    protected override TimeSpan Interval => settings.Value.TrackingPollInterval;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => PollAsync(cancellationToken);

    /// <summary>One round; how many parcels moved.</summary>
    public async Task<int> PollAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeliveryDbContext>();
        var carriers = scope.ServiceProvider.GetServices<IDeliveryCarrier>().ToDictionary(c => c.CarrierId);
        var progress = scope.ServiceProvider.GetRequiredService<ParcelProgress>();
        var carrierIds = carriers.Keys.ToList();
        var quietBefore = clock.GetUtcNow() - settings.Value.TrackingQuietAfter;
        var due = await db.Parcels.AsNoTracking()
            .Where(p => p.Status != ShipmentStatus.Delivered && p.Status != ShipmentStatus.Returned && p.Status != ShipmentStatus.Cancelled)
            .Where(p => carrierIds.Contains(p.CarrierId) && p.LastEventAt < quietBefore && (p.PolledAt == null || p.PolledAt < quietBefore))
            .OrderBy(p => p.PolledAt ?? p.LastEventAt)
            .Take(settings.Value.TrackingPollBatchSize)
            .Select(p => new { p.Id, p.CarrierId, p.TrackingNumber, p.PolledAt })
            .ToListAsync(cancellationToken);
        var moved = 0;
        foreach (var parcel in due)
        {
            var now = clock.GetUtcNow();
            var claimed = await db.Parcels
                .Where(p => p.Id == parcel.Id && p.PolledAt == parcel.PolledAt)
                .ExecuteUpdateAsync(set => set.SetProperty(p => p.PolledAt, now), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }

            ShipmentTracking? tracking;
            try
            {
                tracking = await carriers[parcel.CarrierId].TrackAsync(parcel.TrackingNumber, cancellationToken);
            }
            catch (CarrierUnavailableException e)
            {
                LogCarrierDown(logger, parcel.CarrierId, e.Message);
                continue;
            }

            if (tracking is null)
            {
                LogUnknown(logger, parcel.CarrierId, parcel.TrackingNumber);
                continue;
            }

            if (await progress.RecordAsync(parcel.Id, tracking.Events, cancellationToken))
            {
                moved++;
            }
        }

        return moved;
    }

    [LoggerMessage(LogLevel.Warning, "Tracking poll: carrier {Carrier} did not answer ({Reason}); its parcels are asked again next round")]
    private static partial void LogCarrierDown(ILogger logger, string carrier, string reason);

    [LoggerMessage(LogLevel.Warning, "Tracking poll: carrier {Carrier} knows no parcel {TrackingNumber}")]
    private static partial void LogUnknown(ILogger logger, string carrier, string trackingNumber);

}
