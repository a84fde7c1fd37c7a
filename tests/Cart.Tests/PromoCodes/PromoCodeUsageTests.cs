using Marketplace.Cart.Contracts;
using Marketplace.Cart.PromoCodes;
using Marketplace.Pricing;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Cart.Tests.PromoCodes;

/// <summary>The usage port Ordering calls as it places an order, on both adapters.</summary>
public sealed class PromoCodeUsageTests(CartFactory factory) : IClassFixture<CartFactory>
{
    public static TheoryData<string> Adapters() => ["redis", "memory"];

    private IPromoCodeUsage Usage(string adapter) =>
        adapter == "memory" ? new MemoryPromoCodeUsage() : factory.Services.GetRequiredService<IPromoCodeUsage>();

    private static string NewCode(char first) => $"{first}{Guid.NewGuid():N}"[..16].ToUpperInvariant();

    private static PromoCodeLimit Unlimited(string code) => new(code, null, null);

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task A_placed_order_counts_one_use_of_each_code_in_total_and_for_its_customer(string adapter)
    {
        var usage = Usage(adapter);
        var code = NewCode('C');
        var other = NewCode('D');
        var alice = Guid.NewGuid();

        var recorded = await usage.TryRecordPlacedOrderAsync(Guid.NewGuid(), alice, [Unlimited(code), Unlimited(code.ToLowerInvariant()), Unlimited(other)], CancellationToken.None);
        await usage.TryRecordPlacedOrderAsync(Guid.NewGuid(), Guid.NewGuid(), [Unlimited(code)], CancellationToken.None);
        await usage.TryRecordPlacedOrderAsync(Guid.NewGuid(), null, [Unlimited(code)], CancellationToken.None);
        var forAlice = await usage.GetAsync([code, other, "NEVER-USED"], alice, CancellationToken.None);
        var forGuest = await usage.GetAsync([code], null, CancellationToken.None);

        Assert.True(recorded.Recorded);
        Assert.Empty(recorded.Refused);
        Assert.Equal(new PromoCodeUses(3, 1), forAlice.Uses[code]);
        Assert.Equal(new PromoCodeUses(1, 1), forAlice.Uses[other]);
        Assert.Equal(new PromoCodeUses(0, 0), forAlice.Uses["NEVER-USED"]);
        Assert.Equal(new PromoCodeUses(3, 0), forGuest.Uses[code]);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Recording_the_same_order_again_counts_nothing_and_answers_as_the_first_time(string adapter)
    {
        var usage = Usage(adapter);
        var code = NewCode('R');
        var spent = NewCode('S');
        var order = Guid.NewGuid();
        var refusedOrder = Guid.NewGuid();
        var customer = Guid.NewGuid();
        await usage.TryRecordPlacedOrderAsync(Guid.NewGuid(), null, [Unlimited(spent)], CancellationToken.None);

        var first = await usage.TryRecordPlacedOrderAsync(order, customer, [Unlimited(code)], CancellationToken.None);
        var retries = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => usage.TryRecordPlacedOrderAsync(order, customer, [Unlimited(code)], CancellationToken.None)));
        var refused = await usage.TryRecordPlacedOrderAsync(refusedOrder, customer, [new PromoCodeLimit(spent, 1, null)], CancellationToken.None);
        // The limit no longer binds (say the rules were raised), yet the order keeps its first answer.
        var refusedAgain = await usage.TryRecordPlacedOrderAsync(refusedOrder, customer, [Unlimited(spent)], CancellationToken.None);

        Assert.True(first.Recorded);
        Assert.All(retries, retry => Assert.True(retry.Recorded));
        Assert.Equal(new PromoCodeUses(1, 1), (await usage.GetAsync([code], customer, CancellationToken.None)).Uses[code]);
        Assert.False(refused.Recorded);
        Assert.False(refusedAgain.Recorded);
        Assert.Equal(refused.Refused, refusedAgain.Refused);
        Assert.Equal(new PromoCodeUses(1, 0), (await usage.GetAsync([spent], customer, CancellationToken.None)).Uses[spent]);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Twenty_orders_racing_for_the_last_use_of_a_code_give_it_to_exactly_one(string adapter)
    {
        var usage = Usage(adapter);
        var code = NewCode('L');
        var limit = new PromoCodeLimit(code, 3, null);
        await usage.TryRecordPlacedOrderAsync(Guid.NewGuid(), null, [limit], CancellationToken.None);
        await usage.TryRecordPlacedOrderAsync(Guid.NewGuid(), null, [limit], CancellationToken.None);

        using var start = new ManualResetEventSlim();
        var racers = Enumerable.Range(0, 20)
            .Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await usage.TryRecordPlacedOrderAsync(Guid.NewGuid(), Guid.NewGuid(), [limit], CancellationToken.None);
            }))
            .ToList();
        start.Set();
        var answers = await Task.WhenAll(racers);

        Assert.Single(answers, a => a.Recorded);
        Assert.All(answers.Where(a => !a.Recorded), a => Assert.Equal([new PromoCodeRefusal(code, PromoCodeRefusalReason.UsageLimitReached)], a.Refused));
        Assert.Equal(3, (await usage.GetAsync([code], null, CancellationToken.None)).Uses[code].Total);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task An_order_with_one_code_exhausted_counts_none_of_its_codes_and_names_the_exhausted_one(string adapter)
    {
        var usage = Usage(adapter);
        var open = NewCode('O');
        var spent = NewCode('X');
        var once = NewCode('P');
        var customer = Guid.NewGuid();
        await usage.TryRecordPlacedOrderAsync(Guid.NewGuid(), null, [new PromoCodeLimit(spent, 1, null)], CancellationToken.None);
        await usage.TryRecordPlacedOrderAsync(Guid.NewGuid(), customer, [new PromoCodeLimit(once, null, 1)], CancellationToken.None);

        var answer = await usage.TryRecordPlacedOrderAsync(
            Guid.NewGuid(), customer, [new PromoCodeLimit(open, 10, 10), new PromoCodeLimit(spent, 1, null), new PromoCodeLimit(once, null, 1)], CancellationToken.None);
        var guest = await usage.TryRecordPlacedOrderAsync(Guid.NewGuid(), null, [new PromoCodeLimit(open, 10, 10)], CancellationToken.None);

        Assert.False(answer.Recorded);
        Assert.Equal(
            [new PromoCodeRefusal(once, PromoCodeRefusalReason.CustomerUsageLimitReached), new PromoCodeRefusal(spent, PromoCodeRefusalReason.UsageLimitReached)],
            answer.Refused.OrderBy(r => r.Code, StringComparer.Ordinal));
        Assert.Equal([new PromoCodeRefusal(open, PromoCodeRefusalReason.SignInRequired)], guest.Refused);
        var uses = (await usage.GetAsync([open, spent, once], customer, CancellationToken.None)).Uses;
        Assert.Equal(new PromoCodeUses(0, 0), uses[open]);
        Assert.Equal(new PromoCodeUses(1, 0), uses[spent]);
        Assert.Equal(new PromoCodeUses(1, 1), uses[once]);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Releasing_an_order_gives_its_uses_back_exactly_once(string adapter)
    {
        var usage = Usage(adapter);
        var code = NewCode('G');
        var limit = new PromoCodeLimit(code, 1, null);
        var customer = Guid.NewGuid();
        var order = Guid.NewGuid();
        await usage.TryRecordPlacedOrderAsync(order, customer, [limit], CancellationToken.None);
        var whileHeld = await usage.TryRecordPlacedOrderAsync(Guid.NewGuid(), null, [limit], CancellationToken.None);

        var releases = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => usage.ReleasePlacedOrderAsync(order, CancellationToken.None)));
        var afterRelease = await usage.GetAsync([code], customer, CancellationToken.None);
        var retriedOrder = await usage.TryRecordPlacedOrderAsync(order, customer, [limit], CancellationToken.None);
        var afterRetry = await usage.GetAsync([code], customer, CancellationToken.None);
        var nextOrder = await usage.TryRecordPlacedOrderAsync(Guid.NewGuid(), null, [limit], CancellationToken.None);

        Assert.False(whileHeld.Recorded);
        Assert.Single(releases, released => released);
        Assert.Equal(new PromoCodeUses(0, 0), afterRelease.Uses[code]);
        Assert.True(retriedOrder.Recorded);
        Assert.Equal(new PromoCodeUses(0, 0), afterRetry.Uses[code]);
        Assert.True(nextOrder.Recorded);
        Assert.Equal(1, (await usage.GetAsync([code], null, CancellationToken.None)).Uses[code].Total);
        Assert.False(await usage.ReleasePlacedOrderAsync(Guid.NewGuid(), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task A_customer_is_marked_by_a_recorded_order_even_without_a_code_and_stays_marked_after_a_release(string adapter)
    {
        var usage = Usage(adapter);
        var customer = Guid.NewGuid();
        var refused = Guid.NewGuid();
        var spent = NewCode('M');
        await usage.TryRecordPlacedOrderAsync(Guid.NewGuid(), null, [new PromoCodeLimit(spent, 1, null)], CancellationToken.None);

        var before = await usage.GetAsync([], customer, CancellationToken.None);
        await usage.TryRecordPlacedOrderAsync(Guid.NewGuid(), refused, [new PromoCodeLimit(spent, 1, null)], CancellationToken.None);
        var order = Guid.NewGuid();
        await usage.TryRecordPlacedOrderAsync(order, customer, [], CancellationToken.None);
        await usage.ReleasePlacedOrderAsync(order, CancellationToken.None);

        Assert.False(before.HasPlacedOrder);
        Assert.False((await usage.GetAsync([], refused, CancellationToken.None)).HasPlacedOrder);
        Assert.True((await usage.GetAsync([], customer, CancellationToken.None)).HasPlacedOrder);
        Assert.False((await usage.GetAsync([], null, CancellationToken.None)).HasPlacedOrder);
    }

    [Fact]
    public void Limits_come_from_the_promo_code_definitions_in_the_rules_matched_as_pricing_matches_codes()
    {
        var rules = new PricingRules { PromoCodes = [new Marketplace.Pricing.PromoCode { Code = "Summer", MaxUses = 100, MaxUsesPerCustomer = 2 }] };

        Assert.Equal(new PromoCodeLimit(" SUMMER ", 100, 2), PromoCodeLimit.From(rules, " SUMMER "));
        Assert.Equal(new PromoCodeLimit("WINTER", null, null), PromoCodeLimit.From(rules, "WINTER"));
    }
}
