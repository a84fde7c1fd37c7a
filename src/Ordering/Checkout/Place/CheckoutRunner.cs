using Marketplace.Ordering.Persistence;
using Marketplace.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Checkout.Place;

/// <summary>
/// A process that runs checkouts, as the database knows it: the row says when it last said it was alive. Every
/// Idempotency-Key a checkout writes names its runner, so a checkout whose runner stopped beating (a SIGKILL, a lost
/// machine) is known to have stopped, and is finished at once rather than after a fixed age.
/// </summary>
internal sealed class CheckoutRunner
{
    public Guid Id { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset SeenAt { get; set; }
}

/// <summary>
/// This process as a checkout runner: one id from start to exit, so a restarted replica is a new runner. It also
/// remembers when its last beat reached the database, so that a checkout of a process that may have been taken for dead
/// (its beats failing or late for two intervals) stops before it holds stock or asks for money, rather than racing the
/// process that finishes it.
/// </summary>
internal sealed class ThisRunner(TimeProvider clock)
{
    // Counted alive from its start: its keys are not judged before they are three beats old, by when it has beaten.
    private long _lastBeatTicks = clock.GetUtcNow().UtcTicks;

    public Guid Id { get; } = Guid.CreateVersion7();

    public DateTimeOffset LastBeatAt => new(Interlocked.Read(ref _lastBeatTicks), TimeSpan.Zero);

    /// <summary>
    /// Since when a runner must have beaten to count as alive: three beats missed. A key younger than this is never judged
    /// by its runner's row, so a runner that has just started (its first beat not yet written) is not taken for dead.
    /// </summary>
    public static DateTimeOffset AliveSince(DateTimeOffset now, OrderingOptions options) => now - (3 * options.RunnerHeartbeat);

    /// <summary>A beat of this runner reached the database at <paramref name="at"/>.</summary>
    public void Beat(DateTimeOffset at) => Interlocked.Exchange(ref _lastBeatTicks, at.UtcTicks);

    /// <summary>
    /// Whether a checkout of this process may take its next irreversible step (hold stock, ask for the payment): its last
    /// beat is less than two beats old, a beat short of the three after which another process may finish its checkouts.
    /// </summary>
    public bool MayAct(DateTimeOffset now, OrderingOptions options) => now - LastBeatAt < 2 * options.RunnerHeartbeat;
}

/// <summary>
/// Moves this process's <see cref="CheckoutRunner.SeenAt"/> on every <c>Ordering:RunnerHeartbeat</c> (its first beat
/// writes the row), in every process that serves checkout. A missed beat or two is harmless; three make this runner's
/// unanswered checkouts look stopped. A graceful stop leaves the row to go stale: the checkouts in flight finish first,
/// and a stale row is all a stopped runner needs.
/// </summary>
internal sealed class CheckoutRunnerHeartbeat(
    IServiceScopeFactory scopes, ThisRunner runner, IOptions<OrderingOptions> options, TimeProvider clock, ILogger<CheckoutRunnerHeartbeat> logger)
    : PeriodicWork
{
    protected override TimeProvider Clock => clock;

    protected override ILogger Logger => logger;

    protected override TimeSpan Interval => options.Value.RunnerHeartbeat;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => BeatAsync(cancellationToken);

    /// <summary>Says this runner is alive now: its row's time moves on, or the row is written when it is missing.</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrderingDbContext>();
        var now = clock.GetUtcNow();
        if (await db.CheckoutRunners.Where(r => r.Id == runner.Id).ExecuteUpdateAsync(r => r.SetProperty(x => x.SeenAt, now), cancellationToken) == 0)
        {
            db.CheckoutRunners.Add(new CheckoutRunner { Id = runner.Id, StartedAt = now, SeenAt = now });
            await db.SaveChangesAsync(cancellationToken);
        }

        runner.Beat(now);
    }
}
