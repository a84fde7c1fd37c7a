using Marketplace.Notifications.Contracts;
using Marketplace.Notifications.Deliveries;
using Marketplace.Notifications.Persistence;
using Marketplace.Notifications.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Notifications.Dispatch;

/// <summary>
/// The relay of the webhook outbox: when <see cref="DispatchSignal"/> says a delivery was recorded here, and every
/// <c>DispatchInterval</c> in any case, it claims due deliveries, sends them, logs each attempt, and schedules a retry (exponential backoff with jitter) until <c>MaxDeliveryAge</c>. A 410 disables the
/// endpoint; so does failing without a single success for <c>DisableAfterFailingFor</c>.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IServiceScopeFactory scopes, IOptions<WebhookOptions> options, DispatchSignal signal, NotificationsMetrics metrics, TimeProvider clock, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.DispatchInterval, clock);
        var lastPurge = DateTimeOffset.MinValue;
        Task<bool>? tick = null;
        Task? woken = null;
        do
        {
            try
            {
                if (clock.GetUtcNow() - lastPurge >= options.Value.PurgeInterval)
                {
                    lastPurge = clock.GetUtcNow();
                    await PurgeAsync(stoppingToken);
                }

                // A full batch means more are probably due: go again at once rather than a tick later.
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

            // Whichever comes first: a delivery recorded here, or the tick. The other stays pending for the next wait
            // (a periodic timer allows one waiter, and a dropped semaphore wait would swallow a wake-up).
            tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
            woken ??= signal.WaitAsync(stoppingToken);
            var first = await Task.WhenAny(tick, woken);
            if (first == woken)
            {
                woken = null;
                await first;
            }
            else
            {
                tick = null;
                if (!await (Task<bool>)first)
                {
                    return;
                }
            }
        }
        while (!stoppingToken.IsCancellationRequested);
    }

    /// <summary>
    /// Deletes finished deliveries past the retention (their attempts go with them), and order event marks past theirs:
    /// neither may grow without end.
    /// </summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var now = clock.GetUtcNow();
        var before = now - options.Value.DeliveryLogRetention;
        var marksBefore = (now - options.Value.OrderEventMarkRetention).ToUnixTimeMilliseconds();
        await db.OrderEventMarks.Where(m => m.RecordedAtUnixMs < marksBefore).ExecuteDeleteAsync(cancellationToken);
        return await db.Deliveries.Where(d => d.Status != DeliveryStatus.Pending && d.CompletedAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// One round: claims due deliveries, reads them and their endpoints in two queries, sends them side by side
    /// (<c>DispatchConcurrency</c> at once), then writes every attempt and outcome in one save. The lease keeps the claimed
    /// rows this replica's until then; the next round claims a delivery's successor once this one is written.
    /// </summary>
    /// <returns>How many deliveries were claimed.</returns>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var claimed = await DeliveryClaims.ClaimAsync(db, clock.GetUtcNow(), settings.ClaimLease, settings.OrderHoldBack, settings.DispatchBatchSize, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var deliveries = await db.Deliveries.Where(d => claimed.Contains(d.Sequence) && d.Status == DeliveryStatus.Pending).ToListAsync(cancellationToken);
        var endpointIds = deliveries.Select(d => d.EndpointId).Distinct().ToList();
        var endpoints = await db.Endpoints.AsNoTracking().Where(e => endpointIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
        var now = clock.GetUtcNow();
        var sends = new List<(WebhookDelivery Delivery, WebhookEndpoint Endpoint)>();
        foreach (var delivery in deliveries)
        {
            if (!endpoints.TryGetValue(delivery.EndpointId, out var endpoint) || !endpoint.Enabled)
            {
                delivery.LeasedUntil = null;
            }
            else if (now - delivery.RetryingSince >= settings.MaxDeliveryAge)
            {
                GiveUp(delivery, now, $"given up: not delivered within {settings.MaxDeliveryAge}");
            }
            else
            {
                sends.Add((delivery, endpoint));
            }
        }

        var sender = scope.ServiceProvider.GetRequiredService<WebhookSender>();
        var outcomes = new (AttemptOutcome Outcome, DateTimeOffset At)[sends.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, sends.Count),
            new ParallelOptions { MaxDegreeOfParallelism = settings.DispatchConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => outcomes[i] = (await sender.SendAsync(sends[i].Endpoint, sends[i].Delivery, ct), clock.GetUtcNow()));

        for (var i = 0; i < sends.Count; i++)
        {
            Record(db, sends[i].Delivery, outcomes[i].Outcome, outcomes[i].At, settings);
        }

        await db.SaveChangesAsync(cancellationToken);
        metrics.WebhookAttemptsFailed(outcomes.Count(o => !o.Outcome.Succeeded));

        // Each endpoint's health once per round, from what it answered this round: a 410 outweighs the rest, and one
        // success shows it alive.
        foreach (var byEndpoint in sends.Select((s, i) => (s.Endpoint, outcomes[i].Outcome, outcomes[i].At)).GroupBy(s => s.Endpoint.Id))
        {
            var answers = byEndpoint.ToList();
            var telling = answers.FirstOrDefault(a => a.Outcome.Gone);
            if (telling.Outcome is null)
            {
                telling = answers.FirstOrDefault(a => a.Outcome.Succeeded);
            }

            if (telling.Outcome is null)
            {
                telling = answers[^1];
            }

            await UpdateEndpointAsync(db, telling.Endpoint, telling.Outcome, telling.At, settings, cancellationToken);
        }

        return claimed.Count;
    }

    /// <summary>Logs one attempt on its delivery and moves the delivery on: delivered, given up, or due again after a backoff.</summary>
    private static void Record(NotificationsDbContext db, WebhookDelivery delivery, AttemptOutcome outcome, DateTimeOffset now, WebhookOptions settings)
    {
        db.Attempts.Add(new WebhookAttempt
        {
            DeliveryId = delivery.Id,
            AttemptedAt = now,
            StatusCode = outcome.StatusCode,
            LatencyMs = outcome.LatencyMs,
            Error = Shorten(outcome.Error),
        });
        delivery.Attempts++;
        delivery.LastStatusCode = outcome.StatusCode;
        delivery.LastError = Shorten(outcome.Error);
        delivery.LeasedUntil = null;
        if (outcome.Succeeded)
        {
            delivery.Status = DeliveryStatus.Delivered;
            delivery.CompletedAt = now;
        }
        else if (outcome.Gone)
        {
            GiveUp(delivery, now, outcome.Error);
        }
        else
        {
            var next = now + Backoff(delivery.Attempts, settings);
            if (next - delivery.RetryingSince >= settings.MaxDeliveryAge)
            {
                GiveUp(delivery, now, $"given up after {delivery.Attempts} attempts: {outcome.Error}");
            }
            else
            {
                delivery.NextAttemptAt = next;
            }
        }
    }

    /// <summary>
    /// The endpoint's health, changed by conditional updates so that a seller's own change made meanwhile (a new URL,
    /// re-enabling) is never overwritten by a stale copy.
    /// </summary>
    private async Task UpdateEndpointAsync(
        NotificationsDbContext db, WebhookEndpoint sent, AttemptOutcome outcome, DateTimeOffset now, WebhookOptions settings, CancellationToken cancellationToken)
    {
        var endpoint = db.Endpoints.Where(e => e.Id == sent.Id);
        if (outcome.Succeeded)
        {
            // Most sends succeed to a healthy endpoint: as read just before the send, it has nothing to clear, and no
            // statement is spent on it. One that began failing meanwhile is cleared by its next success.
            if (sent.FailingSince is not null)
            {
                await endpoint.Where(e => e.FailingSince != null).ExecuteUpdateAsync(set => set.SetProperty(e => e.FailingSince, (DateTimeOffset?)null), cancellationToken);
            }

            return;
        }

        if (outcome.Gone)
        {
            var reason = Shorten($"The endpoint answered 410 Gone at {now:O}; re-enable it when it takes events again.")!;
            await DisableAsync(db, sent, endpoint.Where(e => e.Enabled), reason, now, cancellationToken);
            return;
        }

        await endpoint.Where(e => e.FailingSince == null).ExecuteUpdateAsync(set => set.SetProperty(e => e.FailingSince, now), cancellationToken);
        var failingBefore = now - settings.DisableAfterFailingFor;
        var failing = Shorten($"Every attempt failed for {settings.DisableAfterFailingFor} (last: {outcome.Error}); re-enable it once it answers 2xx.")!;
        await DisableAsync(db, sent, endpoint.Where(e => e.Enabled && e.FailingSince <= failingBefore), failing, now, cancellationToken);
    }

    /// <summary>Disables the endpoint when <paramref name="which"/> still matches it, and tells its owner through the outbox in the same transaction.</summary>
    private async Task DisableAsync(
        NotificationsDbContext db, WebhookEndpoint sent, IQueryable<WebhookEndpoint> which, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var disabled = await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (await which.ExecuteUpdateAsync(Disabling(reason, now), ct) == 0)
            {
                return false;
            }

            db.Publish(new WebhookEndpointDisabled(sent.Id, sent.SellerId, sent.Url, reason, now), clock);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        }, cancellationToken);
        if (disabled)
        {
            LogDisabled(logger, sent.Id, reason);
        }
    }

    private static Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<WebhookEndpoint>> Disabling(string reason, DateTimeOffset now) =>
        set => set.SetProperty(e => e.Enabled, false).SetProperty(e => e.DisabledReason, reason).SetProperty(e => e.UpdatedAt, now);

    private static void GiveUp(WebhookDelivery delivery, DateTimeOffset now, string? reason)
    {
        delivery.Status = DeliveryStatus.Failed;
        delivery.CompletedAt = now;
        delivery.LeasedUntil = null;
        delivery.LastError = Shorten(reason);
    }

    /// <summary>Doubles from the base delay to the cap; the wait is drawn from its upper half, so retries of many deliveries spread out.</summary>
    internal static TimeSpan Backoff(int attempts, WebhookOptions settings)
    {
        var exponent = Math.Min(attempts - 1, 30);
        var full = Math.Min(settings.RetryMaxDelay.TotalMilliseconds, settings.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(full / 2 + (Random.Shared.NextDouble() * full / 2));
    }

    private static string? Shorten(string? text) =>
        text is { Length: > WebhookDelivery.MaxErrorLength } ? text[..(WebhookDelivery.MaxErrorLength - 1)] + "…" : text;

    [LoggerMessage(LogLevel.Warning, "A webhook dispatch round failed; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Webhook endpoint {EndpointId} disabled: {Reason}")]
    private static partial void LogDisabled(ILogger logger, Guid endpointId, string reason);
}
