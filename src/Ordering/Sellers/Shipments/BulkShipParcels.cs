using System.Buffers;
using System.Globalization;
using Marketplace.Delivery.Contracts;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Platform.Bulk;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Sellers.Shipments;

/// <summary>The outcome of every row of a bulk shipment, in the order sent.</summary>
/// <param name="Rows">One outcome per row.</param>
public sealed record BulkShipmentResponse(IReadOnlyList<BulkShipmentRowResult> Rows);

/// <summary>What became of one row.</summary>
/// <param name="Row">The row's number, from 1 (CSV: the header is not counted).</param>
/// <param name="OrderId">The order the row named, when it could be read.</param>
/// <param name="Outcome">shipped, unchanged (the same row was shipped before) or rejected.</param>
/// <param name="Parcel">The parcel, for a shipped or unchanged row.</param>
/// <param name="OrderStatus">The order's status after the row, when it was shipped.</param>
/// <param name="Field">For a rejected row: the field at fault.</param>
/// <param name="Reason">For a rejected row: why.</param>
public sealed record BulkShipmentRowResult(int Row, Guid? OrderId, string Outcome, ParcelResponse? Parcel, string? OrderStatus, string? Field, string? Reason);

/// <summary>One parcel as sent: the order, the parcel (a size to book, or the seller's carrier and tracking number), and its key.</summary>
internal sealed record BulkShipmentRow(
    Guid? OrderId, string? Key, string? Carrier, string? TrackingNumber, int? WeightGrams, int? LengthMm, int? WidthMm, int? HeightMm, string? RecipientPhone, string? PickupPointId);

internal sealed class BulkShipmentRowParser : IBulkRowParser<BulkShipmentRow>
{
    public static readonly BulkShipmentRowParser Instance = new();

    private static readonly string[] Sizes = ["weightGrams", "lengthMm", "widthMm", "heightMm"];

    public BulkRow<BulkShipmentRow> FromJsonLine(int number, ReadOnlySequence<byte> line) => BulkJson.Read<BulkShipmentRow>(number, line);

    public BulkRow<BulkShipmentRow> FromCsv(int number, IReadOnlyDictionary<string, string> columns)
    {
        string? Text(string name) => columns.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

        Guid? orderId = null;
        if (Text("orderId") is { } idText)
        {
            if (!Guid.TryParse(idText, out var id))
            {
                return BulkRow.Rejected<BulkShipmentRow>(number, "orderId", $"'{idText}' is not an id.");
            }

            orderId = id;
        }

        var sizes = new int?[Sizes.Length];
        for (var i = 0; i < Sizes.Length; i++)
        {
            if (Text(Sizes[i]) is { } text)
            {
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    return BulkRow.Rejected<BulkShipmentRow>(number, Sizes[i], $"'{text}' is not a whole number.");
                }

                sizes[i] = value;
            }
        }

        return new(number, new BulkShipmentRow(orderId, Text("key"), Text("carrier"), Text("trackingNumber"), sizes[0], sizes[1], sizes[2], sizes[3], Text("recipientPhone"), Text("pickupPointId")), null, null);
    }
}

/// <summary>
/// Ships many parcels at once, as JSON Lines or CSV (header row: orderId, key, carrier, trackingNumber, weightGrams,
/// lengthMm, widthMm, heightMm, recipientPhone, pickupPointId), one parcel per row, each shipped on its own as the single
/// route ships it. A row's key is its idempotency key (at most 255 visible ASCII characters); without one, the row's
/// own content is its key, so sending the same file again ships nothing twice.
/// </summary>
internal static class BulkShipParcels
{
    public static async Task<Results<Ok<BulkShipmentResponse>, ProblemHttpResult, ValidationProblem>> Handle(
        Guid sellerId, HttpContext http, OrderingDbContext db, IOrderShipments shipments, ParcelTimelines timelines, TimeProvider clock, IOptions<OrderingOptions> options, CancellationToken cancellationToken)
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

        var results = new List<BulkShipmentRowResult>();
        try
        {
            await foreach (var row in BulkReading.ReadAsync(http.Request, format, BulkShipmentRowParser.Instance, settings.MaxBulkLineBytes, cancellationToken))
            {
                if (results.Count >= settings.MaxBulkRows)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many rows",
                        detail: $"At most {settings.MaxBulkRows} rows per request; nothing after row {settings.MaxBulkRows} was read, and the rows before it were applied.",
                        extensions: new Dictionary<string, object?> { ["rows"] = results });
                }

                var number = results.Count + 1;
                results.Add(row.Value is not { } input
                    ? new BulkShipmentRowResult(number, null, "rejected", null, null, row.Field, row.Error)
                    : await ApplyAsync(db, shipments, timelines, clock, sellerId, number, input, cancellationToken));
            }
        }
        catch (UnreadableBulkBodyException unreadable)
        {
            return BulkReading.Unreadable(unreadable, results.Count(r => r.Outcome != "rejected"));
        }

        return TypedResults.Ok(new BulkShipmentResponse(results));
    }

    private static async Task<BulkShipmentRowResult> ApplyAsync(
        OrderingDbContext db, IOrderShipments shipments, ParcelTimelines timelines, TimeProvider clock, Guid sellerId, int number, BulkShipmentRow row, CancellationToken cancellationToken)
    {
        if (row.OrderId is not { } orderId || orderId == Guid.Empty)
        {
            return Rejected(number, null, "orderId", "Give the order's id.");
        }

        var key = row.Key?.Trim() ?? string.Join(':', "row", orderId.ToString("N"), row.Carrier, row.TrackingNumber, row.WeightGrams, row.LengthMm, row.WidthMm, row.HeightMm);
        if (key.Length is 0 or > 255 || key.Any(c => c < 0x21 || c > 0x7e))
        {
            return Rejected(number, orderId, "key", "A key is 1 to 255 visible ASCII characters.");
        }

        if (row.RecipientPhone is { } phone && !System.Text.RegularExpressions.Regex.IsMatch(phone, @"^\+?[0-9]{6,15}$"))
        {
            return Rejected(number, orderId, "recipientPhone", "A phone number in international form, such as +79001234567.");
        }

        var request = new ShipParcelsRequest([new ParcelRequest(row.Carrier, row.TrackingNumber, row.WeightGrams, row.LengthMm, row.WidthMm, row.HeightMm)], row.RecipientPhone, row.PickupPointId);
        db.ChangeTracker.Clear();
        var result = await ParcelShipping.ShipAsync(db, shipments, timelines, clock, sellerId, orderId, key, request, cancellationToken);
        return result switch
        {
            ShippingResult.Shipped shipped => new(number, orderId, shipped.Repeated ? "unchanged" : "shipped", shipped.Response.Parcels[0], shipped.Response.OrderStatus, null, null),
            ShippingResult.NotFound => Rejected(number, orderId, "orderId", "No order with this id is the seller's."),
            ShippingResult.WrongStatus wrong => Rejected(number, orderId, "rule", $"IllegalTransition: an order that is {wrong.Status} is not shipped; accept it first."),
            ShippingResult.Invalid invalid => Rejected(number, orderId, RowField(invalid.Errors.Keys.First()), string.Join(" ", invalid.Errors.SelectMany(e => e.Value))),
            ShippingResult.KeyReused => Rejected(number, orderId, "key", "This key shipped a different parcel before."),
            ShippingResult.CarrierDown down => Rejected(number, orderId, "carrier", $"Carrier '{down.Carrier}' did not answer; send the row again later."),
            _ => throw new InvalidOperationException($"Unknown shipping result {result}."),
        };
    }

    /// <summary>The single route's paths (<c>parcels[0].weightGrams</c>) as the row's columns (<c>weightGrams</c>).</summary>
    private static string RowField(string path) =>
        path.StartsWith("parcels[0].", StringComparison.OrdinalIgnoreCase) ? char.ToLowerInvariant(path[11]) + path[12..]
        : path.StartsWith("parcels", StringComparison.OrdinalIgnoreCase) ? "carrier"
        : path;

    private static BulkShipmentRowResult Rejected(int number, Guid? orderId, string field, string reason) => new(number, orderId, "rejected", null, null, field, reason);
}
