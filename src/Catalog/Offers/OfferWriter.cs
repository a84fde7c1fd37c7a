using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Marketplace.Catalog.Offers;

/// <summary>One offer a seller wants to have: the values are validated; the writer looks the SKU up itself.</summary>
internal readonly record struct OfferUpsert(int Row, Guid SkuId, decimal Price, int Stock, int? DispatchDays);

/// <summary>What a write did to one row.</summary>
internal enum RowOutcome
{
    Created,
    Updated,
    Unchanged,
    Rejected,
}

/// <summary>
/// What a write did to one row, and on PostgreSQL the offer as the write left it when the write changed it. Null when
/// the row was <see cref="RowOutcome.Unchanged"/> (the offer stands as it was) and on SQLite: read it back if it is
/// needed. <see cref="RowOutcome.Rejected"/> means no SKU has the row's id.
/// </summary>
internal readonly record struct OfferWritten(RowOutcome Outcome, SellerOfferResponse? Offer);

/// <summary>
/// Writes a batch of a seller's offers in one transaction, with one outbox row for the offers whose price or stock
/// actually changed (<see cref="OfferChanged"/> for one, <see cref="OffersChanged"/> for several: see <see cref="PublishChanges"/>). The unique (seller, SKU) index decides between insert and update, never a
/// prior lookup. PostgreSQL gets one set-based statement per batch, which also resolves the SKUs and returns the offers
/// as written, so that a single update costs that statement, the outbox row and the commit; SQLite, the embedded
/// profile, a tracked batch.
/// </summary>
internal sealed class OfferWriter(CatalogDbContext db, IOptions<CatalogOptions> options, TimeProvider clock)
{
    /// <summary>Writes the rows (their SKUs must be distinct) and returns what became of each, by row number.</summary>
    public async Task<Dictionary<int, OfferWritten>> WriteAsync(Guid sellerId, IReadOnlyList<OfferUpsert> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var written = db.IsPostgres
            ? await WritePostgresAsync(sellerId, rows, transaction, cancellationToken)
            : await WriteTrackedAsync(sellerId, rows, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    // A row whose SKU does not exist drops out of input, and so out of the answer: the caller reads it as rejected.
    // A row the conflict clause left alone (same values) is in input and not in written: unchanged.
    private const string UpsertSql = $"""
        WITH input AS (
            SELECT i.id, i.sku_id, s.product_id, s.code, i.price, i.stock, i.dispatch_days
            FROM unnest(@ids, @sku_ids, @prices, @stocks, @dispatch_days) AS i(id, sku_id, price, stock, dispatch_days)
            JOIN {CatalogDbContext.Schema}.skus s ON s.id = i.sku_id
        ), previous AS (
            SELECT o.sku_id, o.price, o.stock, o.dispatch_days FROM {CatalogDbContext.Schema}.offers o
            WHERE o.seller_id = @seller_id AND o.sku_id = ANY(@sku_ids)
        ), written AS (
            INSERT INTO {CatalogDbContext.Schema}.offers AS o
                (id, sku_id, product_id, seller_id, price, currency, stock, dispatch_days, updated_at, version)
            SELECT i.id, i.sku_id, i.product_id, @seller_id, i.price, @currency, i.stock,
                   COALESCE(i.dispatch_days, p.dispatch_days, @default_dispatch_days), @now, 1
            FROM input i LEFT JOIN previous p ON p.sku_id = i.sku_id
            ON CONFLICT (seller_id, sku_id) DO UPDATE
            SET price = excluded.price, currency = excluded.currency, stock = excluded.stock,
                dispatch_days = excluded.dispatch_days, updated_at = excluded.updated_at, version = o.version + 1
            WHERE (o.price, o.currency, o.stock, o.dispatch_days)
                IS DISTINCT FROM (excluded.price, excluded.currency, excluded.stock, excluded.dispatch_days)
            RETURNING o.id, o.sku_id, o.product_id, o.price, o.currency, o.stock, o.dispatch_days, o.updated_at, o.version,
                      (o.xmax = 0) AS inserted
        )
        SELECT i.sku_id, w.id, w.product_id, w.price, w.currency, w.stock, w.dispatch_days, w.updated_at, w.version, w.inserted,
               (p.sku_id IS NULL OR p.price <> w.price OR p.stock <> w.stock) AS price_or_stock_changed, i.code
        FROM input i LEFT JOIN written w ON w.sku_id = i.sku_id LEFT JOIN previous p ON p.sku_id = i.sku_id
        """;

    private const string OutboxSql = $"""
        INSERT INTO {CatalogDbContext.Schema}.outbox_messages (id, type, payload, occurred_at, attempts, trace_parent, trace_state)
        SELECT m.id, m.type, m.payload, m.occurred_at, 0, m.trace_parent, m.trace_state
        FROM unnest(@ids, @types, @payloads, @occurred_at, @trace_parents, @trace_states) AS m(id, type, payload, occurred_at, trace_parent, trace_state)
        """;

    private async Task<Dictionary<int, OfferWritten>> WritePostgresAsync(
        Guid sellerId, IReadOnlyList<OfferUpsert> rows, IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var rowBySku = rows.ToDictionary(r => r.SkuId, r => r.Row);
        var written = rows.ToDictionary(r => r.Row, _ => new OfferWritten(RowOutcome.Rejected, null));
        var events = new List<OfferChanged>();

        await using (var upsert = new NpgsqlCommand(UpsertSql, connection, (NpgsqlTransaction)transaction.GetDbTransaction()))
        {
            upsert.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", rows.Select(_ => Guid.CreateVersion7(now)).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<Guid[]>("sku_ids", rows.Select(r => r.SkuId).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<decimal[]>("prices", rows.Select(r => r.Price).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<int[]>("stocks", rows.Select(r => r.Stock).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<int?[]>("dispatch_days", rows.Select(r => r.DispatchDays).ToArray())
            {
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer,
            });
            upsert.Parameters.Add(new NpgsqlParameter<Guid>("seller_id", sellerId));
            upsert.Parameters.Add(new NpgsqlParameter<string>("currency", settings.Currency));
            upsert.Parameters.Add(new NpgsqlParameter<int>("default_dispatch_days", settings.DefaultDispatchDays));
            upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));

            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var skuId = reader.GetGuid(0);
                var row = rowBySku[skuId];
                if (reader.IsDBNull(1))
                {
                    written[row] = new OfferWritten(RowOutcome.Unchanged, null);
                    continue;
                }

                var offer = new SellerOfferResponse(
                    reader.GetGuid(1), skuId, reader.GetString(11), reader.GetGuid(2), reader.GetDecimal(3), reader.GetString(4),
                    reader.GetInt32(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetInt32(8));
                written[row] = new OfferWritten(reader.GetBoolean(9) ? RowOutcome.Created : RowOutcome.Updated, offer);
                if (reader.GetBoolean(10))
                {
                    events.Add(new OfferChanged(offer.OfferId, skuId, offer.ProductId, sellerId, offer.Price, offer.Currency, offer.Stock, now));
                }
            }
        }

        if (events.Count > 0)
        {
            List<OutboxMessage> messages = [events.Count == 1 ? OutboxMessage.From(events[0], now) : OutboxMessage.From(new OffersChanged(events), now)];
            await using var outbox = new NpgsqlCommand(OutboxSql, connection, (NpgsqlTransaction)transaction.GetDbTransaction());
            outbox.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", messages.Select(m => m.Id).ToArray()));
            outbox.Parameters.Add(new NpgsqlParameter<string[]>("types", messages.Select(m => m.Type).ToArray()));
            outbox.Parameters.Add(new NpgsqlParameter<string[]>("payloads", messages.Select(m => m.Payload).ToArray()));
            outbox.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("occurred_at", messages.Select(m => m.OccurredAt).ToArray()));
            outbox.Parameters.Add(new NpgsqlParameter<string?[]>("trace_parents", messages.Select(m => m.TraceParent).ToArray()));
            outbox.Parameters.Add(new NpgsqlParameter<string?[]>("trace_states", messages.Select(m => m.TraceState).ToArray()));
            await outbox.ExecuteNonQueryAsync(cancellationToken);
        }

        return written;
    }

    private async Task<Dictionary<int, OfferWritten>> WriteTrackedAsync(Guid sellerId, IReadOnlyList<OfferUpsert> rows, CancellationToken cancellationToken)
    {
        // SQLite's write transaction is exclusive (Microsoft.Data.Sqlite begins IMMEDIATE), so reading the seller's
        // current offers and then writing cannot race another writer.
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var skuIds = rows.Select(r => r.SkuId).ToList();
        var skus = await db.Skus.AsNoTracking().Where(s => skuIds.Contains(s.Id))
            .Select(s => new { s.Id, s.ProductId }).ToDictionaryAsync(s => s.Id, cancellationToken);
        var existing = await db.Offers.Where(o => o.SellerId == sellerId && skuIds.Contains(o.SkuId)).ToDictionaryAsync(o => o.SkuId, cancellationToken);
        // No offer in the answer: SQLite keeps times to a tenth of a millisecond and amounts without trailing zeros, so the
        // entity in hand is not what a read will show; the caller reads it back.
        var written = new Dictionary<int, OfferWritten>();
        var changes = new List<OfferChanged>();
        foreach (var row in rows)
        {
            if (!skus.TryGetValue(row.SkuId, out var sku))
            {
                written[row.Row] = new OfferWritten(RowOutcome.Rejected, null);
                continue;
            }

            if (!existing.TryGetValue(row.SkuId, out var offer))
            {
                offer = new Offer
                {
                    Id = Guid.CreateVersion7(now), SkuId = row.SkuId, ProductId = sku.ProductId, SellerId = sellerId, Price = row.Price,
                    Currency = settings.Currency, Stock = row.Stock, DispatchDays = row.DispatchDays ?? settings.DefaultDispatchDays,
                    UpdatedAt = now, Version = 1,
                };
                db.Offers.Add(offer);
                changes.Add(Changed(offer, now));
                written[row.Row] = new OfferWritten(RowOutcome.Created, null);
                continue;
            }

            var dispatchDays = row.DispatchDays ?? offer.DispatchDays;
            var priceOrStockChanged = offer.Price != row.Price || offer.Stock != row.Stock || offer.Currency != settings.Currency;
            if (!priceOrStockChanged && offer.DispatchDays == dispatchDays)
            {
                written[row.Row] = new OfferWritten(RowOutcome.Unchanged, null);
                continue;
            }

            offer.Price = row.Price;
            offer.Stock = row.Stock;
            offer.Currency = settings.Currency;
            offer.DispatchDays = dispatchDays;
            offer.UpdatedAt = now;
            offer.Version++;
            if (priceOrStockChanged)
            {
                changes.Add(Changed(offer, now));
            }

            written[row.Row] = new OfferWritten(RowOutcome.Updated, null);
        }

        PublishChanges(db, changes, clock);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return written;
    }

    /// <summary>
    /// Publishes one write's offer changes as one message: <see cref="OfferChanged"/> for a single offer,
    /// <see cref="OffersChanged"/> for several, nothing for none.
    /// </summary>
    public static void PublishChanges(CatalogDbContext db, IReadOnlyList<OfferChanged> changes, TimeProvider clock)
    {
        if (changes.Count == 1)
        {
            db.Publish(changes[0], clock);
        }
        else if (changes.Count > 1)
        {
            db.Publish(new OffersChanged(changes), clock);
        }
    }

    public static OfferChanged Changed(Offer offer, DateTimeOffset now) =>
        new(offer.Id, offer.SkuId, offer.ProductId, offer.SellerId, offer.Price, offer.Currency, offer.Stock, now);
}
