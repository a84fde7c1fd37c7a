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

/// <summary>One offer a seller wants to have: the SKU is already resolved and the values validated.</summary>
internal readonly record struct OfferUpsert(int Row, Guid SkuId, Guid ProductId, decimal Price, int Stock, int? DispatchDays);

/// <summary>What a write did to one row.</summary>
internal enum RowOutcome
{
    Created,
    Updated,
    Unchanged,
    Rejected,
}

/// <summary>
/// Writes a batch of a seller's offers in one transaction, with one outbox row for the offers whose price or stock
/// actually changed (<see cref="OfferChanged"/> for one, <see cref="OffersChanged"/> for several: see <see cref="PublishChanges"/>). The unique (seller, SKU) index decides between insert and update, never a
/// prior lookup. PostgreSQL gets one set-based statement per batch; SQLite, the embedded profile, a tracked batch.
/// </summary>
internal sealed class OfferWriter(CatalogDbContext db, IOptions<CatalogOptions> options, TimeProvider clock)
{
    /// <summary>Writes the rows (their SKUs must be distinct) and returns the outcome of each, by row number.</summary>
    public async Task<Dictionary<int, RowOutcome>> WriteAsync(Guid sellerId, IReadOnlyList<OfferUpsert> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var outcomes = db.IsPostgres
            ? await WritePostgresAsync(sellerId, rows, transaction, cancellationToken)
            : await WriteTrackedAsync(sellerId, rows, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return outcomes;
    }

    private const string UpsertSql = $"""
        WITH input AS (
            SELECT * FROM unnest(@ids, @sku_ids, @product_ids, @prices, @stocks, @dispatch_days)
                AS i(id, sku_id, product_id, price, stock, dispatch_days)
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
            RETURNING o.id, o.sku_id, o.product_id, o.price, o.stock, (o.xmax = 0) AS inserted
        )
        SELECT w.id, w.sku_id, w.product_id, w.price, w.stock, w.inserted,
               (p.sku_id IS NULL OR p.price <> w.price OR p.stock <> w.stock) AS price_or_stock_changed
        FROM written w LEFT JOIN previous p ON p.sku_id = w.sku_id
        """;

    private const string OutboxSql = $"""
        INSERT INTO {CatalogDbContext.Schema}.outbox_messages (id, type, payload, occurred_at, attempts, trace_parent, trace_state)
        SELECT m.id, m.type, m.payload, m.occurred_at, 0, m.trace_parent, m.trace_state
        FROM unnest(@ids, @types, @payloads, @occurred_at, @trace_parents, @trace_states) AS m(id, type, payload, occurred_at, trace_parent, trace_state)
        """;

    private async Task<Dictionary<int, RowOutcome>> WritePostgresAsync(
        Guid sellerId, IReadOnlyList<OfferUpsert> rows, IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var rowBySku = rows.ToDictionary(r => r.SkuId, r => r.Row);
        var outcomes = rows.ToDictionary(r => r.Row, _ => RowOutcome.Unchanged);
        var events = new List<OfferChanged>();

        await using (var upsert = new NpgsqlCommand(UpsertSql, connection, (NpgsqlTransaction)transaction.GetDbTransaction()))
        {
            upsert.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", rows.Select(_ => Guid.CreateVersion7(now)).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<Guid[]>("sku_ids", rows.Select(r => r.SkuId).ToArray()));
            upsert.Parameters.Add(new NpgsqlParameter<Guid[]>("product_ids", rows.Select(r => r.ProductId).ToArray()));
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
                var skuId = reader.GetGuid(1);
                outcomes[rowBySku[skuId]] = reader.GetBoolean(5) ? RowOutcome.Created : RowOutcome.Updated;
                if (reader.GetBoolean(6))
                {
                    events.Add(new OfferChanged(reader.GetGuid(0), skuId, reader.GetGuid(2), sellerId, reader.GetDecimal(3), settings.Currency, reader.GetInt32(4), now));
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

        return outcomes;
    }

    private async Task<Dictionary<int, RowOutcome>> WriteTrackedAsync(Guid sellerId, IReadOnlyList<OfferUpsert> rows, CancellationToken cancellationToken)
    {
        // SQLite's write transaction is exclusive (Microsoft.Data.Sqlite begins IMMEDIATE), so reading the seller's
        // current offers and then writing cannot race another writer.
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var skuIds = rows.Select(r => r.SkuId).ToList();
        var existing = await db.Offers.Where(o => o.SellerId == sellerId && skuIds.Contains(o.SkuId)).ToDictionaryAsync(o => o.SkuId, cancellationToken);
        var outcomes = new Dictionary<int, RowOutcome>();
        var changes = new List<OfferChanged>();
        foreach (var row in rows)
        {
            if (!existing.TryGetValue(row.SkuId, out var offer))
            {
                offer = new Offer
                {
                    Id = Guid.CreateVersion7(now), SkuId = row.SkuId, ProductId = row.ProductId, SellerId = sellerId, Price = row.Price,
                    Currency = settings.Currency, Stock = row.Stock, DispatchDays = row.DispatchDays ?? settings.DefaultDispatchDays,
                    UpdatedAt = now, Version = 1,
                };
                db.Offers.Add(offer);
                changes.Add(Changed(offer, now));
                outcomes[row.Row] = RowOutcome.Created;
                continue;
            }

            var dispatchDays = row.DispatchDays ?? offer.DispatchDays;
            var priceOrStockChanged = offer.Price != row.Price || offer.Stock != row.Stock || offer.Currency != settings.Currency;
            if (!priceOrStockChanged && offer.DispatchDays == dispatchDays)
            {
                outcomes[row.Row] = RowOutcome.Unchanged;
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

            outcomes[row.Row] = RowOutcome.Updated;
        }

        PublishChanges(db, changes, clock);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return outcomes;
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
