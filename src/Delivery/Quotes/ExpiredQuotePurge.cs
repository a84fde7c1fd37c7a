using Marketplace.Delivery.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Delivery.Quotes;

/// <summary>
/// Deletes quotes that expired more than <c>Delivery:ExpiredQuoteRetention</c> ago, every
/// <c>Delivery:QuotePurgeInterval</c>: every checkout page view makes one, so they must not pile up.
/// </summary>
internal sealed partial class ExpiredQuotePurge(IServiceScopeFactory scopes, IOptions<DeliverySettings> settings, TimeProvider clock, ILogger<ExpiredQuotePurge> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Value.QuotePurgeInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var purged = await PurgeAsync(stoppingToken);
                if (purged > 0)
                {
                    LogPurged(logger, purged);
                }
            }
#pragma warning disable CA1031 // A database outage must not stop the host; the next tick tries again.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogFailed(logger, e);
            }
        }
    }

    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeliveryDbContext>();
        var before = clock.GetUtcNow() - settings.Value.ExpiredQuoteRetention;
        return await db.Quotes.Where(q => q.ExpiresAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Purged {Count} expired delivery quotes")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(LogLevel.Warning, "Purging expired delivery quotes failed; the next round tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
