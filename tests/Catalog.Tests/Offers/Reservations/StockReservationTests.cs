using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.Catalog.Contracts;
using Marketplace.Catalog.Domain;
using Marketplace.Catalog.Persistence;
using Marketplace.Catalog.ProductDetail;
using Marketplace.TestSupport;
using Microsoft.EntityFrameworkCore;
using Marketplace.Catalog.Offers.Reservations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Catalog.Tests.Offers.Reservations;

/// <summary>The host on PostgreSQL, RabbitMQ and Redis, sweeping expired reservations every 200 ms.</summary>
public sealed class ReservationsFactory : MarketplaceFactory
{
    public ReservationsFactory()
    {
        this.ForOfferArrange();
        Settings["Catalog:Reservations:SweepInterval"] = "00:00:00.200";
    }
}

/// <summary>The host on the embedded profile (SQLite, in-memory bus), sweeping expired reservations every 200 ms.</summary>
public sealed class EmbeddedReservationsFactory : MarketplaceFactory
{
    public EmbeddedReservationsFactory()
        : base(TestProfile.Embedded)
    {
        this.ForOfferArrange();
        Settings["Catalog:Reservations:SweepInterval"] = "00:00:00.200";
    }
}

public sealed class PostgresStockReservationTests(ReservationsFactory factory)
    : StockReservationTests(factory), IClassFixture<ReservationsFactory>
{
    [Fact]
    public async Task A_reserve_chosen_as_deadlock_victim_against_a_write_locking_offers_in_the_other_order_runs_again_and_holds()
    {
        // PostgreSQL fails the transaction whose own deadlock check finds the cycle. When the writer's second lock comes
        // more than deadlock_timeout after the reserve began to wait (a busy machine), the reserve's one check found no
        // cycle yet and the writer's finds it: the writer is the victim and the reserve never had to run again. That
        // round proves nothing here, so it is played again with fresh offers until the reserve is the victim.
        for (var round = 1; round <= 5; round++)
        {
            var offers = (await CatalogFlows.OffersAsync(factory, 2, stock: 10)).Select(o => o.OfferId).Order().ToList();
            var (lockedFirst, lockedSecond) = (offers[0], offers[1]);
            await using var writer = new NpgsqlConnection(factory.PostgresConnectionString);
            await writer.OpenAsync();
            await using var write = await writer.BeginTransactionAsync();
            await ExecuteAsync(writer, write, "UPDATE catalog.offers SET stock = stock WHERE id = @id", lockedSecond);

            // The reserve takes the first offer, then waits for the second, which the writer holds; the writer then asks
            // for the first.
            var reserve = ReserveAsync(Guid.NewGuid(), DateTimeOffset.UtcNow.AddHours(1), (lockedSecond, 1), (lockedFirst, 1));
            var waiting = await Eventually.ReadAsync(() => LockWaitsAsync(factory.PostgresConnectionString!), count => count > 0);
            Assert.True(waiting > 0, "The reserve never waited for the writer's lock.");
            try
            {
                await ExecuteAsync(writer, write, "UPDATE catalog.offers SET stock = 5 WHERE id = @id", lockedFirst);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected)
            {
                await write.RollbackAsync();
                Assert.Equal(ReserveOutcome.Reserved, (await reserve).Outcome);
                continue;
            }

            await write.CommitAsync();
            Assert.Equal(ReserveOutcome.Reserved, (await reserve).Outcome);
            Assert.Equal((4, 9), (await StockAsync(lockedFirst), await StockAsync(lockedSecond)));
            return;
        }

        Assert.Fail("In five rounds PostgreSQL never chose the reserve as the deadlock victim.");
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, Guid id)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> LockWaitsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

public sealed class EmbeddedStockReservationTests(EmbeddedReservationsFactory factory)
    : StockReservationTests(factory), IClassFixture<EmbeddedReservationsFactory>;

/// <summary>
/// The reservation contract as Ordering will call it, on each database engine: offers are arranged through the seller
/// API, the contract is resolved from the host's container (a scope per call, as a request would have), and stock is
/// read back from the Catalog's table.
/// </summary>
public abstract class StockReservationTests(MarketplaceFactory factory)
{
    private static readonly DateTimeOffset Later = DateTimeOffset.UtcNow.AddHours(1);

    [Fact]
    public async Task A_reservation_with_one_short_line_holds_nothing_and_names_each_short_line_with_the_units_available()
    {
        var offers = await CatalogFlows.OffersAsync(factory, 2, stock: 5);
        await SetStockAsync(offers[1].OfferId, 2);
        var withdrawn = Guid.NewGuid();
        var reservationId = Guid.NewGuid();

        var result = await ReserveAsync(reservationId, Later, (offers[0].OfferId, 3), (offers[1].OfferId, 3), (withdrawn, 1));

        Assert.Equal(ReserveOutcome.InsufficientStock, result.Outcome);
        Assert.Equal(
            [new ShortLine(offers[1].OfferId, 3, 2, OfferExists: true), new ShortLine(withdrawn, 1, 0, OfferExists: false)],
            result.ShortLines.OrderBy(l => l.Available).Reverse());
        Assert.Equal(5, await StockAsync(offers[0].OfferId));
        Assert.Equal(2, await StockAsync(offers[1].OfferId));
        Assert.Empty(await RowsAsync(reservationId));
    }

    [Fact]
    public async Task Repeating_a_successful_reserve_even_twenty_times_at_once_holds_the_units_once()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1, stock: 10)).Single();
        var reservationId = Guid.NewGuid();

        var first = await ReserveAsync(reservationId, Later, (offer.OfferId, 2));
        var repeats = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => ReserveAsync(reservationId, Later, (offer.OfferId, 2))));
        var otherLines = await ReserveAsync(reservationId, Later, (offer.OfferId, 3));

        Assert.Equal(ReserveOutcome.Reserved, first.Outcome);
        Assert.All(repeats, r => Assert.Equal(ReserveOutcome.Reserved, r.Outcome));
        Assert.Equal(ReserveOutcome.IdTaken, otherLines.Outcome);
        Assert.Equal(8, await StockAsync(offer.OfferId));
        Assert.Equal(2, Assert.Single(await RowsAsync(reservationId)).Quantity);
    }

    [Fact]
    public async Task Twenty_repeats_of_a_new_reserve_for_the_last_units_racing_each_other_all_answer_reserved_and_hold_them_once()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1, stock: 2)).Single();
        var reservationId = Guid.NewGuid();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => ReserveAsync(reservationId, Later, (offer.OfferId, 2))));

        Assert.All(results, r => Assert.Equal(ReserveOutcome.Reserved, r.Outcome));
        Assert.Equal(0, await StockAsync(offer.OfferId));
        Assert.Equal(2, Assert.Single(await RowsAsync(reservationId)).Quantity);
    }

    [Fact]
    public async Task Commit_is_idempotent_keeps_the_units_out_of_stock_and_a_sold_reservation_cannot_be_released()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1, stock: 10)).Single();
        var reservationId = Guid.NewGuid();
        await ReserveAsync(reservationId, Later, (offer.OfferId, 4));

        var first = await WithReservationsAsync(r => CommitOneAsync(r, reservationId));
        var again = await WithReservationsAsync(r => CommitOneAsync(r, reservationId));
        var release = await WithReservationsAsync(r => r.ReleaseAsync(reservationId, "customer cancelled", CancellationToken.None));
        var unknown = await WithReservationsAsync(r => CommitOneAsync(r, Guid.NewGuid()));
        var repeatedReserve = await ReserveAsync(reservationId, Later, (offer.OfferId, 4));

        Assert.Equal(SettleOutcome.Done, first);
        Assert.Equal(SettleOutcome.Done, again);
        Assert.Equal(SettleOutcome.AlreadySold, release);
        Assert.Equal(SettleOutcome.NotFound, unknown);
        Assert.Equal(ReserveOutcome.Reserved, repeatedReserve.Outcome);
        Assert.Equal(6, await StockAsync(offer.OfferId));
        Assert.Equal(ReservationState.Sold, Assert.Single(await RowsAsync(reservationId)).State);
    }

    [Fact]
    public async Task Twenty_concurrent_releases_return_the_units_to_stock_exactly_once()
    {
        var offers = await CatalogFlows.OffersAsync(factory, 2, stock: 10);
        var reservationId = Guid.NewGuid();
        await ReserveAsync(reservationId, Later, (offers[0].OfferId, 3), (offers[1].OfferId, 1));
        Assert.Equal(7, await StockAsync(offers[0].OfferId));

        var releases = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => WithReservationsAsync(r => r.ReleaseAsync(reservationId, "payment declined", CancellationToken.None))));
        var commitAfter = await WithReservationsAsync(r => CommitOneAsync(r, reservationId));
        var reserveAgain = await ReserveAsync(reservationId, Later, (offers[0].OfferId, 3), (offers[1].OfferId, 1));

        Assert.All(releases, outcome => Assert.Equal(SettleOutcome.Done, outcome));
        Assert.Equal(10, await StockAsync(offers[0].OfferId));
        Assert.Equal(10, await StockAsync(offers[1].OfferId));
        Assert.Equal(SettleOutcome.Released, commitAfter);
        Assert.Equal(ReserveOutcome.Spent, reserveAgain.Outcome);
        Assert.All(await RowsAsync(reservationId), row => Assert.Equal(("Released", "payment declined"), (row.State.ToString(), row.Reason)));
    }

    [Fact]
    public async Task Fifty_buyers_racing_for_ten_units_get_exactly_ten_reservations_and_the_stock_never_goes_below_zero()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1, stock: 10)).Single();
        using var watching = new CancellationTokenSource();
        var lowest = WatchLowestStockAsync(offer.OfferId, watching.Token);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => ReserveAsync(Guid.NewGuid(), Later, (offer.OfferId, 1))));
        await watching.CancelAsync();

        Assert.Equal(10, results.Count(r => r.Outcome == ReserveOutcome.Reserved));
        Assert.All(
            results.Where(r => r.Outcome != ReserveOutcome.Reserved),
            r => Assert.Equal(new ShortLine(offer.OfferId, 1, 0, OfferExists: true), Assert.Single(r.ShortLines)));
        Assert.Equal(0, await StockAsync(offer.OfferId));
        Assert.True(await lowest >= 0, $"The stock was seen at {await lowest}.");
        Assert.Equal(10, await WithDbAsync(db => db.StockReservations.CountAsync(r => r.OfferId == offer.OfferId && r.State == ReservationState.Held)));
    }

    [Fact]
    public async Task Reservations_over_the_same_offers_listed_in_opposite_orders_all_succeed_without_deadlocking()
    {
        var offers = await CatalogFlows.OffersAsync(factory, 3, stock: 1000);
        var (a, b, c) = (offers[0].OfferId, offers[1].OfferId, offers[2].OfferId);

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => i % 2 == 0
            ? ReserveAsync(Guid.NewGuid(), Later, (a, 1), (b, 1), (c, 1))
            : ReserveAsync(Guid.NewGuid(), Later, (c, 1), (b, 1), (a, 1))));

        var stock = new[] { await StockAsync(a), await StockAsync(b), await StockAsync(c) };

        Assert.All(results, r => Assert.Equal(ReserveOutcome.Reserved, r.Outcome));
        Assert.Equal([960, 960, 960], stock);
    }

    [Fact]
    public async Task The_sweeper_releases_a_reservation_past_its_expiry_and_a_commit_after_that_is_refused()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1, stock: 10)).Single();
        var reservationId = Guid.NewGuid();
        var held = await ReserveAsync(reservationId, DateTimeOffset.UtcNow.AddSeconds(1), (offer.OfferId, 4));
        Assert.Equal(ReserveOutcome.Reserved, held.Outcome);

        var stock = await Eventually.ReadAsync(() => StockAsync(offer.OfferId), s => s == 10, TimeSpan.FromSeconds(60));
        var commit = await WithReservationsAsync(r => CommitOneAsync(r, reservationId));

        Assert.Equal(10, stock);
        Assert.Equal(SettleOutcome.Released, commit);
        Assert.Equal("expired", Assert.Single(await RowsAsync(reservationId)).Reason);
        Assert.Equal(10, await StockAsync(offer.OfferId));
    }

    [Fact]
    public async Task Four_replicas_sweeping_at_once_release_each_expired_reservation_once()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1, stock: 100)).Single();
        var ids = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToList();
        foreach (var id in ids)
        {
            await ReserveAsync(id, Later, (offer.OfferId, 3));
        }

        // Replicas whose clock is two hours on see every hold as expired; the host's own sweeper (real clock) sees none of these.
        var replicas = Enumerable.Range(0, 4).Select(_ => new ReservationSweeper(
            factory.Services.GetRequiredService<IServiceScopeFactory>(),
            Options.Create(new ReservationOptions { SweepBatchSize = 3 }),
            new ShiftedClock(TimeSpan.FromHours(2)),
            NullLogger<ReservationSweeper>.Instance)).ToList();
        var heldBefore = await WithDbAsync(db => db.StockReservations.Where(r => r.State == ReservationState.Held).Select(r => r.ReservationId).Distinct().CountAsync());
        var released = await Task.WhenAll(replicas.Select(r => r.SweepAsync(CancellationToken.None)));

        Assert.Equal(heldBefore, released.Sum());
        Assert.Equal(100, await StockAsync(offer.OfferId));
        Assert.All(
            await WithDbAsync(db => db.StockReservations.AsNoTracking().Where(r => ids.Contains(r.ReservationId)).ToListAsync()),
            row => Assert.Equal((ReservationState.Released, "expired"), (row.State, row.Reason)));
    }

    [Fact]
    public async Task Checkouts_killed_midway_leak_no_stock_once_their_reservations_expire()
    {
        var offers = await CatalogFlows.OffersAsync(factory, 2, stock: 100);
        var expiry = DateTimeOffset.UtcNow.AddSeconds(5);
        var ids = Enumerable.Range(0, 30).Select(_ => Guid.NewGuid()).ToList();

        // Each checkout's work is cut off at a different point: the first ten after their reserve committed but before they
        // could commit or release, the others somewhere before or inside their reserve. Their scopes (and connections) go with them.
        var killed = await Task.WhenAll(ids.Select(async (id, i) =>
        {
            using var kill = i < 10 ? new CancellationTokenSource() : new CancellationTokenSource(TimeSpan.FromMilliseconds((i - 10) * 5));
            try
            {
                await using var scope = factory.Services.CreateAsyncScope();
                var reservations = scope.ServiceProvider.GetRequiredService<IStockReservations>();
                await reservations.ReserveAsync([new StockHold(id, [new ReservedLine(offers[0].OfferId, 2), new ReservedLine(offers[1].OfferId, 1)])], expiry, kill.Token);
                await kill.CancelAsync();
                return false;
            }
            catch (OperationCanceledException)
            {
                return true;
            }
        }));
        var leftHeld = await WithDbAsync(db => db.StockReservations.CountAsync(r => ids.Contains(r.ReservationId) && r.State == ReservationState.Held));
        Assert.True(leftHeld >= 20, $"Only {leftHeld} rows were held, fewer than the ten checkouts that completed their reserve hold.");

        var first = await Eventually.ReadAsync(() => StockAsync(offers[0].OfferId), s => s == 100, TimeSpan.FromSeconds(60));
        var second = await Eventually.ReadAsync(() => StockAsync(offers[1].OfferId), s => s == 100, TimeSpan.FromSeconds(60));

        Assert.Equal((100, 100), (first, second));
        Assert.Equal(0, await WithDbAsync(db => db.StockReservations.CountAsync(r => ids.Contains(r.ReservationId) && r.State == ReservationState.Held)));
        Assert.Contains(true, killed);
    }

    [Fact]
    public async Task Restocking_a_sold_reservation_returns_its_units_exactly_once_and_a_held_one_is_refused()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1, stock: 10)).Single();
        var sold = Guid.NewGuid();
        var held = Guid.NewGuid();
        await ReserveAsync(sold, Later, (offer.OfferId, 3));
        await ReserveAsync(held, Later, (offer.OfferId, 2));
        await WithReservationsAsync(r => CommitOneAsync(r, sold));

        var restocks = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(_ => WithReservationsAsync(r => r.RestockAsync(sold, "order cancelled before shipping", CancellationToken.None))));
        var restockHeld = await WithReservationsAsync(r => r.RestockAsync(held, "order cancelled before shipping", CancellationToken.None));
        var commitRestocked = await WithReservationsAsync(r => CommitOneAsync(r, sold));

        Assert.All(restocks, outcome => Assert.Equal(SettleOutcome.Done, outcome));
        Assert.Equal(SettleOutcome.NotSold, restockHeld);
        Assert.Equal(SettleOutcome.Restocked, commitRestocked);
        Assert.Equal(8, await StockAsync(offer.OfferId));
    }

    [Fact]
    public async Task A_reservation_of_several_offers_publishes_their_changes_as_one_message()
    {
        var offers = await CatalogFlows.OffersAsync(factory, 3, stock: 10);
        var offerId = offers[0].OfferId.ToString();
        Task<(int Single, int Batches)> MessagesAsync() => WithDbAsync(async db => (
            await db.OutboxMessages.CountAsync(m => m.Type.StartsWith(typeof(OfferChanged).FullName! + ",") && m.Payload.Contains(offerId)),
            await db.OutboxMessages.CountAsync(m => m.Type.StartsWith(typeof(OffersChanged).FullName! + ",") && m.Payload.Contains(offerId))));
        var before = await MessagesAsync();

        await ReserveAsync(Guid.NewGuid(), Later, (offers[0].OfferId, 1), (offers[1].OfferId, 1), (offers[2].OfferId, 1));

        var after = await MessagesAsync();
        Assert.Equal((before.Single, before.Batches + 1), after);
        Assert.Equal(3, (await OfferChangesAsync(offers.Select(o => o.OfferId).ToHashSet())).Count(e => e.Stock == 9));
    }

    [Fact]
    public async Task Each_stock_change_writes_one_offer_changed_per_offer_with_the_new_stock_and_a_commit_writes_none()
    {
        var offers = await CatalogFlows.OffersAsync(factory, 2, stock: 10);
        var ids = offers.Select(o => o.OfferId).ToHashSet();
        var reservationId = Guid.NewGuid();
        var before = await OfferChangesAsync(ids);

        await ReserveAsync(reservationId, Later, (offers[0].OfferId, 3), (offers[1].OfferId, 1), (offers[0].OfferId, 1));
        var afterReserve = await OfferChangesAsync(ids);
        await WithReservationsAsync(r => r.ReleaseAsync(reservationId, "abandoned", CancellationToken.None));
        var afterRelease = await OfferChangesAsync(ids);
        var second = Guid.NewGuid();
        await ReserveAsync(second, Later, (offers[1].OfferId, 2));
        var beforeCommit = await OfferChangesAsync(ids);
        await WithReservationsAsync(r => CommitOneAsync(r, second));
        var afterCommit = await OfferChangesAsync(ids);

        Assert.Equal(
            [(offers[0].OfferId, 6), (offers[1].OfferId, 9)],
            afterReserve.Skip(before.Count).Select(e => (e.OfferId, e.Stock)).OrderBy(e => e.Stock));
        Assert.Equal(
            [(offers[1].OfferId, 10), (offers[0].OfferId, 10)],
            afterRelease.Skip(afterReserve.Count).Select(e => (e.OfferId, e.Stock)).OrderBy(e => e.OfferId == offers[0].OfferId));
        Assert.Equal(beforeCommit.Count, afterCommit.Count);
    }

    [Fact]
    public async Task The_product_page_shows_the_stock_left_after_reservations()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1, stock: 10)).Single();
        var client = factory.CreateClient();
        Assert.Equal(10, await ProductPageStockAsync(client, offer));

        await ReserveAsync(Guid.NewGuid(), Later, (offer.OfferId, 4));

        Assert.Equal(6, await Eventually.ReadAsync(() => ProductPageStockAsync(client, offer), s => s == 6, TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task A_seller_setting_stock_sets_the_units_available_and_released_holds_come_on_top()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1, stock: 10)).Single();
        var reservationId = Guid.NewGuid();
        await ReserveAsync(reservationId, Later, (offer.OfferId, 4));

        await CatalogFlows.ChangeOfferAsync(offer, stock: 5);
        await WithReservationsAsync(r => r.ReleaseAsync(reservationId, "payment declined", CancellationToken.None));

        Assert.Equal(9, await StockAsync(offer.OfferId));
    }

    [Fact]
    public async Task A_checkout_holds_all_its_orders_in_one_call_or_none_of_them_and_commits_them_together()
    {
        var offers = await CatalogFlows.OffersAsync(factory, 3, stock: 5);
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        StockHold[] Holds(int secondQuantity) =>
        [
            new(first, [new ReservedLine(offers[0].OfferId, 2), new ReservedLine(offers[1].OfferId, 1)]),
            new(second, [new ReservedLine(offers[2].OfferId, secondQuantity)]),
        ];

        // One order short: the other order holds nothing either, and the short line says what is left.
        var refused = await WithReservationsAsync(r => r.ReserveAsync(Holds(6), Later, CancellationToken.None));
        Assert.Equal(ReserveOutcome.InsufficientStock, refused.Outcome);
        Assert.Equal([new ShortLine(offers[2].OfferId, 6, 5, OfferExists: true)], refused.ShortLines);
        Assert.Equal((5, 5, 5), (await StockAsync(offers[0].OfferId), await StockAsync(offers[1].OfferId), await StockAsync(offers[2].OfferId)));
        Assert.Empty(await RowsAsync(first));

        var held = await WithReservationsAsync(r => r.ReserveAsync(Holds(4), Later, CancellationToken.None));
        var repeated = await WithReservationsAsync(r => r.ReserveAsync(Holds(4), Later, CancellationToken.None));
        var otherLines = await WithReservationsAsync(r => r.ReserveAsync(Holds(3), Later, CancellationToken.None));
        Assert.Equal((ReserveOutcome.Reserved, ReserveOutcome.Reserved, ReserveOutcome.IdTaken), (held.Outcome, repeated.Outcome, otherLines.Outcome));
        Assert.Equal((3, 4, 1), (await StockAsync(offers[0].OfferId), await StockAsync(offers[1].OfferId), await StockAsync(offers[2].OfferId)));

        var unknown = Guid.NewGuid();
        var commits = await WithReservationsAsync(r => r.CommitAsync([first, second, unknown], CancellationToken.None));
        Assert.Equal(SettleOutcome.Done, commits[first]);
        Assert.Equal(SettleOutcome.Done, commits[second]);
        Assert.Equal(SettleOutcome.NotFound, commits[unknown]);
        Assert.All(await RowsAsync(first), row => Assert.Equal(ReservationState.Sold, row.State));
        Assert.Equal(SettleOutcome.Done, await WithReservationsAsync(r => CommitOneAsync(r, second)));
    }

    [Fact]
    public async Task A_reserve_with_no_lines_a_zero_quantity_or_a_past_expiry_is_refused_and_holds_nothing()
    {
        var offer = (await CatalogFlows.OffersAsync(factory, 1, stock: 10)).Single();

        await Assert.ThrowsAsync<ArgumentException>(() => ReserveAsync(Guid.NewGuid(), Later));
        await Assert.ThrowsAsync<ArgumentException>(() => ReserveAsync(Guid.NewGuid(), Later, (offer.OfferId, 0)));
        await Assert.ThrowsAsync<ArgumentException>(() => ReserveAsync(Guid.NewGuid(), DateTimeOffset.UtcNow.AddSeconds(-1), (offer.OfferId, 1)));
        await Assert.ThrowsAsync<ArgumentException>(() => WithReservationsAsync(r => r.ReleaseAsync(Guid.NewGuid(), "", CancellationToken.None)));

        Assert.Equal(10, await StockAsync(offer.OfferId));
    }

    protected async Task<ReserveResult> ReserveAsync(Guid reservationId, DateTimeOffset expiresAt, params (Guid OfferId, int Quantity)[] lines) =>
        await WithReservationsAsync(r => r.ReserveAsync(
            [new StockHold(reservationId, lines.Select(l => new ReservedLine(l.OfferId, l.Quantity)).ToList())], expiresAt, CancellationToken.None));

    private static async Task<SettleOutcome> CommitOneAsync(IStockReservations reservations, Guid reservationId) =>
        (await reservations.CommitAsync([reservationId], CancellationToken.None))[reservationId];

    private async Task<T> WithReservationsAsync<T>(Func<IStockReservations, Task<T>> call)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<IStockReservations>());
    }

    private async Task<T> WithDbAsync<T>(Func<CatalogDbContext, Task<T>> read)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<CatalogDbContext>());
    }

    protected Task<int> StockAsync(Guid offerId) =>
        WithDbAsync(db => db.Offers.AsNoTracking().Where(o => o.Id == offerId).Select(o => o.Stock).SingleAsync());

    private Task<int> SetStockAsync(Guid offerId, int stock) =>
        WithDbAsync(db => db.Offers.Where(o => o.Id == offerId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Stock, stock)));

    private Task<List<StockReservation>> RowsAsync(Guid reservationId) =>
        WithDbAsync(db => db.StockReservations.AsNoTracking().Where(r => r.ReservationId == reservationId).ToListAsync());

    /// <summary>The offer changes in the outbox about these offers (single or in batches), in the order they were written.</summary>
    private Task<List<OfferChanged>> OfferChangesAsync(HashSet<Guid> offerIds) =>
        WithDbAsync(async db => (await db.OutboxMessages.AsNoTracking()
                .Where(m => m.Type.StartsWith(typeof(OfferChanged).FullName!) || m.Type.StartsWith(typeof(OffersChanged).FullName!))
                .OrderBy(m => m.Sequence)
                .Select(m => new { m.Type, m.Payload })
                .ToListAsync())
            .SelectMany(m => m.Type.StartsWith(typeof(OffersChanged).FullName!, StringComparison.Ordinal)
                ? JsonSerializer.Deserialize<OffersChanged>(m.Payload, JsonSerializerOptions.Web)!.Offers
                : [JsonSerializer.Deserialize<OfferChanged>(m.Payload, JsonSerializerOptions.Web)!])
            .Where(e => offerIds.Contains(e.OfferId))
            .ToList());

    /// <summary>Reads the offer's stock over and over until cancelled; returns the lowest value seen.</summary>
    private async Task<int> WatchLowestStockAsync(Guid offerId, CancellationToken stop)
    {
        var lowest = int.MaxValue;
        while (!stop.IsCancellationRequested)
        {
            lowest = Math.Min(lowest, await StockAsync(offerId));
            await Task.Yield();
        }

        return lowest;
    }

    private static async Task<int> ProductPageStockAsync(HttpClient client, SellerOffer offer)
    {
        var detail = await client.GetFromJsonAsync<ProductDetailResponse>($"/api/v1/products/{offer.ProductId}");
        return detail!.Offers.Single(o => o.OfferId == offer.OfferId).Stock;
    }
}

/// <summary>The system clock moved by a fixed amount: a replica that sees a later time.</summary>
internal sealed class ShiftedClock(TimeSpan shift) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
}

public sealed class ReservationOptionsTests
{
    [Theory]
    [InlineData("Catalog:Reservations:SweepInterval", "00:00:00")]
    [InlineData("Catalog:Reservations:MaxLines", "0")]
    [InlineData("Catalog:Reservations:SweepBatchSize", "-1")]
    [InlineData("Catalog:PopularityHalfLife", "00:00:00")]
    public async Task The_host_refuses_to_start_with_a_catalog_setting_out_of_range(string key, string value)
    {
        IAsyncLifetime factory = new InvalidCatalogOptionsFactory(key, value);
        await factory.InitializeAsync();
        try
        {
            var failure = Assert.ThrowsAny<Exception>(() => ((MarketplaceFactory)factory).CreateClient());

            Assert.Contains(key.Split(':')[^1], failure.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await factory.DisposeAsync();
        }
    }

    private sealed class InvalidCatalogOptionsFactory : MarketplaceFactory
    {
        public InvalidCatalogOptionsFactory(string key, string value)
            : base(TestProfile.Embedded)
        {
            Settings[key] = value;
        }
    }
}
