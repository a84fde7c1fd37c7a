using System.Collections.Concurrent;
using Marketplace.Payments.Authorizations;
using Marketplace.Payments.Contracts;
using Marketplace.Payments.Expiry;
using Marketplace.Payments.Persistence;
using Marketplace.Platform;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Payments.Tests;

/// <summary>Every line the host logs, to show what never reaches a log.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Capture(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Capture(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs._lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}

/// <summary>
/// The host on PostgreSQL (or SQLite, for the embedded smoke run) with a clock the test controls, a sweeper that looks
/// every 200 ms, and every log line captured. Payments are arranged through the port Ordering calls.
/// </summary>
public class PaymentsHost : MarketplaceFactory
{
    public PaymentsHost()
        : this(TestProfile.Production)
    {
    }

    /// <summary>
    /// The "payouts" rules the Payments tests run with unless a host gives its own: no commission (so a seller is owed its
    /// order's share exactly), a one-day protection window, and a payout schedule so slow that only the pass at start
    /// and the passes a test starts ever run.
    /// </summary>
    public const string PlainPayoutRules = """
        {
          "protectionWindow": "1.00:00:00",
          "commission": { "defaultPercent": 0, "categories": [], "sellers": [], "minimumPerOrder": [] },
          "schedule": { "runInterval": "1.00:00:00", "batchSize": 50 }
        }
        """;

    protected PaymentsHost(TestProfile profile, string payoutRules = PlainPayoutRules)
        : base(profile)
    {
        Settings["Payments:SweepInterval"] = "00:00:00.200";
        Settings["Payments:ProviderTimeout"] = "00:00:03";

        // The repository's rules, but for "payouts": each host its own copy, so a test that changes rules changes only its own.
        Rules.Write("payouts", payoutRules);
        Rules.Use(this);
    }

    public RulesCopy Rules { get; } = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Rules.Dispose();
    }

    public ControlledClock Clock { get; } = new();

    public CapturedLogs Logs { get; } = new();

    public static readonly TimeSpan ActionTimeout = TimeSpan.FromMinutes(15);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public static AuthorizePayment Request(string paymentMethodId, decimal amount = 49.90m, Guid? orderGroupId = null) =>
        new(orderGroupId ?? Guid.NewGuid(), Money.Of(amount, "EUR"), paymentMethodId, "buyer@tests.local");

    public async Task<PaymentResult> AuthorizeAsync(AuthorizePayment request)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IPayments>().AuthorizeAsync(request, CancellationToken.None);
    }

    public async Task<PaymentState> AuthorizedAsync(string paymentMethodId)
    {
        var result = await AuthorizeAsync(Request(paymentMethodId));
        Assert.Equal(PaymentResultKind.Done, result.Kind);
        return result.Payment!;
    }

    public async Task<PaymentResult> VoidAsync(Guid paymentId)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IPayments>().VoidAsync(paymentId, CancellationToken.None);
    }

    public async Task<PaymentState?> GetAsync(Guid paymentId)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IPayments>().GetAsync(paymentId, CancellationToken.None);
    }

    /// <summary>One sweep, as any replica's sweeper runs it.</summary>
    public Task<int> SweepAsync() =>
        Services.GetServices<IHostedService>().OfType<ActionExpirySweeper>().Single().SweepOnceAsync(CancellationToken.None);

    internal async Task<T> WithCashierAsync<T>(Func<Cashier, Task<T>> use)
    {
        await using var scope = Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<Cashier>());
    }

    /// <summary>The short type names of the events in the Payments outbox about this payment, in the order written.</summary>
    public async Task<List<string>> EventsAsync(Guid paymentId)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PaymentsDbContext>();
        var id = paymentId.ToString();
        var types = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Payload.Contains(id))
            .OrderBy(m => m.Sequence)
            .Select(m => m.Type)
            .ToListAsync();
        return types.Select(t => t.Split(',')[0].Split('.')[^1]).ToList();
    }

    public async Task<int> PaymentsForAsync(Guid orderGroupId)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PaymentsDbContext>().Payments.CountAsync(p => p.Reference == orderGroupId);
    }
}

/// <summary>The same host on the embedded profile (SQLite, in-memory bus).</summary>
public class EmbeddedPaymentsHost : PaymentsHost
{
    public EmbeddedPaymentsHost()
        : base(TestProfile.Embedded)
    {
    }

    protected EmbeddedPaymentsHost(string payoutRules)
        : base(TestProfile.Embedded, payoutRules)
    {
    }
}
