using Marketplace.Notifications.Email.Transport;
using Marketplace.Notifications.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Notifications.Email;

/// <summary>
/// The relay of the mail outbox: every <c>DispatchInterval</c> it claims due mails (a lease, so replicas never send one
/// at the same time), hands each to the transport, and on failure tries again with exponential backoff and jitter until
/// <c>MaxMailAge</c>. An SMTP server that is down delays mail; it loses none. A sent mail's bodies are dropped.
/// </summary>
internal sealed partial class MailDispatcher(
    IServiceScopeFactory scopes, IMailTransport transport, IOptions<EmailOptions> options, TimeProvider clock, ILogger<MailDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogTransport(logger, transport.Description);
        using var timer = new PeriodicTimer(options.Value.DispatchInterval, clock);
        var lastPurge = DateTimeOffset.MinValue;
        do
        {
            try
            {
                if (clock.GetUtcNow() - lastPurge >= options.Value.PurgeInterval)
                {
                    lastPurge = clock.GetUtcNow();
                    await PurgeAsync(stoppingToken);
                }

                while (await DispatchDueAsync(stoppingToken) >= options.Value.DispatchBatchSize)
                {
                }
            }
#pragma warning disable CA1031 // A database outage must not stop the host; the next tick tries again, and leases lapse.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogRoundFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task PurgeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var before = clock.GetUtcNow() - options.Value.Retention;
        await db.Mails.Where(m => m.Status != MailStatus.Pending && m.CompletedAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    /// <returns>How many mails were claimed.</returns>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var claimed = new List<long>();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
            var now = clock.GetUtcNow();
            var due = await db.Mails
                .Where(m => m.Status == MailStatus.Pending && m.NextAttemptAt <= now && (m.LeasedUntil == null || m.LeasedUntil < now))
                .OrderBy(m => m.NextAttemptAt)
                .Select(m => m.Sequence)
                .Take(settings.DispatchBatchSize)
                .ToListAsync(cancellationToken);
            var until = now + settings.ClaimLease;
            foreach (var sequence in due)
            {
                // The conditional update is the claim: of two replicas that read the same row, one changes it.
                if (await db.Mails
                        .Where(m => m.Sequence == sequence && m.Status == MailStatus.Pending && (m.LeasedUntil == null || m.LeasedUntil < now))
                        .ExecuteUpdateAsync(set => set.SetProperty(m => m.LeasedUntil, until), cancellationToken) == 1)
                {
                    claimed.Add(sequence);
                }
            }
        }

        await Parallel.ForEachAsync(
            claimed,
            new ParallelOptions { MaxDegreeOfParallelism = settings.DispatchConcurrency, CancellationToken = cancellationToken },
            async (sequence, ct) => await SendAsync(sequence, ct));
        return claimed.Count;
    }

    private async Task SendAsync(long sequence, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var mail = await db.Mails.FirstOrDefaultAsync(m => m.Sequence == sequence, cancellationToken);
        if (mail is null || mail.Status != MailStatus.Pending)
        {
            return;
        }

        string? error = null;
        var refused = false;
        try
        {
            await transport.SendAsync(new MailToSend(mail.Id, mail.Kind, mail.Recipient, mail.Subject, mail.HtmlBody ?? "", mail.TextBody ?? ""), cancellationToken);
        }
        catch (MailRefusedException e)
        {
            (error, refused) = (e.Message, true);
        }
#pragma warning disable CA1031 // Any other failure (connection refused, timeout, 4xx) is worth another attempt later.
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            error = $"{e.GetType().Name}: {e.Message}";
        }

        var now = clock.GetUtcNow();
        mail.Attempts++;
        mail.LeasedUntil = null;
        if (error is null)
        {
            mail.Status = MailStatus.Sent;
            mail.CompletedAt = now;
            mail.LastError = null;
            Forget(mail);
        }
        else
        {
            mail.LastError = error.Length > OutgoingMail.MaxErrorLength ? error[..(OutgoingMail.MaxErrorLength - 1)] + "…" : error;
            var next = now + Backoff(mail.Attempts, settings);
            if (refused || next - mail.CreatedAt >= settings.MaxMailAge)
            {
                mail.Status = MailStatus.Failed;
                mail.CompletedAt = now;
                Forget(mail);
                LogGivenUp(logger, mail.Kind, MailAddresses.Masked(mail.Recipient), mail.Attempts, mail.LastError);
            }
            else
            {
                mail.NextAttemptAt = next;
                LogRetry(logger, mail.Kind, MailAddresses.Masked(mail.Recipient), mail.Attempts, next, mail.LastError);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A mail done with keeps no body: an invitation's code, or an order's contents, have no business lingering.</summary>
    private static void Forget(OutgoingMail mail)
    {
        mail.HtmlBody = null;
        mail.TextBody = null;
    }

    internal static TimeSpan Backoff(int attempts, EmailOptions settings)
    {
        var exponent = Math.Min(attempts - 1, 30);
        var full = Math.Min(settings.RetryMaxDelay.TotalMilliseconds, settings.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(full / 2 + (Random.Shared.NextDouble() * full / 2));
    }

    [LoggerMessage(LogLevel.Information, "Mail goes through: {Transport}")]
    private static partial void LogTransport(ILogger logger, string transport);

    [LoggerMessage(LogLevel.Warning, "A mail dispatch round failed; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Mail {Kind} to {Recipient} failed (attempt {Attempts}); next attempt at {NextAttemptAt}: {Error}")]
    private static partial void LogRetry(ILogger logger, string kind, string recipient, int attempts, DateTimeOffset nextAttemptAt, string? error);

    [LoggerMessage(LogLevel.Error, "Mail {Kind} to {Recipient} given up after {Attempts} attempts: {Error}")]
    private static partial void LogGivenUp(ILogger logger, string kind, string recipient, int attempts, string? error);
}
