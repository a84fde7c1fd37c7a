using System.Globalization;
using System.Reflection;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace Marketplace.Platform.Paging;

/// <summary>The page sizes of one list, from configuration: what a request without <c>limit</c> gets, and the most it may ask for.</summary>
/// <param name="Default">Rows per page when <c>limit</c> is not given.</param>
/// <param name="Maximum">The largest <c>limit</c> accepted.</param>
public sealed record PageLimits(int Default, int Maximum);

/// <summary>
/// The words every paged list answers bad paging input with, so that a client learns one set of messages whichever list
/// it reads.
/// </summary>
public static class PagingMessages
{
    public const string LimitParameter = "limit";
    public const string CursorParameter = "cursor";

    public static string Limit(int maximum) => $"Give a whole number of rows per page from 1 to {maximum}.";

    public const string Cursor =
        "This cursor was not issued by this list for this query (another list, sort or filter), or it was altered. Start again without it.";

    /// <summary>Reads a page size as sent; null (and a message) when it is not a whole number from 1 to <paramref name="maximum"/>.</summary>
    public static int? ParseLimit(string raw, int maximum, out string? error)
    {
        if (int.TryParse(raw.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) && size >= 1 && size <= maximum)
        {
            error = null;
            return size;
        }

        error = Limit(maximum);
        return null;
    }
}

/// <summary>
/// The paging part of a list request, <c>limit</c> and <c>cursor</c>, as sent. It binds itself so that a <c>limit</c>
/// that is not a number gets the same answer as one out of range, rather than the framework's binding failure.
/// </summary>
public sealed class PageRequest : IEndpointParameterMetadataProvider
{
    public string? Limit { get; init; }

    public string? Cursor { get; init; }

    public static ValueTask<PageRequest?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var query = context.Request.Query;
        return ValueTask.FromResult<PageRequest?>(new PageRequest
        {
            Limit = Text(query[PagingMessages.LimitParameter]),
            Cursor = Text(query[PagingMessages.CursorParameter]),
        });
    }

    /// <summary>A custom binder hides its parameters from the API explorer, so the two are documented here for every list.</summary>
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder)
    {
        builder.Metadata.Add(new QueryParameterDoc(PagingMessages.LimitParameter, QueryParameterType.WholeNumber, "Rows per page, from 1 to the list's configured maximum; the list's configured default when omitted."));
        builder.Metadata.Add(new QueryParameterDoc(PagingMessages.CursorParameter, QueryParameterType.Text, "nextCursor of the previous page; omit for the first page."));
    }

    /// <summary>
    /// Checks <c>limit</c> against <paramref name="limits"/> and the cursor's signature; on bad input, <paramref name="problem"/>
    /// names the field with the wording every list uses.
    /// </summary>
    public bool TryRead<TPosition>(PageLimits limits, out KeysetPage<TPosition> page, out ValidationProblem problem)
        where TPosition : class
    {
        page = default!;
        problem = default!;
        var size = limits.Default;
        if (Limit is not null)
        {
            if (PagingMessages.ParseLimit(Limit, limits.Maximum, out var error) is not { } parsed)
            {
                problem = TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError(PagingMessages.LimitParameter, error!));
                return false;
            }

            size = parsed;
        }

        TPosition? after = null;
        if (Cursor is not null && !Paging.Cursor.TryDecode(Cursor, out after))
        {
            problem = TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError(PagingMessages.CursorParameter, PagingMessages.Cursor));
            return false;
        }

        page = new KeysetPage<TPosition>(size, after);
        return true;
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>
/// One page to read by keyset: its size and the position of the last row of the previous page (null on the first).
/// Read <see cref="Fetch"/> rows (one more than the page) in the list's order, then hand them to <see cref="ToPage"/>:
/// the extra row only tells that there is a next page.
/// </summary>
public sealed record KeysetPage<TPosition>(int Size, TPosition? After)
    where TPosition : class
{
    public int Fetch => Size + 1;

    public Page<TItem> ToPage<TRow, TItem>(IReadOnlyList<TRow> rows, Func<TRow, TPosition> positionOf, Func<TRow, TItem> toItem)
    {
        var next = rows.Count > Size ? Paging.Cursor.Encode(positionOf(rows[Size - 1])) : null;
        return new Page<TItem>(rows.Take(Size).Select(toItem).ToList(), next);
    }
}
