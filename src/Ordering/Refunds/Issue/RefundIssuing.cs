using System.Linq.Expressions;
using System.Text;
using System.Text.Json;
using Marketplace.Ordering.Checkout.Idempotency;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Payments.Contracts;
using Marketplace.Platform;
using Marketplace.Platform.Http;
using Marketplace.Platform.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Refunds.Issue;

/// <summary>
/// One refund of a seller order, whoever asks (the seller, an admin). Under checkout's Idempotency-Key contract
/// (<see cref="IdempotencyKeys"/>): the key's row is written with the refund, and the answer stored on it is replayed.
/// The order's units and amount are counted first, in one transaction, by conditional updates the database decides
/// (a line's refunded units never above its units, the order's refunded amount never above its total), so concurrent
/// refunds of the same units refund them once. Payments is then asked under the refund's id; when it refuses (nothing
/// captured yet, above the capture), the counts are given back in one transaction and the answer is 409.
/// </summary>
internal sealed class RefundIssuing(OrderingDbContext db, IPayments payments, IOptions<OrderingOptions> options, TimeProvider clock)
{
    /// <summary>Refund keys are scoped apart from checkout keys, so that checkout's sweeper never answers one of them.</summary>
    public const string KeyScopePrefix = "refund:";

    private const string JsonType = "application/json; charset=utf-8";
    private const string ProblemType = "application/problem+json; charset=utf-8";

    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    /// <summary>The states in which an order's money may have been captured and not been refunded by a cancellation.</summary>
    private static readonly OrderStatus[] Refundable = [OrderStatus.Accepted, OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.Completed];

    public static string ScopeOf(OrderActor actor) => $"{KeyScopePrefix}{OrderWords.Of(actor.Kind)}:{actor.Id}";

    public async Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> IssueAsync(
        Expression<Func<SellerOrder, bool>> ownOrder, Guid orderId, OrderActor actor, IssueRefundRequest request, string refundsPath, HttpContext http, CancellationToken cancellationToken)
    {
        var location = (refundsPath, http.Response);
        if (IdempotencyKeys.Read(http.Request, out var refusal) is not { } key)
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError(IdempotencyKeys.Header, refusal!.Replace("per checkout", "per refund", StringComparison.Ordinal)));
        }

        var scope = ScopeOf(actor);
        var requestHash = IdempotencyKeys.Fingerprint(new { orderId, request });
        if (await IdempotencyKeys.FindAsync(db, scope, key, cancellationToken) is { } earlier)
        {
            return await RepeatAsync(earlier, requestHash, location, cancellationToken);
        }

        var order = await db.SellerOrders.AsNoTracking().Include(o => o.Lines).Where(ownOrder).FirstOrDefaultAsync(cancellationToken);
        if (order is null)
        {
            return Transitions.OrderMoves.NotFound();
        }

        if (NotRefundable(order) is { } notRefundable)
        {
            return notRefundable;
        }

        if (Check(order, request) is { } invalid)
        {
            return TypedResults.ValidationProblem(invalid);
        }

        var (refund, problem) = await CountAsync(order, actor, scope, key, requestHash, request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (refund is null)
        {
            // A concurrent request under the same key counted first: answer as its repeat.
            db.ChangeTracker.Clear();
            var winner = await IdempotencyKeys.FindAsync(db, scope, key, cancellationToken) ?? throw new InvalidOperationException("The key that won is gone.");
            return await RepeatAsync(winner, requestHash, location, cancellationToken);
        }

        var (status, body) = await CarryOnAsync(refund.Id, cancellationToken);
        return Answer(status, body, location);
    }

    /// <summary>
    /// Asks Payments to refund a counted refund and records the outcome with the key's answer: refunded, or refused with
    /// the order's counts given back. Repeating it is harmless: Payments answers a refund id once, and only the call whose
    /// conditional update closes the pending refund writes anything.
    /// </summary>
    public async Task<(int Status, string Body)> CarryOnAsync(Guid refundId, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var refund = await db.Refunds.AsNoTracking().Include(r => r.Lines).SingleAsync(r => r.Id == refundId, cancellationToken);
        if (refund.Status == OrderRefundStatus.Pending)
        {
            var result = await payments.RefundAsync(new RefundPayment(refund.Id, refund.OrderId, Money.Of(refund.Amount, refund.Currency), refund.Reason), cancellationToken);
            var refunded = result.Outcome == RefundOutcome.Refunded;
            var now = clock.GetUtcNow();
            var closed = refunded ? OrderRefundStatus.Refunded : OrderRefundStatus.Refused;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var won = await db.Refunds.Where(r => r.Id == refund.Id && r.Status == OrderRefundStatus.Pending)
                .ExecuteUpdateAsync(
                    set => set.SetProperty(r => r.Status, closed).SetProperty(r => r.CompletedAt, now).SetProperty(r => r.Restocked, r => refunded && r.Restocked),
                    cancellationToken);
            if (won == 1)
            {
                if (!refunded)
                {
                    await GiveBackAsync(refund, cancellationToken);
                }

                var closedRefund = await db.Refunds.AsNoTracking().Include(r => r.Lines).SingleAsync(r => r.Id == refund.Id, cancellationToken);
                var (status, body) = refunded ? Created(closedRefund) : Refused(result);
                await db.IdempotencyKeys.Where(k => k.Id == refund.IdempotencyKeyId)
                    .ExecuteUpdateAsync(set => set.SetProperty(k => k.ResponseStatus, status).SetProperty(k => k.ResponseBody, body), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return (status, body);
            }

            await transaction.RollbackAsync(cancellationToken);
        }

        var keyRow = await db.IdempotencyKeys.AsNoTracking().SingleAsync(k => k.Id == refund.IdempotencyKeyId, cancellationToken);
        return (keyRow.ResponseStatus!.Value, keyRow.ResponseBody!);
    }

    private static ProblemHttpResult? NotRefundable(SellerOrder order) => order.Status switch
    {
        _ when Refundable.Contains(order.Status) => null,
        OrderStatus.Cancelled => Problem(
            "The order is cancelled",
            "A cancelled order is refunded in full by its cancellation when it had been paid for; there is nothing left to refund.",
            "OrderCancelled",
            order.Status),
        _ => Problem(
            "The order is not paid for yet",
            "Its money is only held until the seller accepts it; reject or cancel it instead, which releases the hold.",
            "NotCaptured",
            order.Status),
    };

    /// <summary>Against the order as read: which lines exist and what is left of them. The counting decides again under concurrency.</summary>
    private static Dictionary<string, string[]>? Check(SellerOrder order, IssueRefundRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Lines is { } lines)
        {
            for (var i = 0; i < lines.Count; i++)
            {
                var wanted = lines[i]!;
                var line = order.Lines.FirstOrDefault(l => l.Id == wanted.LineId);
                if (line is null)
                {
                    errors[$"lines[{i}].lineId"] = ["The order has no line with this id."];
                }
                else if (wanted.Quantity > line.Quantity - line.RefundedQuantity)
                {
                    errors[$"lines[{i}].quantity"] = [LinesLeft(line)];
                }
            }
        }
        else if (request.Amount is { } amount)
        {
            if (!Currencies.FitsMinorUnits(amount, order.Currency))
            {
                errors["amount"] = [$"At most {Currencies.MinorUnitsOf(order.Currency)} decimals in {order.Currency}."];
            }
            else if (amount > order.Total - order.RefundedAmount)
            {
                errors["amount"] = [AmountLeft(order.Total - order.RefundedAmount, order.Currency)];
            }
        }

        return errors.Count == 0 ? null : errors;
    }

    /// <summary>
    /// Counts the refund against the order in one transaction: each line's units by a conditional update (at most the
    /// units bought), the amount they cost from the line's running total, then the order's refunded amount by a
    /// conditional update (at most its total, and only while its status allows a refund); with the refund's row and the
    /// key's. Whatever fails rolls all of it back.
    /// </summary>
    /// <returns>The pending refund; or a problem naming the field a concurrent refund took; or neither when the key was written first by a concurrent duplicate.</returns>
    private async Task<(OrderRefund? Refund, Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>? Problem)> CountAsync(
        SellerOrder order, OrderActor actor, string scope, string key, byte[] requestHash, IssueRefundRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var refundId = Guid.CreateVersion7(now);
        var keyRow = new IdempotencyRecord
        {
            Id = Guid.NewGuid(),
            OwnerScope = scope,
            Key = key,
            RequestHash = requestHash,
            OrderGroupId = order.GroupId,
            CreatedAt = now,
            ExpiresAt = now + options.Value.IdempotencyKeyLifetime,
        };
        var refundLines = new List<OrderRefundLine>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        decimal amount;
        if (request.Lines is { } lines)
        {
            // In line order, whatever the request's order: two refunds naming the same lines lock them alike and cannot deadlock.
            foreach (var i in Enumerable.Range(0, lines.Count).OrderBy(i => lines[i]!.LineId))
            {
                var lineId = lines[i]!.LineId!.Value;
                var quantity = lines[i]!.Quantity!.Value;
                var counted = await db.OrderLines
                    .Where(l => l.Id == lineId && l.OrderId == order.Id && l.RefundedQuantity + quantity <= l.Quantity)
                    .ExecuteUpdateAsync(set => set.SetProperty(l => l.RefundedQuantity, l => l.RefundedQuantity + quantity), cancellationToken);
                var line = await db.OrderLines.AsNoTracking().SingleAsync(l => l.Id == lineId, cancellationToken);
                if (counted == 0)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                    return (null, TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError($"lines[{i}].quantity", LinesLeft(line))));
                }

                // The line's total shared over its units on the running count, so that refunding every unit gives back the line's total to the cent.
                var after = line.RefundedQuantity;
                var part = CostOf(line, after, order.Currency) - CostOf(line, after - quantity, order.Currency);
                refundLines.Add(new OrderRefundLine { RefundId = refundId, LineId = lineId, Quantity = quantity, Amount = part });
            }

            amount = refundLines.Sum(l => l.Amount);
        }
        else
        {
            amount = request.Amount!.Value;
        }

        var statuses = Refundable;
        var moved = amount == 0m ? 1 : await db.SellerOrders
            .Where(o => o.Id == order.Id && statuses.Contains(o.Status) && o.RefundedAmount + amount <= o.Total)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.RefundedAmount, o => o.RefundedAmount + amount), cancellationToken);
        if (moved == 0 || amount == 0m)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            var now2 = await db.SellerOrders.AsNoTracking().SingleAsync(o => o.Id == order.Id, cancellationToken);
            if (NotRefundable(now2) is { } notRefundable)
            {
                return (null, notRefundable);
            }

            var field = request.Lines is null ? "amount" : "lines";
            return (null, TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError(field,
                amount == 0m ? "These units cost nothing; there is nothing to refund." : AmountLeft(now2.Total - now2.RefundedAmount, now2.Currency))));
        }

        // Units refunded before the order ships go back to stock once Payments confirms the refund; shipped ones are the
        // customer's. Read under the row lock the refunded amount's update holds, so a shipment cannot slip in between.
        var unshipped = request.Lines is not null
            && await db.SellerOrders.AsNoTracking().Where(o => o.Id == order.Id).Select(o => o.Status).SingleAsync(cancellationToken) == OrderStatus.Accepted;
        db.IdempotencyKeys.Add(keyRow);
        var refund = new OrderRefund
        {
            Id = refundId,
            OrderId = order.Id,
            SellerId = order.SellerId,
            IdempotencyKeyId = keyRow.Id,
            Amount = amount,
            Currency = order.Currency,
            Reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim(),
            Status = OrderRefundStatus.Pending,
            RequestedByKind = actor.Kind,
            RequestedById = actor.Id,
            Restocked = unshipped,
            CreatedAt = now,
            Lines = refundLines,
        };
        db.Refunds.Add(refund);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return (null, null);
        }

        return (refund, null);
    }

    /// <summary>Payments refused: the units and the amount the refund counted are the order's to refund again.</summary>
    private async Task GiveBackAsync(OrderRefund refund, CancellationToken cancellationToken)
    {
        foreach (var line in refund.Lines)
        {
            var quantity = line.Quantity;
            await db.OrderLines.Where(l => l.Id == line.LineId)
                .ExecuteUpdateAsync(set => set.SetProperty(l => l.RefundedQuantity, l => l.RefundedQuantity - quantity), cancellationToken);
        }

        var amount = refund.Amount;
        await db.SellerOrders.Where(o => o.Id == refund.OrderId)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.RefundedAmount, o => o.RefundedAmount - amount), cancellationToken);
    }

    private async Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> RepeatAsync(
        IdempotencyRecord record, byte[] requestHash, (string Path, HttpResponse Response) location, CancellationToken cancellationToken)
    {
        switch (IdempotencyKeys.Judge(record, requestHash))
        {
            case KeyVerdict.OtherRequest:
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "This Idempotency-Key was used with another request",
                    detail: "This key asked for a different refund before; send a new key for a new refund.");
            case KeyVerdict.StillRunning:
                var answered = await IdempotencyKeys.AwaitAnswerAsync(db, record, options.Value.IdempotencyWait, clock, cancellationToken);
                if (answered is not null)
                {
                    return Answer(answered.ResponseStatus!.Value, answered.ResponseBody!, location);
                }

                // The first request stopped (or is slow) before Payments answered: carry its refund on, under the same id.
                var refundId = await db.Refunds.AsNoTracking().Where(r => r.IdempotencyKeyId == record.Id).Select(r => r.Id).SingleAsync(cancellationToken);
                var (status, body) = await CarryOnAsync(refundId, cancellationToken);
                return Answer(status, body, location);
            default:
                return Answer(record.ResponseStatus!.Value, record.ResponseBody!, location);
        }
    }

    /// <summary>The stored answer; a refund made carries its address in Location, on the first answer and on every replay.</summary>
    private static ContentHttpResult Answer(int status, string body, (string Path, HttpResponse Response) location)
    {
        if (status == StatusCodes.Status201Created)
        {
            location.Response.Headers.Location = $"{location.Path}/{JsonSerializer.Deserialize<RefundResponse>(body, Json)!.Id}";
            return TypedResults.Content(body, JsonType, Encoding.UTF8, status);
        }

        return TypedResults.Content(body, ProblemType, Encoding.UTF8, status);
    }

    private static (int Status, string Body) Created(OrderRefund refund) =>
        (StatusCodes.Status201Created, JsonSerializer.Serialize(RefundResponse.From(refund), Json));

    private static (int Status, string Body) Refused(RefundResult result) =>
        (StatusCodes.Status409Conflict, JsonSerializer.Serialize(new
        {
            type = "https://tools.ietf.org/html/rfc9110#section-15.5.10",
            title = "The payment could not be refunded",
            status = StatusCodes.Status409Conflict,
            detail = result.Outcome switch
            {
                RefundOutcome.NotCaptured => "The order's money is not captured yet (its group waits for the other sellers' answers); refund it once it is, or cancel it to release the hold.",
                RefundOutcome.ExceedsCapture => $"Less was captured for the order than this refund asks; at most {result.Refundable?.Amount} {result.Refundable?.Currency} is left.",
                RefundOutcome.Refused => $"The payment provider refused the refund ({result.ProviderCode}).",
                _ => "The payment refused the refund.",
            },
            rule = result.Outcome.ToString(),
            refundable = result.Refundable?.Amount,
        }, Json));

    private static decimal CostOf(OrderLine line, int units, string currency) =>
        line.Quantity == 0 ? 0m : Currencies.Round(line.LineTotal * units / line.Quantity, currency);

    private static string LinesLeft(OrderLine line) =>
        $"At most {line.Quantity - line.RefundedQuantity} of the line's {line.Quantity} units are left to refund.";

    private static string AmountLeft(decimal left, string currency) =>
        $"At most {left.ToString(System.Globalization.CultureInfo.InvariantCulture)} {currency} is left to refund of the order.";

    private static ProblemHttpResult Problem(string title, string detail, string rule, OrderStatus status) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail,
            extensions: new Dictionary<string, object?> { ["rule"] = rule, ["status"] = OrderWords.Of(status) });
}
