using System.Linq.Expressions;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Platform.Http;
using Marketplace.Platform.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Ordering.Transitions;

/// <summary>
/// How every status change over HTTP runs, whoever asks: find the caller's own order (another's is 404), read If-Match,
/// let <see cref="SellerOrder.Apply"/> decide by the transition table, and write the move, its history row and its
/// event in one save under the version check. Handlers only say which transition, for whom, with what details.
/// </summary>
internal static class OrderMoves
{
    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> RunAsync(
        OrderingDbContext db,
        HttpContext http,
        TimeProvider clock,
        Expression<Func<SellerOrder, bool>> ownOrder,
        OrderTransition transition,
        OrderActor actor,
        TransitionDetails details,
        CancellationToken cancellationToken)
    {
        if (!Preconditions.TryReadIfMatch(http.Request, out var ifMatch, out var refusal))
        {
            return refusal;
        }

        var order = await Load(db).Where(ownOrder).FirstOrDefaultAsync(cancellationToken);
        if (order is null)
        {
            return NotFound();
        }

        if (order.History.Any(h => h.Version > order.Version))
        {
            // The order and its timeline are read by separate queries: a move saved between them is in the timeline but not
            // in the order's version, so this request lost a race with it, just as a save would have told it.
            return Preconditions.Failed(null);
        }

        var rule = OrderTransitions.RuleOf(transition);

        // A repeat of the move that was last applied is answered as it stands, even with the If-Match the first request
        // carried: the client that lost the first answer learns the outcome instead of a 412.
        var isRepeat = order.Status == rule.To && order.LastTransition == transition;
        if (!isRepeat && !ifMatch.Matches(order.Version))
        {
            return Preconditions.Failed(order.Version);
        }

        var from = order.Status;
        var outcome = order.Apply(transition, actor, details, clock.GetUtcNow());
        switch (outcome.Kind)
        {
            case TransitionOutcomeKind.NotAllowed:
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed", detail: outcome.Message,
                    extensions: new Dictionary<string, object?> { ["rule"] = outcome.Rule });
            case TransitionOutcomeKind.Refused:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The order cannot take '{transition}' now", detail: outcome.Message,
                    extensions: new Dictionary<string, object?> { ["rule"] = outcome.Rule, ["status"] = OrderWords.Of(order.Status) });
            case TransitionOutcomeKind.Moved:
                db.PublishMove(order, transition, from, clock);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || ModuleDbContext.IsUniqueViolation(e))
                {
                    // Another move of this order saved first: by its version check, or by its history row, whose key the
                    // batch meets before the version check.
                    return Preconditions.Failed(null);
                }

                break;
        }

        ETag.Set(http.Response, order.Version);
        return TypedResults.Ok(OrderResponse.From(order));
    }

    /// <summary>An order with what its answer shows: lines and timeline.</summary>
    public static IQueryable<SellerOrder> Load(OrderingDbContext db) =>
        db.SellerOrders.Include(o => o.Lines).Include(o => o.History).AsSplitQuery();

    public static ProblemHttpResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found", detail: "No order with this id is yours.");
}
