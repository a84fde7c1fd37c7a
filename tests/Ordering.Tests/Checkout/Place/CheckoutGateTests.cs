using System.Diagnostics.Metrics;
using Marketplace.Ordering.Checkout.Place;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Tests.Checkout.Place;

/// <summary>
/// The gate on its own, with checkouts that finish when the test says: one slot, and a queue whose length and wait
/// each test sets. Every refusal must also count once in <c>marketplace.checkouts.refused</c> with its reason.
/// </summary>
public sealed class CheckoutGateTests
{
    /// <summary>A gate with its own meters, whose refusals are recorded.</summary>
    private sealed class Gate : IDisposable
    {
        private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        private readonly RecordedMeasurements _recorded;

        public Gate(int queued, TimeSpan wait)
        {
            var meters = _services.GetRequiredService<IMeterFactory>();
            _recorded = RecordedMeasurements.Of(meters, OrderingMetrics.MeterName);
            Filter = new CheckoutGate(
                Options.Create(new OrderingOptions
                {
                    MaxCheckoutsInFlight = 1,
                    MaxCheckoutsQueued = queued,
                    CheckoutQueueWait = wait,
                    CheckoutRetryAfter = TimeSpan.FromSeconds(1),
                }),
                new OrderingMetrics(meters));
        }

        public CheckoutGate Filter { get; }

        public long Refused(string reason) => _recorded.Sum("marketplace.checkouts.refused", ("reason", reason));

        public long RefusedInAll => _recorded.Sum("marketplace.checkouts.refused");

        public void Dispose()
        {
            Filter.Dispose();
            _recorded.Dispose();
            _services.Dispose();
        }
    }

    /// <summary>A checkout held until its <see cref="Finish"/>; <see cref="Ran"/> says whether the gate let it run.</summary>
    private sealed class Checkout(Gate gate, CancellationToken aborted = default)
    {
        private readonly TaskCompletionSource<object?> _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly DefaultHttpContext _http = new() { RequestAborted = aborted };

        public bool Ran { get; private set; }

        public HttpResponse Response => _http.Response;

        public Task<object?> Answer { get; private set; } = Task.FromResult<object?>(null);

        public Checkout Start()
        {
            Answer = gate.Filter.InvokeAsync(new DefaultEndpointFilterInvocationContext(_http), _ =>
            {
                Ran = true;
                return new ValueTask<object?>(_finish.Task);
            }).AsTask();
            return this;
        }

        public void Finish() => _finish.SetResult("placed");
    }

    private static void AssertRefused(Checkout checkout, object? answer)
    {
        var problem = Assert.IsType<ProblemHttpResult>(answer);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, problem.StatusCode);
        Assert.Equal("1", checkout.Response.Headers.RetryAfter.ToString());
        Assert.False(checkout.Ran);
    }

    [Fact]
    public async Task A_checkout_beyond_the_slots_waits_in_the_queue_and_runs_when_a_slot_frees()
    {
        using var gate = new Gate(queued: 1, wait: TimeSpan.FromMinutes(5));
        var first = new Checkout(gate).Start();
        var second = new Checkout(gate).Start();

        Assert.True(first.Ran);
        Assert.False(second.Answer.IsCompleted);
        Assert.False(second.Ran);

        first.Finish();
        Assert.Equal("placed", await first.Answer);
        await Eventually.ReadAsync(() => Task.FromResult(second.Ran), ran => ran, TimeSpan.FromSeconds(30));
        second.Finish();
        Assert.Equal("placed", await second.Answer);
        Assert.Equal(0, gate.RefusedInAll);
    }

    [Fact]
    public async Task A_checkout_beyond_a_full_queue_is_refused_at_once_with_retry_after()
    {
        using var gate = new Gate(queued: 1, wait: TimeSpan.FromMinutes(5));
        var running = new Checkout(gate).Start();
        var waiting = new Checkout(gate).Start();
        var beyond = new Checkout(gate).Start();

        // Refused while the slot and the queue's one place are both still taken.
        Assert.True(beyond.Answer.IsCompleted);
        AssertRefused(beyond, await beyond.Answer);
        Assert.Equal(1, gate.Refused("queue_full"));
        Assert.False(waiting.Answer.IsCompleted);

        running.Finish();
        await Eventually.ReadAsync(() => Task.FromResult(waiting.Ran), ran => ran, TimeSpan.FromSeconds(30));
        waiting.Finish();
        Assert.Equal("placed", await waiting.Answer);

        // The queue's place was given back: the next one waits again rather than being refused.
        var after = new Checkout(gate).Start();
        Assert.True(after.Ran);
        after.Finish();
        Assert.Equal("placed", await after.Answer);
        Assert.Equal(1, gate.RefusedInAll);
    }

    [Fact]
    public async Task A_queued_checkout_whose_wait_runs_out_is_refused_and_never_runs()
    {
        using var gate = new Gate(queued: 4, wait: TimeSpan.FromMilliseconds(200));
        var running = new Checkout(gate).Start();
        var waiting = new Checkout(gate).Start();

        AssertRefused(waiting, await waiting.Answer.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(1, gate.Refused("wait_expired"));
        Assert.False(running.Answer.IsCompleted);
        running.Finish();
        Assert.Equal("placed", await running.Answer);
    }

    [Fact]
    public async Task A_client_that_leaves_while_queued_frees_its_place_and_its_checkout_never_runs()
    {
        using var gate = new Gate(queued: 1, wait: TimeSpan.FromMinutes(5));
        using var aborted = new CancellationTokenSource();
        var running = new Checkout(gate).Start();
        var leaving = new Checkout(gate, aborted.Token).Start();

        await aborted.CancelAsync();
        AssertRefused(leaving, await leaving.Answer.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(1, gate.Refused("client_left"));

        // Its place in the queue is free again.
        var next = new Checkout(gate).Start();
        Assert.False(next.Answer.IsCompleted);
        running.Finish();
        await Eventually.ReadAsync(() => Task.FromResult(next.Ran), ran => ran, TimeSpan.FromSeconds(30));
        next.Finish();
        Assert.Equal("placed", await next.Answer);
    }

    [Fact]
    public async Task With_the_queue_off_a_checkout_beyond_the_slots_is_refused_at_once()
    {
        foreach (var gate in new[] { new Gate(queued: 0, wait: TimeSpan.FromMinutes(5)), new Gate(queued: 8, wait: TimeSpan.Zero) })
        {
            using (gate)
            {
                var running = new Checkout(gate).Start();
                var beyond = new Checkout(gate).Start();
                Assert.True(beyond.Answer.IsCompleted);
                AssertRefused(beyond, await beyond.Answer);
                Assert.Equal(1, gate.Refused("queue_full"));
                running.Finish();
                Assert.Equal("placed", await running.Answer);
            }
        }
    }
}
