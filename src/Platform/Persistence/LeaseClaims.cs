using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Marketplace.Platform.Persistence;

/// <summary>
/// What a sweeper claims: due rows of one table, each leased to one replica until a time (a lease, so that a claim whose
/// replica died comes back). The due condition is stated twice, because SQLite has no row locks: as PostgreSQL text for
/// the one-statement claim, and as a query for SQLite's pick-then-lease.
/// </summary>
/// <typeparam name="TEntity">The table's entity.</typeparam>
/// <typeparam name="TKey">Its key.</typeparam>
/// <param name="Table">The table's name in the module's schema.</param>
/// <param name="KeyColumn">The key's column.</param>
/// <param name="LeaseColumn">The column holding the lease's end (null: never claimed).</param>
/// <param name="DueSql">PostgreSQL: the due condition on the row aliased <c>c</c>, with its parameters as <c>{0}</c>, <c>{1}</c>…</param>
/// <param name="DueParameters">The values of <paramref name="DueSql"/>'s parameters.</param>
/// <param name="OrderSql">PostgreSQL: the order in which due rows are taken, on <c>c</c>.</param>
/// <param name="Due">SQLite: the due rows, in the order they are taken; the lease is checked by the claim.</param>
/// <param name="Key">The key.</param>
/// <param name="LeasedUntil">The lease's end.</param>
public sealed record LeaseClaim<TEntity, TKey>(
    string Table,
    string KeyColumn,
    string LeaseColumn,
    string DueSql,
    object[] DueParameters,
    string OrderSql,
    IQueryable<TEntity> Due,
    Expression<Func<TEntity, TKey>> Key,
    Expression<Func<TEntity, DateTimeOffset?>> LeasedUntil)
    where TEntity : class;

/// <summary>
/// The one claim loop the sweepers share: replicas take due rows side by side and never the same one. On PostgreSQL one
/// statement leases a batch (<c>FOR UPDATE SKIP LOCKED</c>: each replica passes over the rows another is claiming this
/// instant); on SQLite, which has one writer at a time and no row locks, candidates are picked and each is leased by a
/// conditional update, so that of two processes on one file only one wins a row.
/// </summary>
public static class LeaseClaims
{
    /// <returns>The keys this call leased until <paramref name="leaseEnd"/>.</returns>
    public static async Task<IReadOnlyList<TKey>> ClaimAsync<TEntity, TKey>(
        ModuleDbContext db, LeaseClaim<TEntity, TKey> claim, DateTimeOffset now, DateTimeOffset leaseEnd, int batch, CancellationToken cancellationToken)
        where TEntity : class
    {
        if (db.IsPostgres)
        {
            // The claim's own parameters follow the due condition's, so that its text keeps its own numbering.
            var n = claim.DueParameters.Length;
            var (s, t, k, l) = (db.Schema, claim.Table, claim.KeyColumn, claim.LeaseColumn);
            var sql = $$"""
                UPDATE {{s}}.{{t}} AS o SET {{l}} = {{{n}}}
                WHERE o.{{k}} IN (
                    SELECT c.{{k}} FROM {{s}}.{{t}} AS c
                    WHERE (c.{{l}} IS NULL OR c.{{l}} < {{{n + 1}}}) AND ({{claim.DueSql}})
                    ORDER BY {{claim.OrderSql}}
                    LIMIT {{{n + 2}}}
                    FOR UPDATE OF c SKIP LOCKED)
                RETURNING o.{{k}} AS "Value"
                """;
            return await db.Database.SqlQueryRaw<TKey>(sql, [.. claim.DueParameters, leaseEnd, now, batch]).ToListAsync(cancellationToken);
        }

        var free = Free(claim.LeasedUntil, now);
        var candidates = await claim.Due.Where(free).Select(claim.Key).Take(batch).ToListAsync(cancellationToken);
        var claimed = new List<TKey>();
        foreach (var key in candidates)
        {
            var won = await db.Set<TEntity>()
                .Where(Is(claim.Key, key))
                .Where(free)
                .ExecuteUpdateAsync(set => set.SetProperty(claim.LeasedUntil, (DateTimeOffset?)leaseEnd), cancellationToken);
            if (won == 1)
            {
                claimed.Add(key);
            }
        }

        return claimed;
    }

    private static Expression<Func<TEntity, bool>> Free<TEntity>(Expression<Func<TEntity, DateTimeOffset?>> leasedUntil, DateTimeOffset now)
    {
        var lease = leasedUntil.Body;
        var body = Expression.OrElse(
            Expression.Equal(lease, Expression.Constant(null, typeof(DateTimeOffset?))),
            Expression.LessThan(lease, Expression.Constant((DateTimeOffset?)now, typeof(DateTimeOffset?))));
        return Expression.Lambda<Func<TEntity, bool>>(body, leasedUntil.Parameters);
    }

    private static Expression<Func<TEntity, bool>> Is<TEntity, TKey>(Expression<Func<TEntity, TKey>> key, TKey value) =>
        Expression.Lambda<Func<TEntity, bool>>(Expression.Equal(key.Body, Expression.Constant(value, typeof(TKey))), key.Parameters);
}
