using System.Diagnostics.Metrics;
using Marketplace.Ordering.Deadlines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Ordering;

/// <summary>
/// Ordering's instruments (ops/metrics.md, "Checkout and money"): checkouts started, placed and failed by reason, the
/// ones the checkout gate refused, the ones finished after they stopped, and the deadlines sellers missed.
/// </summary>
internal sealed class OrderingMetrics
{
    public const string MeterName = "Marketplace.Ordering";

    private readonly Counter<long> _started;
    private readonly Counter<long> _placed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _recovered;
    private readonly Counter<long> _deadlinesMissed;

    public OrderingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _started = meter.CreateCounter<long>("marketplace.checkouts.started", description: "Checkouts begun under a new Idempotency-Key (repeats are not counted)");
        _placed = meter.CreateCounter<long>("marketplace.checkouts.placed", description: "Checkouts that placed their orders (the payment authorised or awaiting the buyer's action)");
        _failed = meter.CreateCounter<long>("marketplace.checkouts.failed", description: "Checkouts that placed nothing, by reason");
        _refused = meter.CreateCounter<long>("marketplace.checkouts.refused", description: "Checkouts the checkout gate turned away with a 503 before they began, by reason: queue_full, wait_expired, client_left");
        _recovered = meter.CreateCounter<long>("marketplace.checkouts.recovered", description: "Checkouts that stopped before saving their outcome (their process died, or they were stuck) and were finished afterwards, by who finished them (repeat, sweeper) and how (placed, declined, requires_action, abandoned)");
        _deadlinesMissed = meter.CreateCounter<long>("marketplace.deadlines.missed", description: "Seller deadlines that passed unmet: seller_acceptance, dispatch, delivery");
    }

    public void CheckoutStarted() => _started.Add(1);

    /// <summary>Counts a new checkout's answer as placed or failed; the reason is read from the answer's status and code.</summary>
    public void CheckoutAnswered(IResult answer)
    {
        var reason = answer switch
        {
            ContentHttpResult { StatusCode: StatusCodes.Status201Created } => null,
            ContentHttpResult { StatusCode: StatusCodes.Status402PaymentRequired } => "payment_declined",
            ValidationProblem => "invalid",
            ProblemHttpResult problem => ReasonOf(problem.ProblemDetails.Extensions.TryGetValue("code", out var code) ? code as string : null, problem.StatusCode),
            _ => "other",
        };
        if (reason is null)
        {
            _placed.Add(1);
        }
        else
        {
            CheckoutFailed(reason);
        }
    }

    /// <summary>A checkout that failed without an answer (an exception), or for a reason named by the caller.</summary>
    public void CheckoutFailed(string reason) => _failed.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A checkout the gate refused before it began (it is neither started nor failed).</summary>
    public void CheckoutRefused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A stopped checkout finished by <paramref name="by"/> (<c>repeat</c> or <c>sweeper</c>) with <paramref name="outcome"/>.</summary>
    public void CheckoutRecovered(string by, string outcome) =>
        _recovered.Add(1, new KeyValuePair<string, object?>("by", by), new KeyValuePair<string, object?>("outcome", outcome));

    public void DeadlineMissed(DeadlineKind kind) => _deadlinesMissed.Add(1, new KeyValuePair<string, object?>("deadline", kind switch
    {
        DeadlineKind.AcceptBy => "seller_acceptance",
        DeadlineKind.ShipBy => "dispatch",
        _ => "delivery",
    }));

    private static string ReasonOf(string? code, int status) => code switch
    {
        "out_of_stock" => "out_of_stock",
        "price_changed" or "cart_lines_changed" => "price_changed",
        _ when status is StatusCodes.Status400BadRequest or StatusCodes.Status404NotFound or StatusCodes.Status409Conflict or StatusCodes.Status422UnprocessableEntity => "invalid",
        _ => "other",
    };
}
