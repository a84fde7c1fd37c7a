using Marketplace.Notifications.Email.Transport;
using Marketplace.Notifications.Persistence;
using Marketplace.Platform.Persistence;
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
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var claimed = await ClaimAsync(db, settings, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        // The transport is the only thing done in parallel; the outcomes are written afterwards, all in one save.
        var errors = new (string? Error, bool Refused)[claimed.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, claimed.Count),
            new ParallelOptions { MaxDegreeOfParallelism = settings.DispatchConcurrency, CancellationToken = cancellationToken },
            async (index, ct) => errors[index] = await SendAsync(claimed[index], ct));
        for (var i = 0; i < claimed.Count; i++)
        {
            Record(claimed[i], errors[i].Error, errors[i].Refused, settings);
        }

        await db.SaveChangesAsync(CancellationToken.None);
        return claimed.Count;
    }

    /// <summary>
    /// Leases the due mails, oldest due first (<see cref="LeaseClaims"/>: two replicas never claim the same mail), and reads
    /// those still pending: on SQLite the lease is taken after the pick, so another process may have finished a mail between.
    /// </summary>
    private async Task<List<OutgoingMail>> ClaimAsync(NotificationsDbContext db, EmailOptions settings, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var claim = new LeaseClaim<OutgoingMail, long>(
            "outgoing_mails", "sequence", "leased_until",
            "c.status = {0} AND c.next_attempt_at <= {1}", [nameof(MailStatus.Pending), now], "c.next_attempt_at",
            db.Mails.Where(m => m.Status == MailStatus.Pending && m.NextAttemptAt <= now).OrderBy(m => m.NextAttemptAt),
            m => m.Sequence, m => m.LeasedUntil);
        var claimed = await LeaseClaims.ClaimAsync(db, claim, now, now + settings.ClaimLease, settings.DispatchBatchSize, cancellationToken);
        return claimed.Count == 0 ? [] : await db.Mails
            .Where(m => claimed.Contains(m.Sequence) && m.Status == MailStatus.Pending)
            .OrderBy(m => m.NextAttemptAt)
            .ToListAsync(cancellationToken);
    }

    /// <returns>Why the mail was not sent, and whether the server refused it for good; no error when it went.</returns>
    private async Task<(string? Error, bool Refused)> SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        try
        {
            await transport.SendAsync(new MailToSend(mail.Id, mail.Kind, mail.Recipient, mail.Subject, mail.HtmlBody ?? "", mail.TextBody ?? ""), cancellationToken);
            return (null, false);
        }
        catch (MailRefusedException e)
        {
            return (e.Message, true);
        }
#pragma warning disable CA1031 // Any other failure (connection refused, timeout, 4xx) is worth another attempt later.
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return ($"{e.GetType().Name}: {e.Message}", false);
        }
    }

    private void Record(OutgoingMail mail, string? error, bool refused, EmailOptions settings)
    {
        var now = clock.GetUtcNow();
        mail.Attempts++;
        mail.LeasedUntil = null;
        if (error is null)
        {
            mail.Status = MailStatus.Sent;
            mail.CompletedAt = now;
            mail.LastError = null;
            Forget(mail);
            return;
        }

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
