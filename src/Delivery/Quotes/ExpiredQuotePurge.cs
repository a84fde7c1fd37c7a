using Marketplace.Delivery.Persistence;
using Marketplace.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Delivery.Quotes;

/// <summary>
/// Deletes quotes that expired more than <c>Delivery:ExpiredQuoteRetention</c> ago, every
/// <c>Delivery:QuotePurgeInterval</c>: every checkout page view makes one, so they must not pile up.
/// </summary>
internal sealed partial class ExpiredQuotePurge(IServiceScopeFactory scopes, IOptions<DeliverySettings> settings, TimeProvider clock, ILogger<ExpiredQuotePurge> logger)
    : PeriodicWork
{
    protected override TimeProvider Clock => clock;

    protected override ILogger Logger => logger;

    protected override TimeSpan Interval => settings.Value.QuotePurgeInterval;

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var purged = await PurgeAsync(cancellationToken);
        if (purged > 0)
        {
            LogPurged(logger, purged);
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

}
