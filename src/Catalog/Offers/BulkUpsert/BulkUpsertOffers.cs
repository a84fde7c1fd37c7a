using System.Buffers;
using System.Globalization;
using FluentValidation;
using Marketplace.Catalog.Bulk;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Bulk;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Offers.BulkUpsert;

/// <summary>One row of an offers bulk file: the SKU by <c>sku</c> code or <c>gtin</c>, then price, currency, stock and dispatch days.</summary>
/// <param name="Sku">SKU code.</param>
/// <param name="Gtin">GTIN of the SKU (instead of, or as well as, the code).</param>
/// <param name="Price">Price per unit.</param>
/// <param name="Currency">Must be the storefront currency.</param>
/// <param name="Stock">Units available.</param>
/// <param name="DispatchDays">Business days to dispatch; omitted keeps the current value.</param>
public sealed record OfferBulkRow(string? Sku, string? Gtin, decimal? Price, string? Currency, int? Stock, int? DispatchDays);

internal sealed class OfferRowParser : IBulkRowParser<OfferBulkRow>
{
    public static readonly OfferRowParser Instance = new();

    public BulkRow<OfferBulkRow> FromJsonLine(int number, ReadOnlySequence<byte> line) => BulkJson.Read<OfferBulkRow>(number, line);

    public BulkRow<OfferBulkRow> FromCsv(int number, IReadOnlyDictionary<string, string> columns)
    {
        string? Text(string name) => columns.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

        decimal? price = null;
        if (Text("price") is { } priceText)
        {
            if (!decimal.TryParse(priceText, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
            {
                return BulkRow.Rejected<OfferBulkRow>(number, "price", $"'{priceText}' is not a number (use a dot for decimals, no thousands separator).");
            }

            price = parsed;
        }

        int? stock = null;
        int? dispatchDays = null;
        foreach (var (name, set) in new (string, Action<int>)[] { ("stock", v => stock = v), ("dispatchDays", v => dispatchDays = v) })
        {
            if (Text(name) is { } text)
            {
                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                {
                    return BulkRow.Rejected<OfferBulkRow>(number, name, $"'{text}' is not a whole number.");
                }

                set(parsed);
            }
        }

        return new BulkRow<OfferBulkRow>(number, new OfferBulkRow(Text("sku"), Text("gtin"), price, Text("currency"), stock, dispatchDays), null, null);
    }
}

/// <summary>
/// Upserts a seller's offers from a JSON Lines or CSV body, streamed row by row and written in batches: every row is
/// validated on its own, a rejected row never stops the others, and each batch commits whole with its events.
/// </summary>
internal static class BulkUpsertOffers
{
    public static async Task<Results<Ok<BulkUpsertResponse>, ProblemHttpResult, ValidationProblem>> Handle(
        Guid sellerId, string? report, HttpContext http, CatalogDbContext db, OfferWriter writer, IValidator<UpsertOfferRequest> validator,
        IOptions<CatalogOptions> options, BulkRuns runs, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (BulkReading.FormatOf(http.Request) is not { } format)
        {
            return BulkReading.UnsupportedMediaType(http.Request.ContentType);
        }

        if (report is not (null or "all" or "rejected"))
        {
            return TypedResults.ValidationProblem(Platform.Http.ValidationFilterExtensions.FieldError("report", "Either 'all' (default) or 'rejected'."));
        }

        if (BulkReading.AllowBulkBody(http, settings.MaxBulkBodyBytes) is { } tooLarge)
        {
            return tooLarge;
        }

        var (run, refusal) = runs.TryStart(sellerId, http.Response);
        if (refusal is not null)
        {
            return refusal;
        }

        using var running = run;

        var result = new BulkReport(rejectedOnly: report == "rejected");
        var batch = new OfferBatch(sellerId, db, writer, runs, result);
        try
        {
            await foreach (var row in BulkReading.ReadAsync(http.Request, format, OfferRowParser.Instance, settings.MaxBulkLineBytes, cancellationToken))
            {
                if (!result.Admit(row.Number, settings.MaxBulkRows))
                {
                    continue;
                }

                if (row.Value is not { } input)
                {
                    result.Add(row.Number, null, RowOutcome.Rejected, row.Field, row.Error);
                    continue;
                }

                var key = input.Sku ?? input.Gtin;
                if (Problem(input, validator) is { } problem)
                {
                    result.Add(row.Number, key, RowOutcome.Rejected, problem.Field, problem.Reason);
                    continue;
                }

                batch.Add(row.Number, input);
                if (batch.Count >= settings.BulkBatchSize)
                {
                    await batch.FlushAsync(cancellationToken);
                }
            }

            await batch.FlushAsync(cancellationToken);
        }
        catch (UnreadableBulkBodyException unreadable)
        {
            // The batch still pending is dropped: rows after the last commit are not written.
            return BulkReading.Unreadable(unreadable, result.Written);
        }

        return TypedResults.Ok(result.ToResponse());
    }

    private static (string Field, string Reason)? Problem(OfferBulkRow input, IValidator<UpsertOfferRequest> validator)
    {
        if (input.Sku is null && input.Gtin is null)
        {
            return ("sku", "Name the SKU by its code ('sku') or its 'gtin'.");
        }

        if (input.Price is not { } price)
        {
            return ("price", "Required.");
        }

        if (input.Stock is not { } stock)
        {
            return ("stock", "Required.");
        }

        var validation = validator.Validate(new UpsertOfferRequest(price, input.Currency ?? "", stock, input.DispatchDays));
        if (validation.IsValid)
        {
            return null;
        }

        var error = validation.Errors[0];
        return (char.ToLowerInvariant(error.PropertyName[0]) + error.PropertyName[1..], error.ErrorMessage);
    }

    /// <summary>Rows waiting to be written together: their SKUs are resolved in one query and written in one transaction.</summary>
    private sealed class OfferBatch(Guid sellerId, CatalogDbContext db, OfferWriter writer, BulkRuns runs, BulkReport report)
    {
        private readonly List<(int Row, OfferBulkRow Input)> _pending = [];
        private readonly Dictionary<Guid, int> _rowOfSku = [];

        public int Count => _pending.Count;

        public void Add(int row, OfferBulkRow input) => _pending.Add((row, input));

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            await runs.PaceAsync(_pending.Count, cancellationToken);
            var codes = _pending.Where(p => p.Input.Sku is not null).Select(p => p.Input.Sku!).Distinct().ToList();
            var gtins = _pending.Where(p => p.Input.Gtin is not null).Select(p => p.Input.Gtin!).Distinct().ToList();
            var skus = await db.Skus.AsNoTracking()
                .Where(s => codes.Contains(s.Code) || (s.Gtin != null && gtins.Contains(s.Gtin)))
                .Select(s => new { s.Id, s.Code, s.Gtin })
                .ToListAsync(cancellationToken);
            var byCode = skus.ToDictionary(s => s.Code, StringComparer.Ordinal);
            var byGtin = skus.Where(s => s.Gtin is not null).ToDictionary(s => s.Gtin!, StringComparer.Ordinal);

            var upserts = new List<OfferUpsert>(_pending.Count);
            var keys = new Dictionary<int, string?>(_pending.Count);
            foreach (var (row, input) in _pending)
            {
                var key = input.Sku ?? input.Gtin;
                var byItsCode = input.Sku is null ? null : byCode.GetValueOrDefault(input.Sku);
                var byItsGtin = input.Gtin is null ? null : byGtin.GetValueOrDefault(input.Gtin);
                var sku = byItsCode ?? byItsGtin;
                if (input.Sku is not null && byItsCode is null)
                {
                    report.Add(row, key, RowOutcome.Rejected, "sku", $"No SKU has the code '{input.Sku}'.");
                }
                else if (input.Gtin is not null && byItsGtin is null)
                {
                    report.Add(row, key, RowOutcome.Rejected, "gtin", $"No SKU has the GTIN '{input.Gtin}'.");
                }
                else if (byItsCode is not null && byItsGtin is not null && byItsCode.Id != byItsGtin.Id)
                {
                    report.Add(row, key, RowOutcome.Rejected, "gtin", $"The GTIN '{input.Gtin}' belongs to another SKU than '{input.Sku}'.");
                }
                else if (_rowOfSku.TryGetValue(sku!.Id, out var earlier))
                {
                    report.Add(row, key, RowOutcome.Rejected, "$", $"This SKU is already in row {earlier} of this request; send each SKU once.");
                }
                else
                {
                    _rowOfSku[sku.Id] = row;
                    keys[row] = key;
                    upserts.Add(new OfferUpsert(row, sku.Id, input.Price!.Value, input.Stock!.Value, input.DispatchDays));
                }
            }

            foreach (var (row, written) in await writer.WriteAsync(sellerId, upserts, cancellationToken))
            {
                if (written.Outcome == RowOutcome.Rejected)
                {
                    report.Add(row, keys[row], RowOutcome.Rejected, "sku", "No SKU has this id.");
                }
                else
                {
                    report.Add(row, keys[row], written.Outcome);
                }
            }

            _pending.Clear();
        }
    }
}
