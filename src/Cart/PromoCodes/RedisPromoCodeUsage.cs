using System.Globalization;
using Marketplace.Cart.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Marketplace.Cart.PromoCodes;

/// <summary>
/// Uses per code in one Redis hash, per customer in a hash each. Recording an order sets a marker for the order id and
/// counts only when the marker was new, in one script, so a retried order counts once even across replicas.
/// </summary>
internal sealed class RedisPromoCodeUsage(IConnectionMultiplexer redis, IOptions<CartOptions> options) : IPromoCodeUsage
{
    // KEYS: order marker, totals, customer's counts (optional). ARGV: marker ttl ms, codes...
    private const string Record = """
        if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
        for i = 2, #ARGV do
          redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
          if #KEYS > 2 then redis.call('HINCRBY', KEYS[3], ARGV[i], 1) end
        end
        return 1
        """;

    private readonly string _prefix = options.Value.RedisKeyPrefix + "promo:";

    public async Task<bool> RecordPlacedOrderAsync(Guid orderId, Guid? customerId, IReadOnlyCollection<string> codes, CancellationToken cancellationToken)
    {
        RedisKey[] keys = customerId is { } customer
            ? [_prefix + "order:" + orderId.ToString("N"), _prefix + "uses", CustomerKey(customer)]
            : [_prefix + "order:" + orderId.ToString("N"), _prefix + "uses"];
        var arguments = PromoCode.Distinct(codes).Select(c => (RedisValue)c)
            .Prepend((long)options.Value.RecordedOrderMemory.TotalMilliseconds).ToArray();
        return (int)await redis.GetDatabase().ScriptEvaluateAsync(Record, keys, arguments) == 1;
    }

    public async Task<IReadOnlyDictionary<string, PromoCodeUses>> GetAsync(IReadOnlyCollection<string> codes, Guid? customerId, CancellationToken cancellationToken)
    {
        var normalized = PromoCode.Distinct(codes).ToList();
        if (normalized.Count == 0)
        {
            return new Dictionary<string, PromoCodeUses>();
        }

        var fields = normalized.Select(c => (RedisValue)c).ToArray();
        var db = redis.GetDatabase();
        var totals = db.HashGetAsync(_prefix + "uses", fields);
        var mine = customerId is { } customer ? db.HashGetAsync(CustomerKey(customer), fields) : null;
        var totalValues = await totals;
        var mineValues = mine is null ? null : await mine;
        return normalized.Select((code, i) => (code, uses: new PromoCodeUses(Count(totalValues[i]), mineValues is null ? 0 : Count(mineValues[i]))))
            .ToDictionary(x => x.code, x => x.uses, StringComparer.OrdinalIgnoreCase);
    }

    private string CustomerKey(Guid customerId) => _prefix + "uses:" + customerId.ToString("N");

    private static long Count(RedisValue value) => value.IsNull ? 0 : long.Parse(value.ToString(), CultureInfo.InvariantCulture);
}
