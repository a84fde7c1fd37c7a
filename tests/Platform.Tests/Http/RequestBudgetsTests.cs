using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Platform.Tests.Http;

/// <summary>Reads and writes each wait for a budget of their own; a full queue is answered 503 at once.</summary>
public sealed class RequestBudgetsTests
{
    private static readonly IServiceProvider Services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();

    private static RequestBudgets Budgets(int permits, int queue) => new(Options.Create(new RequestBudgetOptions
    {
        Reads = new RequestBudget { PermitLimit = permits, QueueLimit = queue },
        Writes = new RequestBudget { PermitLimit = permits, QueueLimit = queue },
    }));

    private static DefaultHttpContext Request(string method, string path = "/api/v1/products") =>
        new() { Request = { Method = method, Path = path }, RequestServices = Services, Response = { Body = new MemoryStream() } };

    [Fact]
    public async Task A_write_runs_while_reads_hold_their_whole_budget_and_a_read_past_the_queue_is_refused_at_once()
    {
        using var budgets = Budgets(permits: 1, queue: 1);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new List<string>();
        RequestDelegate Hold(string name) => async _ => { lock (ran) { ran.Add(name); } await held.Task; };

        var running = budgets.InvokeAsync(Request("GET"), Hold("read 1"));
        var queued = budgets.InvokeAsync(Request("GET"), Hold("read 2"));
        var refused = Request("GET");
        await budgets.InvokeAsync(refused, Hold("read 3"));
        var write = budgets.InvokeAsync(Request("PUT"), _ => { lock (ran) { ran.Add("write"); } return Task.CompletedTask; });
        await write.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, refused.Response.StatusCode);
        Assert.Equal("1", refused.Response.Headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", refused.Response.ContentType);
        Assert.Equal(["read 1", "write"], ran);
        Assert.False(queued.IsCompleted);

        held.SetResult();
        await Task.WhenAll(running, queued).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["read 1", "write", "read 2"], ran);
    }

    [Fact]
    public async Task Health_probes_are_never_held_back()
    {
        using var budgets = Budgets(permits: 1, queue: 0);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = budgets.InvokeAsync(Request("GET"), _ => held.Task);
        var probe = Request("GET", "/health/ready");
        var probed = false;

        await budgets.InvokeAsync(probe, _ => { probed = true; return Task.CompletedTask; }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(probed);
        Assert.Equal(StatusCodes.Status200OK, probe.Response.StatusCode);
        held.SetResult();
        await running;
    }

    [Fact]
    public async Task An_endpoint_with_a_budget_of_its_own_runs_while_the_shared_budget_is_full()
    {
        using var budgets = Budgets(permits: 1, queue: 0);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = budgets.InvokeAsync(Request("POST", "/api/v1/sellers/offers"), _ => held.Task);
        var refused = Request("POST", "/api/v1/sellers/offers");
        await budgets.InvokeAsync(refused, _ => Task.CompletedTask);
        var checkout = Request("POST", "/api/v1/checkout");
        checkout.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new OwnConcurrencyBudget()), "checkout"));
        var ran = false;

        await budgets.InvokeAsync(checkout, _ => { ran = true; return Task.CompletedTask; }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, refused.Response.StatusCode);
        Assert.True(ran);
        Assert.Equal(StatusCodes.Status200OK, checkout.Response.StatusCode);
        held.SetResult();
        await running;
    }
}
