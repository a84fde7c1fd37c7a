using System.Buffers;
using System.Globalization;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Platform.Bulk;
using Marketplace.Platform.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Sellers.BulkStatus;

/// <summary>The outcome of every row of a bulk status change, in the order sent.</summary>
/// <param name="Rows">One outcome per row.</param>
public sealed record BulkStatusResponse(IReadOnlyList<BulkStatusRowResult> Rows);

/// <summary>What became of one row.</summary>
/// <param name="Row">The row's number, from 1 (CSV: the header is not counted).</param>
/// <param name="OrderId">The order the row named, when it could be read.</param>
/// <param name="Outcome">moved, unchanged or rejected.</param>
/// <param name="Status">The order's status after the row, when the order was found.</param>
/// <param name="Version">The order's version after the row, when the order was found.</param>
/// <param name="Field">For a rejected row: the field at fault, or <c>rule</c> when the transition table refused it.</param>
/// <param name="Reason">For a rejected row: why.</param>
public sealed record BulkStatusRowResult(int Row, Guid? OrderId, string Outcome, string? Status, int? Version, string? Field, string? Reason);

/// <summary>One row as sent: the order, the change (accept, reject, ship, deliver), and what the change needs.</summary>
internal sealed record BulkStatusRow(Guid? OrderId, string? Action, int? Version, string? Reason, string? Carrier, string? TrackingNumber);

/// <summary>Reads a status row from a JSON Lines line or a CSV record.</summary>
internal sealed class BulkStatusRowParser : IBulkRowParser<BulkStatusRow>
{
    public static readonly BulkStatusRowParser Instance = new();

    public BulkRow<BulkStatusRow> FromJsonLine(int number, ReadOnlySequence<byte> line) => BulkJson.Read<BulkStatusRow>(number, line);

    public BulkRow<BulkStatusRow> FromCsv(int number, IReadOnlyDictionary<string, string> columns)
    {
        string? Text(string name) => columns.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

        Guid? orderId = null;
        if (Text("orderId") is { } idText)
        {
            if (!Guid.TryParse(idText, out var id))
            {
                return BulkRow.Rejected<BulkStatusRow>(number, "orderId", $"'{idText}' is not an id.");
            }

            orderId = id;
        }

        int? version = null;
        if (Text("version") is { } versionText)
        {
            if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return BulkRow.Rejected<BulkStatusRow>(number, "version", $"'{versionText}' is not a whole number.");
            }

            version = parsed;
        }

        return new(number, new BulkStatusRow(orderId, Text("action"), version, Text("reason"), Text("carrier"), Text("trackingNumber")), null, null);
    }
}

/// <summary>
/// A seller's status changes in bulk, as JSON Lines or CSV (header row: orderId, action, version, reason, carrier,
/// trackingNumber), read row by row by the platform's bulk reader (body, line and row limits). Each row is applied on
/// its own through the transition table, with its own save; a row's version, when given, must be the order's (as
/// If-Match would).
/// </summary>
internal static class BulkChangeStatus
{
    private static readonly Dictionary<string, OrderTransition> Actions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["accept"] = OrderTransition.Accept,
        ["reject"] = OrderTransition.Reject,
        ["ship"] = OrderTransition.MarkShipped,
        ["deliver"] = OrderTransition.MarkDelivered,
    };

    public static async Task<Results<Ok<BulkStatusResponse>, ProblemHttpResult, ValidationProblem>> Handle(
        Guid sellerId, HttpContext http, OrderingDbContext db, TimeProvider clock, IOptions<OrderingOptions> options, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (BulkReading.FormatOf(http.Request) is not { } format)
        {
            return BulkReading.UnsupportedMediaType(http.Request.ContentType);
        }

        if (BulkReading.AllowBulkBody(http, settings.MaxBulkBodyBytes) is { } tooLarge)
        {
            return tooLarge;
        }

        var results = new List<BulkStatusRowResult>();
        try
        {
            await foreach (var row in BulkReading.ReadAsync(http.Request, format, BulkStatusRowParser.Instance, settings.MaxBulkLineBytes, cancellationToken))
            {
                if (results.Count >= settings.MaxBulkRows)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many rows",
                        detail: $"At most {settings.MaxBulkRows} rows per request; nothing after row {settings.MaxBulkRows} was read, and the rows before it were applied.",
                        extensions: new Dictionary<string, object?> { ["rows"] = results });
                }

                var number = results.Count + 1;
                results.Add(row.Value is not { } input
                    ? new BulkStatusRowResult(number, null, "rejected", null, null, row.Field, row.Error)
                    : await ApplyAsync(db, clock, sellerId, number, input, cancellationToken));
            }
        }
        catch (UnreadableBulkBodyException unreadable)
        {
            return BulkReading.Unreadable(unreadable, results.Count(r => r.Outcome != "rejected"));
        }

        return TypedResults.Ok(new BulkStatusResponse(results));
    }

    private static async Task<BulkStatusRowResult> ApplyAsync(OrderingDbContext db, TimeProvider clock, Guid sellerId, int number, BulkStatusRow row, CancellationToken cancellationToken)
    {
        if (row.OrderId is not { } orderId || orderId == Guid.Empty)
        {
            return new(number, null, "rejected", null, null, "orderId", "Give the order's id.");
        }

        if (row.Action is null || !Actions.TryGetValue(row.Action.Trim(), out var transition))
        {
            return new(number, orderId, "rejected", null, null, "action", "Must be accept, reject, ship or deliver.");
        }

        if (row.Reason?.Length > OrderingDbContext.MaxTextLength || row.Carrier?.Length > 100 || row.TrackingNumber?.Length > 100)
        {
            return new(number, orderId, "rejected", null, null, "reason", "reason is at most 300 characters; carrier and trackingNumber at most 100.");
        }

        db.ChangeTracker.Clear();
        var order = await db.SellerOrders.FirstOrDefaultAsync(SellerOrders.Own(sellerId, orderId), cancellationToken);
        if (order is null)
        {
            return new(number, orderId, "rejected", null, null, "orderId", "No order with this id is the seller's.");
        }

        var rule = OrderTransitions.RuleOf(transition);
        var isRepeat = order.Status == rule.To && order.LastTransition == transition;
        if (!isRepeat && row.Version is { } version && version != order.Version)
        {
            return new(number, orderId, "rejected", OrderWords.Of(order.Status), order.Version, "version", $"The order is at version {order.Version}; read it again.");
        }

        var from = order.Status;
        var outcome = order.Apply(transition, OrderActor.Seller(sellerId), new TransitionDetails(row.Reason, row.Carrier, row.TrackingNumber), clock.GetUtcNow());
        switch (outcome.Kind)
        {
            case TransitionOutcomeKind.Moved:
                db.PublishMove(order, transition, from, clock);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || ModuleDbContext.IsUniqueViolation(e))
                {
                    // Another move of this order saved first (its version check or its history row's key decided).
                    return new(number, orderId, "rejected", null, null, "version", "The order changed while this row was applied; read it again.");
                }

                return new(number, orderId, "moved", OrderWords.Of(order.Status), order.Version, null, null);
            case TransitionOutcomeKind.Unchanged:
                return new(number, orderId, "unchanged", OrderWords.Of(order.Status), order.Version, null, null);
            default:
                return new(number, orderId, "rejected", OrderWords.Of(order.Status), order.Version, "rule", $"{outcome.Rule}: {outcome.Message}");
        }
    }
}
