using System.Text;
using System.Text.Json;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
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

/// <summary>
/// A seller's status changes in bulk, as JSON Lines or CSV (header row: orderId, action, version, reason, carrier,
/// trackingNumber). Each row is applied on its own through the transition table, with its own save; a row's version,
/// when given, must be the order's (as If-Match would).
/// </summary>
internal static class BulkChangeStatus
{
    public static readonly string[] JsonLinesMediaTypes = ["application/x-ndjson", "application/jsonl", "application/x-jsonlines"];

    public const string CsvMediaType = "text/csv";

    private static readonly Dictionary<string, OrderTransition> Actions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["accept"] = OrderTransition.Accept,
        ["reject"] = OrderTransition.Reject,
        ["ship"] = OrderTransition.MarkShipped,
        ["deliver"] = OrderTransition.MarkDelivered,
    };

    public static async Task<Results<Ok<BulkStatusResponse>, ProblemHttpResult>> Handle(
        Guid sellerId, HttpRequest request, OrderingDbContext db, TimeProvider clock, IOptions<OrderingOptions> options, CancellationToken cancellationToken)
    {
        var media = request.ContentType?.Split(';')[0].Trim() ?? "";
        var csv = string.Equals(media, CsvMediaType, StringComparison.OrdinalIgnoreCase);
        if (!csv && !JsonLinesMediaTypes.Contains(media, StringComparer.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported body",
                detail: $"Send JSON Lines ({string.Join(", ", JsonLinesMediaTypes)}) or CSV ({CsvMediaType}) with a header row.");
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        string[]? header = null;
        var results = new List<BulkStatusRowResult>();
        var number = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (csv && header is null)
            {
                header = SplitCsv(line).Select(h => h.Trim()).ToArray();
                continue;
            }

            if (++number > options.Value.MaxBulkRows)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many rows",
                    detail: $"At most {options.Value.MaxBulkRows} rows per request; nothing after row {options.Value.MaxBulkRows} was read, and the rows before it were applied.",
                    extensions: new Dictionary<string, object?> { ["rows"] = results });
            }

            var (row, error) = csv ? FromCsv(header!, line) : FromJson(line);
            results.Add(row is null
                ? new BulkStatusRowResult(number, null, "rejected", null, null, "row", error)
                : await ApplyAsync(db, clock, sellerId, number, row, cancellationToken));
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
                catch (DbUpdateConcurrencyException)
                {
                    return new(number, orderId, "rejected", null, null, "version", "The order changed while this row was applied; read it again.");
                }

                return new(number, orderId, "moved", OrderWords.Of(order.Status), order.Version, null, null);
            case TransitionOutcomeKind.Unchanged:
                return new(number, orderId, "unchanged", OrderWords.Of(order.Status), order.Version, null, null);
            default:
                return new(number, orderId, "rejected", OrderWords.Of(order.Status), order.Version, "rule", $"{outcome.Rule}: {outcome.Message}");
        }
    }

    private static (BulkStatusRow? Row, string? Error) FromJson(string line)
    {
        try
        {
            return (JsonSerializer.Deserialize<BulkStatusRow>(line, JsonSerializerOptions.Web), null);
        }
        catch (JsonException e)
        {
            return (null, $"Not a JSON object of this row's fields: {e.Message}");
        }
    }

    private static (BulkStatusRow? Row, string? Error) FromCsv(string[] header, string line)
    {
        var cells = SplitCsv(line);
        string? Cell(string name)
        {
            var index = Array.FindIndex(header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
            return index >= 0 && index < cells.Count && cells[index].Length > 0 ? cells[index] : null;
        }

        var id = Cell("orderId");
        var version = Cell("version");
        if (id is not null && !Guid.TryParse(id, out _))
        {
            return (null, "orderId is not an id.");
        }

        if (version is not null && !int.TryParse(version, out _))
        {
            return (null, "version is not a whole number.");
        }

        return (new BulkStatusRow(id is null ? null : Guid.Parse(id), Cell("action"), version is null ? null : int.Parse(version, System.Globalization.CultureInfo.InvariantCulture),
            Cell("reason"), Cell("carrier"), Cell("trackingNumber")), null);
    }

    /// <summary>One CSV record of one line: cells split by commas, a quoted cell may hold commas and doubled quotes.</summary>
    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }
}
