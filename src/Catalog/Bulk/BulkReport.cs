using Marketplace.Catalog.Offers;

namespace Marketplace.Catalog.Bulk;

/// <summary>What happened to one row of a bulk request.</summary>
/// <param name="Row">Line number for JSON Lines; the spreadsheet row for CSV (the header is row 1).</param>
/// <param name="Key">The row's key as sent (SKU code or GTIN), when it could be read.</param>
/// <param name="Outcome"><c>created</c>, <c>updated</c>, <c>unchanged</c> or <c>rejected</c>.</param>
/// <param name="Field">For a rejected row: the field at fault (<c>$</c> for the whole row).</param>
/// <param name="Reason">For a rejected row: why.</param>
public sealed record BulkRowResult(int Row, string? Key, string Outcome, string? Field, string? Reason);

/// <summary>Counts of a bulk request's outcomes.</summary>
/// <param name="Rows">Rows read (blank lines are not rows).</param>
/// <param name="Created">New rows written.</param>
/// <param name="Updated">Existing rows changed.</param>
/// <param name="Unchanged">Rows that matched what was stored; nothing was written and no event raised.</param>
/// <param name="Rejected">Rows refused; nothing of them was written.</param>
public sealed record BulkTotals(int Rows, int Created, int Updated, int Unchanged, int Rejected);

/// <summary>The answer to a bulk upsert.</summary>
/// <param name="Totals">Counts by outcome.</param>
/// <param name="RowLimitExceeded">
/// True when the body had more rows than one request may carry: every row past the limit is rejected unread, and only
/// the first of them is listed.
/// </param>
/// <param name="Rows">One entry per row in file order (only rejected rows with <c>report=rejected</c>).</param>
public sealed record BulkUpsertResponse(BulkTotals Totals, bool RowLimitExceeded, IReadOnlyList<BulkRowResult> Rows);

/// <summary>Collects row results as batches complete.</summary>
internal sealed class BulkReport(bool rejectedOnly)
{
    private readonly List<BulkRowResult> _rows = [];
    private int _rowsRead;
    private int _created;
    private int _updated;
    private int _unchanged;
    private int _rejected;

    private int _admitted;

    public bool RowLimitExceeded { get; private set; }

    /// <summary>Rows written so far (created, updated or found unchanged).</summary>
    public int Written => _created + _updated + _unchanged;

    /// <summary>
    /// Counts a row read from the body; false once the request has carried more than <paramref name="maxRows"/>.
    /// The first row over the limit is reported as rejected, the ones after it are counted without being listed.
    /// </summary>
    public bool Admit(int row, int maxRows)
    {
        if (++_admitted <= maxRows)
        {
            return true;
        }

        if (RowLimitExceeded)
        {
            _rowsRead++;
            _rejected++;
        }
        else
        {
            RowLimitExceeded = true;
            Add(row, null, RowOutcome.Rejected, "$", $"A request carries at most {maxRows} rows; this row and the rows after it were not written.");
        }

        return false;
    }

    public void Add(int row, string? key, RowOutcome outcome, string? field = null, string? reason = null)
    {
        _rowsRead++;
        switch (outcome)
        {
            case RowOutcome.Created: _created++; break;
            case RowOutcome.Updated: _updated++; break;
            case RowOutcome.Unchanged: _unchanged++; break;
            default: _rejected++; break;
        }

        if (!rejectedOnly || outcome == RowOutcome.Rejected)
        {
            _rows.Add(new BulkRowResult(row, key, Name(outcome), field, reason));
        }
    }

    public BulkUpsertResponse ToResponse() => new(
        new BulkTotals(_rowsRead, _created, _updated, _unchanged, _rejected),
        RowLimitExceeded,
        _rows.OrderBy(r => r.Row).ToList());

    private static string Name(RowOutcome outcome) => outcome switch
    {
        RowOutcome.Created => "created",
        RowOutcome.Updated => "updated",
        RowOutcome.Unchanged => "unchanged",
        _ => "rejected",
    };
}
