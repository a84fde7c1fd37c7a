using System.Buffers;
using System.Text.Json;
using FluentValidation;
using Marketplace.Catalog.Bulk;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Offers;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Bulk;
using Marketplace.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Catalog.Products.BulkUpsert;

/// <summary>One row of a products bulk file: a single-SKU product keyed by its SKU code (an existing SKU updates its product).</summary>
/// <param name="Sku">SKU code: the key of the row.</param>
/// <param name="Gtin">GTIN of the SKU.</param>
/// <param name="Title">Product title.</param>
/// <param name="CategoryId">Category id.</param>
/// <param name="Brand">Brand id or slug.</param>
/// <param name="Description">HTML description, sanitized.</param>
/// <param name="Images">Absolute https URLs (CSV: one column, separated by <c>|</c>).</param>
/// <param name="Attributes">Product attribute values by code (CSV: one column per attribute, named <c>attr.&lt;code&gt;</c>).</param>
/// <param name="WeightGrams">Shipping weight in grams.</param>
/// <param name="LengthMm">Package length in millimetres.</param>
/// <param name="WidthMm">Package width in millimetres.</param>
/// <param name="HeightMm">Package height in millimetres.</param>
public sealed record ProductBulkRow(
    string? Sku, string? Gtin, string? Title, Guid? CategoryId, string? Brand, string? Description, List<string>? Images,
    Dictionary<string, JsonElement>? Attributes, int? WeightGrams, int? LengthMm, int? WidthMm, int? HeightMm);

internal sealed class ProductRowParser : IBulkRowParser<ProductBulkRow>
{
    public static readonly ProductRowParser Instance = new();

    private const string AttributePrefix = "attr.";

    public BulkRow<ProductBulkRow> FromJsonLine(int number, ReadOnlySequence<byte> line) => BulkJson.Read<ProductBulkRow>(number, line);

    public BulkRow<ProductBulkRow> FromCsv(int number, IReadOnlyDictionary<string, string> columns)
    {
        string? Text(string name) => columns.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

        Guid? categoryId = null;
        if (Text("categoryId") is { } categoryText)
        {
            if (!Guid.TryParse(categoryText, out var parsed))
            {
                return BulkRow.Rejected<ProductBulkRow>(number, "categoryId", $"'{categoryText}' is not a category id.");
            }

            categoryId = parsed;
        }

        var numbers = new Dictionary<string, int?>();
        foreach (var name in new[] { "weightGrams", "lengthMm", "widthMm", "heightMm" })
        {
            numbers[name] = null;
            if (Text(name) is { } text)
            {
                if (!int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                {
                    return BulkRow.Rejected<ProductBulkRow>(number, name, $"'{text}' is not a whole number.");
                }

                numbers[name] = parsed;
            }
        }

        var attributes = columns
            .Where(c => c.Key.StartsWith(AttributePrefix, StringComparison.OrdinalIgnoreCase) && c.Value.Length > 0)
            .ToDictionary(c => c.Key[AttributePrefix.Length..], c => JsonSerializer.SerializeToElement(c.Value), StringComparer.Ordinal);
        var images = Text("images")?.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return new BulkRow<ProductBulkRow>(
            number,
            new ProductBulkRow(Text("sku"), Text("gtin"), Text("title"), categoryId, Text("brand"), Text("description"), images, attributes,
                numbers["weightGrams"], numbers["lengthMm"], numbers["widthMm"], numbers["heightMm"]),
            null,
            null);
    }
}

/// <summary>
/// Creates or updates single-SKU products from a JSON Lines or CSV body. Rows are staged in batches and saved in one
/// transaction; when the unique SKU code or GTIN index refuses a batch, its rows are saved one by one so that only
/// the clashing rows are rejected.
/// </summary>
internal static class BulkUpsertProducts
{
    public static async Task<Results<Ok<BulkUpsertResponse>, ProblemHttpResult, ValidationProblem>> Handle(
        Guid sellerId, string? report, HttpContext http, CatalogDbContext db, ProductEditor editor, IValidator<CreateProductRequest> validator,
        IOptions<CatalogOptions> options, TimeProvider clock, BulkRuns runs, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (BulkReading.FormatOf(http.Request) is not { } format)
        {
            return BulkReading.UnsupportedMediaType(http.Request.ContentType);
        }

        if (report is not (null or "all" or "rejected"))
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("report", "Either 'all' (default) or 'rejected'."));
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
        var batch = new ProductBatch(sellerId, db, editor, clock, runs, result);
        try
        {
            await foreach (var row in BulkReading.ReadAsync(http.Request, format, ProductRowParser.Instance, settings.MaxBulkLineBytes, cancellationToken))
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

                var request = ToRequest(input);
                var validation = await validator.ValidateAsync(request, cancellationToken);
                if (!validation.IsValid)
                {
                    var error = validation.Errors[0];
                    result.Add(row.Number, input.Sku, RowOutcome.Rejected, FieldOf(error.PropertyName), error.ErrorMessage);
                    continue;
                }

                batch.Add(row.Number, request);
                if (batch.Count >= settings.BulkProductBatchSize)
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

    private static CreateProductRequest ToRequest(ProductBulkRow row) => new(
        row.Title ?? "", row.CategoryId ?? Guid.Empty, row.Brand, row.Description, row.Attributes, row.Images,
        [new SkuRequest(row.Sku ?? "", row.Gtin, null, row.WeightGrams ?? 0, row.LengthMm ?? 0, row.WidthMm ?? 0, row.HeightMm ?? 0)]);

    /// <summary>The bulk row's name for a field of the request it became: <c>Skus[0].Code</c> is <c>sku</c>.</summary>
    private static string FieldOf(string propertyName)
    {
        var name = propertyName.StartsWith("Skus[0].", StringComparison.Ordinal) ? propertyName["Skus[0].".Length..] : propertyName;
        return name switch
        {
            "Code" => "sku",
            "Skus" => "sku",
            _ => char.ToLowerInvariant(name[0]) + name[1..],
        };
    }

    private sealed class ProductBatch(Guid sellerId, CatalogDbContext db, ProductEditor editor, TimeProvider clock, BulkRuns runs, BulkReport report)
    {
        private readonly List<(int Row, CreateProductRequest Request)> _pending = [];
        private readonly Dictionary<string, int> _rowOfSku = new(StringComparer.Ordinal);

        public int Count => _pending.Count;

        public void Add(int row, CreateProductRequest request) => _pending.Add((row, request));

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            await runs.PaceAsync(_pending.Count, cancellationToken);
            var staged = new List<(int Row, string Key, RowOutcome Outcome)>();
            var rows = new List<(int Row, CreateProductRequest Request)>();
            foreach (var (row, request) in _pending)
            {
                var code = request.Skus[0].Code;
                if (_rowOfSku.TryGetValue(code, out var earlier))
                {
                    report.Add(row, code, RowOutcome.Rejected, "sku", $"This SKU is already in row {earlier} of this request; send each SKU once.");
                    continue;
                }

                _rowOfSku[code] = row;
                rows.Add((row, request));
            }

            _pending.Clear();
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                foreach (var (row, request) in rows)
                {
                    if (await StageAsync(row, request, cancellationToken) is { } outcome)
                    {
                        staged.Add((row, request.Skus[0].Code, outcome));
                    }
                }

                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    foreach (var (row, key, outcome) in staged)
                    {
                        report.Add(row, key, outcome);
                    }

                    db.ChangeTracker.Clear();
                    return;
                }
                catch (DbUpdateException e) when (ProductEditor.IsSkuConflict(e))
                {
                    await transaction.RollbackAsync(cancellationToken);
                    db.ChangeTracker.Clear();
                }
            }

            // A code or GTIN clashed: save row by row, so the index names the clashing rows and the rest land.
            foreach (var (row, request) in rows.Where(r => staged.Any(s => s.Row == r.Row)))
            {
                var outcome = await StageAsync(row, request, cancellationToken);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    report.Add(row, request.Skus[0].Code, outcome ?? RowOutcome.Unchanged);
                }
                catch (DbUpdateException e) when (ProductEditor.IsSkuConflict(e))
                {
                    var gtin = ProductEditor.ConflictsOnGtin(e);
                    report.Add(row, request.Skus[0].Code, RowOutcome.Rejected, gtin ? "gtin" : "sku", gtin ? "Another SKU already has this GTIN." : "Another SKU already has this code.");
                }

                db.ChangeTracker.Clear();
            }
        }

        /// <summary>Stages one row's change on the context; null when the row was rejected (and reported).</summary>
        private async Task<RowOutcome?> StageAsync(int row, CreateProductRequest request, CancellationToken cancellationToken)
        {
            var skuRequest = request.Skus[0];
            var existing = await db.Skus.FirstOrDefaultAsync(s => s.Code == skuRequest.Code, cancellationToken);
            Product product;
            Sku sku;
            if (existing is null)
            {
                var now = clock.GetUtcNow();
                product = new Product { Id = Guid.CreateVersion7(now), OwnerSellerId = sellerId, CreatedAt = now };
                sku = new Sku { Id = Guid.CreateVersion7(now) };
            }
            else
            {
                product = await db.Products.Include(p => p.Skus).FirstAsync(p => p.Id == existing.ProductId, cancellationToken);
                sku = existing;
                if (product.OwnerSellerId != sellerId)
                {
                    report.Add(row, skuRequest.Code, RowOutcome.Rejected, "sku", "The SKU belongs to another seller's product.");
                    return null;
                }
            }

            var errors = await editor.ApplyContentAsync(product, request, cancellationToken);
            if (errors.Count == 0)
            {
                errors = await editor.ApplySkuAsync(product, sku, skuRequest, "", cancellationToken);
            }

            if (errors.Count > 0)
            {
                var (field, messages) = errors.First();
                report.Add(row, skuRequest.Code, RowOutcome.Rejected, field, messages[0]);
                DiscardChanges(product, sku, isNew: existing is null);
                return null;
            }

            if (existing is null)
            {
                product.Skus.Add(sku);
                editor.Touch(product);
                db.Products.Add(product);
                return RowOutcome.Created;
            }

            db.ChangeTracker.DetectChanges();
            var productEntry = db.Entry(product);
            var changed = productEntry.Properties.Any(p => p.IsModified && p.Metadata.Name != nameof(Product.UpdatedAt))
                || db.Entry(sku).Properties.Any(p => p.IsModified);
            if (!changed)
            {
                productEntry.Property(p => p.UpdatedAt).CurrentValue = productEntry.Property(p => p.UpdatedAt).OriginalValue;
                productEntry.Property(p => p.UpdatedAt).IsModified = false;
                return RowOutcome.Unchanged;
            }

            editor.Touch(product);
            return RowOutcome.Updated;
        }

        private void DiscardChanges(Product product, Sku sku, bool isNew)
        {
            if (isNew)
            {
                return;
            }

            // Content applied before a later check failed must not ride along with the batch's save.
            foreach (var entry in new object[] { product, sku }.Select(e => db.Entry(e)))
            {
                entry.CurrentValues.SetValues(entry.OriginalValues);
                entry.State = Microsoft.EntityFrameworkCore.EntityState.Unchanged;
            }
        }
    }
}
