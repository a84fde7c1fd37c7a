using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using CsvHelper;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Platform.Bulk;

/// <summary>The body formats a bulk endpoint reads.</summary>
public enum BulkFormat
{
    /// <summary>JSON Lines: one JSON object per line (<c>application/x-ndjson</c>).</summary>
    JsonLines,

    /// <summary>CSV with a header row (<c>text/csv</c>).</summary>
    Csv,
}

/// <summary>One row of a bulk body: its number in the file, and either its value or why it could not be read.</summary>
/// <typeparam name="T">The row type.</typeparam>
/// <param name="Number">The row's number in the body.</param>
/// <param name="Value">The row, when it could be read.</param>
/// <param name="Field">For a row that could not be read: the field at fault (<c>$</c> for the whole row).</param>
/// <param name="Error">For a row that could not be read: why.</param>
public readonly record struct BulkRow<T>(int Number, T? Value, string? Field, string? Error)
    where T : class;

/// <summary>Makes rejected rows.</summary>
public static class BulkRow
{
    /// <summary>A row that could not be read: the field at fault (<c>$</c> for the whole row) and why.</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="number">The row's number in the body.</param>
    /// <param name="field">The field at fault.</param>
    /// <param name="error">Why.</param>
    /// <returns>The rejected row.</returns>
    public static BulkRow<T> Rejected<T>(int number, string field, string error)
        where T : class => new(number, null, field, error);
}

/// <summary>Turns one row of either format into a typed value, or says which field is wrong.</summary>
public interface IBulkRowParser<T>
    where T : class
{
    /// <summary>One JSON Lines row (<see cref="BulkJson.Read{T}"/> reads a typed row with field-named errors).</summary>
    /// <param name="number">The line's number.</param>
    /// <param name="line">The line, without its line break.</param>
    /// <returns>The row, or why it was rejected.</returns>
    BulkRow<T> FromJsonLine(int number, ReadOnlySequence<byte> line);

    /// <summary>One CSV record, by the header's column names (case-insensitive).</summary>
    /// <param name="number">The record's line number (the header is line 1).</param>
    /// <param name="columns">Each column's trimmed text, by header name.</param>
    /// <returns>The row, or why it was rejected.</returns>
    BulkRow<T> FromCsv(int number, IReadOnlyDictionary<string, string> columns);
}

/// <summary>
/// Reads a bulk body row by row, never holding more than one row (plus the transport's buffer) in memory. A row
/// that cannot be read (broken JSON, a line over the limit, a wrong column count) comes out rejected; reading goes on.
/// </summary>
public static class BulkReading
{
    private const int CsvBufferBytes = 64 * 1024;

    /// <summary>The media types read as JSON Lines.</summary>
    public static readonly string[] JsonLinesMediaTypes = ["application/x-ndjson", "application/jsonl", "application/x-jsonlines"];
    /// <summary>The media type read as CSV with a header row.</summary>
    public const string CsvMediaType = "text/csv";

    /// <summary>The media types a bulk endpoint accepts, for its OpenAPI description.</summary>
    public static IReadOnlyList<string> MediaTypes { get; } = [.. JsonLinesMediaTypes, CsvMediaType];

    /// <summary>The format the request's Content-Type names, or null (answer <see cref="UnsupportedMediaType"/>).</summary>
    /// <param name="request">The bulk request.</param>
    /// <returns>The format, or null.</returns>
    public static BulkFormat? FormatOf(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type))
        {
            return null;
        }

        var media = type.MediaType.Value ?? "";
        if (JsonLinesMediaTypes.Contains(media, StringComparer.OrdinalIgnoreCase))
        {
            return BulkFormat.JsonLines;
        }

        return string.Equals(media, CsvMediaType, StringComparison.OrdinalIgnoreCase) ? BulkFormat.Csv : null;
    }

    /// <summary>The 415 for a body in neither format.</summary>
    /// <param name="contentType">The Content-Type sent.</param>
    /// <returns>The problem answer.</returns>
    public static ProblemHttpResult UnsupportedMediaType(string? contentType) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type",
            detail: $"Send the rows as JSON Lines (Content-Type: {JsonLinesMediaTypes[0]}) or CSV with a header row (Content-Type: {CsvMediaType}); '{contentType}' is neither.");

    /// <summary>
    /// Raises this request's body limit to the bulk limit (every other endpoint keeps the host's limit). Returns the
    /// 413 answer when the declared length is already over it, before a single row is read.
    /// </summary>
    /// <param name="http">The bulk request's context.</param>
    /// <param name="maxBytes">The bulk body limit.</param>
    /// <returns>The 413, or null when the body may be read.</returns>
    public static ProblemHttpResult? AllowBulkBody(HttpContext http, long maxBytes)
    {
        if (http.Request.ContentLength > maxBytes)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Request body too large",
                detail: $"A bulk request carries at most {maxBytes} bytes; split the file.");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        return null;
    }

    /// <summary>
    /// The rows of the body. Throws <see cref="UnreadableBulkBodyException"/> where reading cannot go on: a CSV record
    /// longer than <paramref name="maxLineBytes"/> has no end the reader can find without holding the rest of the body.
    /// </summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="request">The bulk request.</param>
    /// <param name="format">Its format (<see cref="FormatOf"/>).</param>
    /// <param name="parser">Turns one row into a value.</param>
    /// <param name="maxLineBytes">The longest line or record read.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The rows in body order.</returns>
    public static IAsyncEnumerable<BulkRow<T>> ReadAsync<T>(HttpRequest request, BulkFormat format, IBulkRowParser<T> parser, int maxLineBytes, CancellationToken cancellationToken)
        where T : class =>
        format == BulkFormat.Csv
            ? ReadCsvAsync(request.Body, parser, maxLineBytes, cancellationToken)
            : ReadJsonLinesAsync(request.BodyReader, parser, maxLineBytes, cancellationToken);

    /// <summary>The 400 for a body that could not be read to its end; it says what earlier rows already wrote.</summary>
    /// <param name="unreadable">Where and why reading stopped.</param>
    /// <param name="written">Rows already written before that line.</param>
    /// <returns>The problem answer.</returns>
    public static ValidationProblem Unreadable(UnreadableBulkBodyException unreadable, int written) =>
        TypedResults.ValidationProblem(
            Http.ValidationFilterExtensions.FieldError("$", $"Line {unreadable.Line}: {unreadable.Message}"),
            detail: written == 0
                ? "Nothing of this request was written."
                : $"{written} rows before line {unreadable.Line} were written before it; nothing from that line on was read.",
            title: "The bulk body cannot be read",
            extensions: new Dictionary<string, object?> { ["line"] = unreadable.Line });

    private static async IAsyncEnumerable<BulkRow<T>> ReadJsonLinesAsync<T>(
        PipeReader body, IBulkRowParser<T> parser, int maxLineBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        var number = 0;
        var skippingLongLine = false;
        while (true)
        {
            var result = await body.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var rows = new List<BulkRow<T>>();
            while (TryReadLine(ref buffer, out var line))
            {
                if (skippingLongLine)
                {
                    // The end of a line already reported as too long.
                    skippingLongLine = false;
                    continue;
                }

                number++;
                if (ParseLine(number, line, parser) is { } row)
                {
                    rows.Add(row);
                }
            }

            if (buffer.Length > maxLineBytes || (skippingLongLine && !buffer.IsEmpty))
            {
                if (!skippingLongLine)
                {
                    number++;
                    rows.Add(BulkRow.Rejected<T>(number, "$", $"The line is longer than {maxLineBytes} bytes; it was not read."));
                    skippingLongLine = true;
                }

                buffer = buffer.Slice(buffer.End);
            }

            if (result.IsCompleted && !buffer.IsEmpty && !skippingLongLine)
            {
                number++;
                if (ParseLine(number, buffer, parser) is { } last)
                {
                    rows.Add(last);
                }

                buffer = buffer.Slice(buffer.End);
            }

            // Parsed before the buffer is released: a row never refers to the transport's memory.
            body.AdvanceTo(buffer.Start, buffer.End);
            foreach (var row in rows)
            {
                yield return row;
            }

            if (result.IsCompleted)
            {
                break;
            }
        }

        await body.CompleteAsync();
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    private static BulkRow<T>? ParseLine<T>(int number, ReadOnlySequence<byte> line, IBulkRowParser<T> parser)
        where T : class
    {
        if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            line = line.Slice(0, line.Length - 1);
        }

        if (IsBlank(line))
        {
            return null;
        }

        return parser.FromJsonLine(number, line);
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static async IAsyncEnumerable<BulkRow<T>> ReadCsvAsync<T>(
        Stream body, IBulkRowParser<T> parser, int maxRecordBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        // Malformed records (bad quoting, a column count that differs from the header) are skipped by the reader and
        // reported here, so that they become rejected rows instead of failing the request.
        var malformed = new List<CsvMalformedRecord>();
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            Separator = ',',
            TrimWhitespace = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Skip,
            OnMalformedRecord = record => malformed.Add(record),

            // Without a cap, one unclosed quote makes the rest of the body one record, held whole in memory. The
            // buffer is kept no larger than the cap, so that a record over it is always caught (the reader checks
            // when it needs more input) and memory stays within about twice the cap.
            MaxRecordSize = maxRecordBytes,
            BufferSize = Math.Min(CsvBufferBytes, maxRecordBytes),
        };
        await using var csv = CsvReader.Create(body, options, true);
        try
        {
            await csv.ReadHeaderAsync(cancellationToken);
        }
        catch (CsvFormatException e)
        {
            throw new UnreadableBulkBodyException(Math.Max(e.LineNumber, 1), TooLong(maxRecordBytes), e);
        }

        var names = csv.Headers.Select(h => h.Trim()).ToArray();
        if (names.Length == 0)
        {
            yield break;
        }

        while (true)
        {
            bool more;
            try
            {
                more = await csv.ReadAsync(cancellationToken);
            }
            catch (CsvFormatException e)
            {
                throw new UnreadableBulkBodyException(e.LineNumber, TooLong(maxRecordBytes), e);
            }

            foreach (var record in malformed)
            {
                yield return BulkRow.Rejected<T>((int)record.LineNumber, "$", record.Reason == CsvMalformedReason.FieldCountMismatch
                    ? $"The row's column count differs from the header's ({names.Length})."
                    : $"The row is not valid CSV ({record.Reason}).");
            }

            malformed.Clear();
            if (!more)
            {
                break;
            }

            var columns = new Dictionary<string, string>(names.Length, StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < names.Length; i++)
            {
                columns[names[i]] = csv.GetString(i) ?? "";
            }

            yield return parser.FromCsv((int)csv.LineNumber, columns);
        }
    }

    private static string TooLong(int maxRecordBytes) =>
        $"A CSV record is longer than {maxRecordBytes} bytes (is a quote left open?); the body was not read past it.";
}

/// <summary>A bulk body that cannot be read past <see cref="Line"/>; the request ends there with a 400.</summary>
public sealed class UnreadableBulkBodyException(long line, string message, Exception inner) : Exception(message, inner)
{
    /// <summary>The line reading stopped at.</summary>
    public long Line { get; } = line;
}
