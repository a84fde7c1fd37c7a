using System.Globalization;
using System.Text;
using Marketplace.Payments.Persistence;
using Marketplace.Platform;
using Marketplace.Platform.Http;
using Marketplace.Platform.Paging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Payments.Ledger.Statement;

/// <summary>A seller's statement: its payable account's entries in write order, as keyset pages or one CSV download.</summary>
internal static class ReadSellerStatement
{
    private const string FormatParameter = "format";
    private const string Csv = "csv";

    /// <summary>The last line of a page and the seller it was read for: a cursor of another seller is refused.</summary>
    private sealed record Position(long Sequence, Guid SellerId);

    public static async Task<Results<Ok<Page<StatementRow>>, PushStreamHttpResult, ValidationProblem>> Handle(
        Guid sellerId, PageRequest paging, HttpRequest request, PaymentsDbContext db, IOptions<PaymentsOptions> options, CancellationToken cancellationToken)
    {
        var format = request.Query[FormatParameter].ToString();
        if (format.Length > 0 && !string.Equals(format, Csv, StringComparison.OrdinalIgnoreCase) && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError(FormatParameter, "Give json (the default) or csv."));
        }

        var settings = options.Value;
        var wantsCsv = string.Equals(format, Csv, StringComparison.OrdinalIgnoreCase)
            || (format.Length == 0 && request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)));
        if (wantsCsv)
        {
            return TypedResults.Stream(
                stream => WriteCsvAsync(stream, sellerId, db, settings.StatementCsvBatchSize, cancellationToken),
                "text/csv; charset=utf-8",
                $"statement-{sellerId}.csv");
        }

        if (!paging.TryRead<Position>(new PageLimits(settings.StatementPageSize, settings.MaxStatementPageSize), out var page, out var problem))
        {
            return problem;
        }

        if (page.After is { } other && other.SellerId != sellerId)
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError(PagingMessages.CursorParameter, PagingMessages.Cursor));
        }

        var rows = await LinesAsync(db, sellerId, page.After?.Sequence ?? 0, page.Fetch, cancellationToken);
        return TypedResults.Ok(page.ToPage(rows, r => new Position(r.Sequence, sellerId), r => r));
    }

    private static async Task<List<StatementRow>> LinesAsync(PaymentsDbContext db, Guid sellerId, long after, int take, CancellationToken cancellationToken)
    {
        var entries = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.SellerId == sellerId && e.AccountKind == LedgerAccountKind.SellerPayable && e.Sequence > after)
            .OrderBy(e => e.Sequence)
            .Take(take)
            .Join(db.LedgerTransactions, e => e.TransactionId, t => t.Id, (e, t) => new { Entry = e, t.Kind })
            .ToListAsync(cancellationToken);
        return entries
            .Select(x => new StatementRow(
                x.Entry.Sequence, x.Entry.RecordedAt, x.Entry.TransactionId, x.Kind, x.Entry.Reason, x.Entry.OrderId, x.Entry.OrderNumber,
                MinorUnits.ToAmount(-x.Entry.Amount, x.Entry.Currency), x.Entry.Currency))
            .ToList();
    }

    private static async Task WriteCsvAsync(Stream body, Guid sellerId, PaymentsDbContext db, int batch, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), leaveOpen: true);
        await writer.WriteLineAsync("sequence,recorded_at,transaction_id,kind,reason,order_id,order_number,amount,currency");
        long after = 0;
        while (true)
        {
            var rows = await LinesAsync(db, sellerId, after, batch, cancellationToken);
            foreach (var row in rows)
            {
                await writer.WriteLineAsync(string.Join(',',
                    row.Sequence.ToString(CultureInfo.InvariantCulture),
                    row.RecordedAt.ToString("O", CultureInfo.InvariantCulture),
                    row.TransactionId.ToString(),
                    CsvField(row.Kind),
                    CsvField(row.Reason),
                    row.OrderId?.ToString() ?? "",
                    CsvField(row.OrderNumber ?? ""),
                    row.Amount.ToString($"F{Currencies.MinorUnitsOf(row.Currency)}", CultureInfo.InvariantCulture),
                    row.Currency));
            }

            if (rows.Count < batch)
            {
                break;
            }

            after = rows[^1].Sequence;
            await writer.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Quoted when it holds a separator or a quote; a leading formula character is defused for spreadsheets.</summary>
    private static string CsvField(string value)
    {
        if (value.Length > 0 && "=+-@".Contains(value[0], StringComparison.Ordinal))
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }
}
