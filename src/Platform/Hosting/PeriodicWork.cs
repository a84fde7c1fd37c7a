using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Platform.Hosting;

/// <summary>
/// Background work done in passes, one every <see cref="Interval"/> on the host's clock (sweepers, schedulers, purges).
/// A pass that fails is logged and the next tick tries again: a database, broker or provider away for a while must never
/// end the work, and an exception escaping a hosted service would stop the whole host. Stopping the host ends it.
/// </summary>
public abstract partial class PeriodicWork : BackgroundService
{
    /// <summary>The time between passes, read once when the work starts.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>The clock the ticks follow (the host's, so a test that moves time moves the work).</summary>
    protected abstract TimeProvider Clock { get; }

    /// <summary>Where a failed pass is logged.</summary>
    protected abstract ILogger Logger { get; }

    /// <summary>One pass; what it does is the subclass's.</summary>
    protected abstract Task RunPassAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunPassAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(Logger, e, GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A pass of {Work} failed; the next one tries again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string work);
}
