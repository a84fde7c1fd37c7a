using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Payouts;

/// <summary>
/// Runs <see cref="PayoutRun"/> on the "payouts" schedule: again at once after a pass that filled its batch (more is
/// waiting), otherwise after the run interval in force (a changed interval counts from the next wait).
/// </summary>
internal sealed partial class PayoutScheduler(PayoutRun run, IOptionsMonitor<PayoutRules> rules, TimeProvider clock, ILogger<PayoutScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var schedule = rules.CurrentValue.Schedule;
            var full = false;
            try
            {
                full = (await run.RunOnceAsync(stoppingToken)).Claimed >= schedule.BatchSize;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The next pass tries again; a database or provider that is away for a while must not end the payouts.
                LogRunFailed(e);
            }

            if (!full)
            {
                await Task.Delay(schedule.RunInterval, clock, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A payout run failed; the next one tries again")]
    private partial void LogRunFailed(Exception exception);
}
