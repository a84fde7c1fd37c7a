using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Platform.Http;

/// <summary>How many requests of one kind run at once on a replica, and how many may wait for a turn.</summary>
public sealed class RequestBudget
{
    /// <summary>Requests of this kind running at once.</summary>
    public int PermitLimit { get; set; }

    /// <summary>Requests of this kind waiting for a turn (first come, first served); beyond it they are answered 503 at once.</summary>
    public int QueueLimit { get; set; }
}

/// <summary>
/// Endpoint metadata: the endpoint bounds its own concurrency (a gate with its own bounded queue and wait), so it takes
/// no permit from the shared budgets. Its waiters would otherwise hold permits the other writes need, and wait in the
/// shared queue past its own bound. Attach with <see cref="RequestBudgetsRegistration.WithOwnConcurrencyBudget"/>.
/// </summary>
public sealed class OwnConcurrencyBudget;

/// <summary>The concurrency budgets of reads and writes, bound from <c>Api:Budgets</c>.</summary>
public sealed class RequestBudgetOptions
{
    public const string Section = "Api:Budgets";

    /// <summary>Safe requests (GET, HEAD, OPTIONS): storefront browsing, searches, product pages, seller reports.</summary>
    public RequestBudget Reads { get; set; } = new() { PermitLimit = Environment.ProcessorCount * 8, QueueLimit = 4096 };

    /// <summary>Everything else: checkouts, sellers' offer and stock changes, bulk files, payments' webhooks.</summary>
    public RequestBudget Writes { get; set; } = new() { PermitLimit = Environment.ProcessorCount * 16, QueueLimit = 1024 };
}

/// <summary>
/// Reads and writes each get a concurrency budget of their own, so that neither starves the other: a crawl of uncached
/// listing pages queues behind its own budget instead of filling the thread pool and the database pool ahead of a
/// seller's stock update, and a burst of bulk files cannot hold every slot a shopper's page needs. A request waits
/// (first come, first served) while its budget is in use; one that finds the queue full is answered 503 with
/// Retry-After at once. Health probes are never held back, so a busy replica is not taken for a dead one; nor is an
/// endpoint with a budget of its own (<see cref="OwnConcurrencyBudget"/>).
/// </summary>
public sealed class RequestBudgets : IDisposable
{
    private readonly ConcurrencyLimiter _reads;
    private readonly ConcurrencyLimiter _writes;

    public RequestBudgets(IOptions<RequestBudgetOptions> options)
    {
        _reads = Limiter(options.Value.Reads);
        _writes = Limiter(options.Value.Writes);
    }

    /// <summary>Runs <paramref name="next"/> within the request's budget, or answers 503 when the budget's queue is full.</summary>
    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (http.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase)
            || http.GetEndpoint()?.Metadata.GetMetadata<OwnConcurrencyBudget>() is not null)
        {
            await next(http);
            return;
        }

        var method = http.Request.Method;
        var budget = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) ? _reads : _writes;
        using var lease = await budget.AcquireAsync(1, http.RequestAborted);
        if (!lease.IsAcquired)
        {
            Telemetry.PlatformMetrics.BudgetRejected(ReferenceEquals(budget, _reads) ? "reads" : "writes");
            http.Response.Headers.RetryAfter = "1";
            await TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Server busy",
                detail: ReferenceEquals(budget, _reads)
                    ? "Too many reads are waiting on this server. Retry after the indicated delay."
                    : "Too many writes are waiting on this server. Retry after the indicated delay.").ExecuteAsync(http);
            return;
        }

        await next(http);
    }

    public void Dispose()
    {
        _reads.Dispose();
        _writes.Dispose();
    }

    private static ConcurrencyLimiter Limiter(RequestBudget budget) => new(new ConcurrencyLimiterOptions
    {
        PermitLimit = budget.PermitLimit,
        QueueLimit = budget.QueueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });
}

/// <summary>Registers and applies <see cref="RequestBudgets"/>.</summary>
public static class RequestBudgetsRegistration
{
    public static IServiceCollection AddRequestBudgets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RequestBudgetOptions>()
            .Bind(configuration.GetSection(RequestBudgetOptions.Section))
            .Validate(o => o.Reads.PermitLimit > 0 && o.Writes.PermitLimit > 0, $"{RequestBudgetOptions.Section}:Reads:PermitLimit and Writes:PermitLimit must be above 0.")
            .Validate(o => o.Reads.QueueLimit >= 0 && o.Writes.QueueLimit >= 0, $"{RequestBudgetOptions.Section}:Reads:QueueLimit and Writes:QueueLimit must be 0 or more.")
            .ValidateOnStart();
        services.AddSingleton<RequestBudgets>();
        return services;
    }

    /// <summary>Marks an endpoint that bounds its own concurrency: the shared budgets let it through (<see cref="OwnConcurrencyBudget"/>).</summary>
    public static RouteHandlerBuilder WithOwnConcurrencyBudget(this RouteHandlerBuilder builder) => builder.WithMetadata(new OwnConcurrencyBudget());

    /// <summary>After the per-client rate limits, so that one client's flood is refused before it takes budget from the others.</summary>
    public static IApplicationBuilder UseRequestBudgets(this IApplicationBuilder app)
    {
        var budgets = app.ApplicationServices.GetRequiredService<RequestBudgets>();
        return app.Use(next => http => budgets.InvokeAsync(http, next));
    }
}
