using System.Linq.Expressions;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Marketplace.Catalog.Listing;

/// <summary>
/// Recomputes the offer summary that browse and search filter and sort on (lowest price, in stock, offer
/// count) from the offers themselves, so applying it twice, or out of order, gives the same answer.
/// </summary>
internal static class ProductListingSummary
{
    /// <returns>How many products' summaries changed, and which products were not listed before and are now.</returns>
    /// <remarks>A changed summary's <see cref="Product.ListingUpdatedAt"/> becomes <c>now</c>.</remarks>
    public static Task<ListingRefresh> RefreshAsync(CatalogDbContext db, IReadOnlyCollection<Guid> productIds, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.IsPostgres ? RefreshPostgresAsync(db, productIds, now, cancellationToken) : RefreshPortableAsync(db, productIds, now, cancellationToken);

    // A product joins listings when its first offer arrives: only then do cached pages miss it (they learn every other change
    // of its offers as they are served), so the refresh says which products those are.
    //
    // A product whose summary stays what it was keeps its row. Most stock moves (a checkout taking one unit of many) change
    // no summary, and rewriting a product row is not cheap: its search and sort indexes make it no HOT update.
    //
    // On PostgreSQL this is one statement that reads each product's offers once. A bulk file refreshes about 300 products
    // per batch, and this was most of the database's time under one: EF's form of the same update reads the offers in five
    // correlated subqueries, twice (once to compare, once to set), with two more statements around it for the products that
    // joined the listings. The rules are ListingLiveState's: the lowest in-stock price, else the lowest price.
    private static readonly string RefreshSql = $"""
        WITH summary AS (
            SELECT p.id, p.min_price IS NULL AS unlisted,
                   COALESCE(min(o.price) FILTER (WHERE o.stock > 0), min(o.price)) AS min_price,
                   min(o.currency) AS currency,
                   COALESCE(bool_or(o.stock > 0), false) AS in_stock,
                   count(o.id)::int AS offer_count
            FROM {CatalogDbContext.Schema}.products p
            LEFT JOIN {CatalogDbContext.Schema}.offers o ON o.product_id = p.id
            WHERE p.id = ANY(@ids)
            GROUP BY p.id)
        UPDATE {CatalogDbContext.Schema}.products AS p
        SET min_price = s.min_price, currency = s.currency, in_stock = s.in_stock, offer_count = s.offer_count, listing_updated_at = @now
        FROM summary s
        WHERE p.id = s.id
          AND (p.min_price IS DISTINCT FROM s.min_price OR p.currency IS DISTINCT FROM s.currency
               OR p.in_stock <> s.in_stock OR p.offer_count <> s.offer_count)
        RETURNING p.id, s.unlisted AND s.min_price IS NOT NULL
        """;

    private static Task<ListingRefresh> RefreshPostgresAsync(CatalogDbContext db, IReadOnlyCollection<Guid> productIds, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.ReadRawAsync(
            RefreshSql,
            [new NpgsqlParameter<Guid[]>("ids", productIds.ToArray()), new NpgsqlParameter<DateTimeOffset>("now", now)],
            async reader =>
            {
                var changed = 0;
                var listed = new List<Guid>();
                while (await reader.ReadAsync(cancellationToken))
                {
                    changed++;
                    if (reader.GetBoolean(1))
                    {
                        listed.Add(reader.GetGuid(0));
                    }
                }

                return new ListingRefresh(changed, listed);
            },
            cancellationToken);

    /// <summary>The same through EF, for SQLite.</summary>
    private static async Task<ListingRefresh> RefreshPortableAsync(CatalogDbContext db, IReadOnlyCollection<Guid> productIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var unlisted = await db.Products.Where(p => productIds.Contains(p.Id) && p.MinPrice == null).Select(p => p.Id).ToListAsync(cancellationToken);

        Expression<Func<Product, decimal?>> minPrice = p => db.Offers.Where(o => o.ProductId == p.Id && o.Stock > 0).Min(o => (decimal?)o.Price)
            ?? db.Offers.Where(o => o.ProductId == p.Id).Min(o => (decimal?)o.Price);
        Expression<Func<Product, string?>> currency = p => db.Offers.Where(o => o.ProductId == p.Id).Min(o => o.Currency);
        Expression<Func<Product, bool>> inStock = p => db.Offers.Any(o => o.ProductId == p.Id && o.Stock > 0);
        Expression<Func<Product, int>> offerCount = p => db.Offers.Count(o => o.ProductId == p.Id);

        var differs = Differs(
            Column(p => p.MinPrice, minPrice), Column(p => p.Currency, currency), Column(p => p.InStock, inStock), Column(p => p.OfferCount, offerCount));
        var changed = await db.Products
            .Where(p => productIds.Contains(p.Id))
            .Where(differs)
            .ExecuteUpdateAsync(
                set => set
                    .SetProperty(p => p.MinPrice, minPrice)
                    .SetProperty(p => p.Currency, currency)
                    .SetProperty(p => p.InStock, inStock)
                    .SetProperty(p => p.OfferCount, offerCount)
                    .SetProperty(p => p.ListingUpdatedAt, now),
                cancellationToken);
        var listed = unlisted.Count == 0 || changed == 0
            ? []
            : await db.Products.Where(p => unlisted.Contains(p.Id) && p.MinPrice != null).Select(p => p.Id).ToListAsync(cancellationToken);
        return new ListingRefresh(changed, listed);
    }

    private static (LambdaExpression Column, LambdaExpression Value) Column<T>(Expression<Func<Product, T>> column, Expression<Func<Product, T>> value) =>
        (column, value);

    /// <summary>True when any column differs from its recomputed value (SQL null semantics handled by EF's comparison).</summary>
    private static Expression<Func<Product, bool>> Differs(params (LambdaExpression Column, LambdaExpression Value)[] pairs)
    {
        var product = Expression.Parameter(typeof(Product), "p");
        Expression? any = null;
        foreach (var (column, value) in pairs)
        {
            var unequal = Expression.NotEqual(new Rebind(column.Parameters[0], product).Visit(column.Body), new Rebind(value.Parameters[0], product).Visit(value.Body));
            any = any is null ? unequal : Expression.OrElse(any, unequal);
        }

        return Expression.Lambda<Func<Product, bool>>(any ?? Expression.Constant(true), product);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}

/// <summary>What a listing-summary refresh did.</summary>
/// <param name="Changed">How many products' summaries changed.</param>
/// <param name="NewlyListed">The products that had no offer before and are listed now.</param>
internal sealed record ListingRefresh(int Changed, IReadOnlyList<Guid> NewlyListed);
