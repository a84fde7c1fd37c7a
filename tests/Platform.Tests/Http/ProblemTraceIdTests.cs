using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Platform.Tests.Http;

/// <summary>Each log line of the host with the trace id its scope carried (<c>TraceId</c>, from the logging's activity tracking).</summary>
public sealed class TracedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<(string Category, string Message, string? TraceId)> _lines = new();
    private IExternalScopeProvider? _scopes;

    public IReadOnlyList<(string Category, string Message, string? TraceId)> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Sink(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Sink(TracedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => logs._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string? traceId = null;
            logs._scopes?.ForEachScope(
                (scope, _) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> values && values.FirstOrDefault(v => v.Key == "TraceId").Value is { } id)
                    {
                        traceId = id.ToString();
                    }
                },
                (object?)null);
            logs._lines.Enqueue((category, formatter(state, exception), traceId));
        }
    }
}

/// <summary>The real host with traces off (no collector configured), its log lines recorded with their scopes.</summary>
public sealed class LoggedHost : MarketplaceFactory
{
    /// <summary>ASP.NET Core's own line per request, which the host's settings keep below their level.</summary>
    public const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public TracedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).AddFilter<TracedLogs>(HostingCategory, LogLevel.Information));
    }
}

/// <summary>
/// A client quoting a problem's <c>traceId</c> leads to the request's log lines and its trace: the problem carries the
/// W3C trace id of the request (the caller's own when it sent a <c>traceparent</c>), the one every log line of the
/// request carries, whether or not traces are exported.
/// </summary>
public sealed class ProblemTraceIdTests(LoggedHost host) : IClassFixture<LoggedHost>
{
    [Fact]
    public async Task A_problem_and_the_log_lines_of_its_request_carry_the_trace_id_the_caller_sent()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var path = $"/api/v1/no-such-route/{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        var problem = await (await host.CreateClient().SendAsync(request)).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(traceId, problem.GetProperty("traceId").GetString());
        var lines = await LinesOfAsync(path);
        Assert.All(lines, line => Assert.Equal(traceId, line.TraceId));
    }

    [Fact]
    public async Task A_problem_without_a_caller_trace_carries_the_trace_id_its_log_lines_carry()
    {
        var path = $"/api/v1/no-such-route/{Guid.NewGuid():N}";

        var problem = await (await host.CreateClient().GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound);

        var traceId = problem.GetProperty("traceId").GetString();
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        var lines = await LinesOfAsync(path);
        Assert.All(lines, line => Assert.Equal(traceId, line.TraceId));
    }

    /// <summary>The hosting's lines for the request, its start and its end; the end is written as the answer leaves.</summary>
    private async Task<List<(string Category, string Message, string? TraceId)>> LinesOfAsync(string path)
    {
        var lines = await Eventually.ReadAsync(
            () => Task.FromResult(host.Logs.Lines.Where(l => l.Category == LoggedHost.HostingCategory && l.Message.Contains(path, StringComparison.Ordinal)).ToList()),
            found => found.Count >= 2);
        Assert.True(lines.Count >= 2, $"Expected the request's start and end lines, got: {string.Join(" | ", lines.Select(l => l.Message))}");
        return lines;
    }
}
