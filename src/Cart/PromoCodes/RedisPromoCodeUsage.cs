using System.Globalization;
using Marketplace.Cart.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Marketplace.Cart.PromoCodes;

/// <summary>
/// Uses per code in one Redis hash, per customer in a hash each, which also holds the customer's placed-order mark
/// (field <c>#ordered</c>: codes are stored upper-case, so no code can collide with it, and pricing reads the mark in
/// the same command as the customer's uses). Each placed order has a record (its answer, its customer, the codes it
/// counted), written by the same script that checks the limits and counts, so a retried order counts once and two
/// orders racing for a code's last use cannot both get it, even across replicas.
/// </summary>
internal sealed class RedisPromoCodeUsage(IConnectionMultiplexer redis, IOptions<CartOptions> options) : IPromoCodeUsage
{
    private const string OrderedMark = "#ordered";

    // KEYS: order record, totals, customer's counts (optional). ARGV: record ttl ms, customer id or '', then (code, max total or -1, max per customer or -1)...
    // Returns {1 recorded | 0 refused, code, reason, code, reason...}; a known order returns its first answer.
    private const string Record = """
        local function answer()
          local result = {redis.call('HGET', KEYS[1], 'state') == 'recorded' and 1 or 0}
          local fields = redis.call('HGETALL', KEYS[1])
          for i = 1, #fields, 2 do
            if string.sub(fields[i], 1, 2) == 'r:' then
              table.insert(result, string.sub(fields[i], 3))
              table.insert(result, fields[i + 1])
            end
          end
          return result
        end
        if redis.call('EXISTS', KEYS[1]) == 1 then return answer() end
        local refused = {}
        for i = 3, #ARGV, 3 do
          local code, max, per = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
          if max >= 0 and tonumber(redis.call('HGET', KEYS[2], code) or '0') >= max then
            table.insert(refused, 'r:' .. code); table.insert(refused, 'total')
          elseif per >= 0 and #KEYS < 3 then
            table.insert(refused, 'r:' .. code); table.insert(refused, 'signin')
          elseif per >= 0 and tonumber(redis.call('HGET', KEYS[3], code) or '0') >= per then
            table.insert(refused, 'r:' .. code); table.insert(refused, 'customer')
          end
        end
        if #refused > 0 then
          redis.call('HSET', KEYS[1], 'state', 'refused', unpack(refused))
        else
          redis.call('HSET', KEYS[1], 'state', 'recorded', 'customer', ARGV[2])
          for i = 3, #ARGV, 3 do
            redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
            if #KEYS > 2 then redis.call('HINCRBY', KEYS[3], ARGV[i], 1) end
            redis.call('HSET', KEYS[1], 'c:' .. ARGV[i], '1')
          end
          if #KEYS > 2 then redis.call('HSET', KEYS[3], '#ordered', '1') end
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return answer()
        """;

    // KEYS: order record, totals, customer's counts (optional). Returns 1 when this call gave the uses back.
    private const string Release = """
        if redis.call('HGET', KEYS[1], 'state') ~= 'recorded' then return 0 end
        if redis.call('HSETNX', KEYS[1], 'released', '1') == 0 then return 0 end
        local fields = redis.call('HKEYS', KEYS[1])
        for i = 1, #fields do
          if string.sub(fields[i], 1, 2) == 'c:' then
            local code = string.sub(fields[i], 3)
            redis.call('HINCRBY', KEYS[2], code, -1)
            if #KEYS > 2 then redis.call('HINCRBY', KEYS[3], code, -1) end
          end
        end
        return 1
        """;

    private readonly string _prefix = options.Value.RedisKeyPrefix + "promo:";

    private IDatabase Db => redis.GetDatabase();

    public async Task<PromoCodeRecording> TryRecordPlacedOrderAsync(Guid orderId, Guid? customerId, IReadOnlyList<PromoCodeLimit> codes, CancellationToken cancellationToken)
    {
        RedisKey[] keys = customerId is { } customer
            ? [OrderKey(orderId), TotalsKey, CustomerKey(customer)]
            : [OrderKey(orderId), TotalsKey];
        var arguments = new List<RedisValue> { (long)options.Value.RecordedOrderMemory.TotalMilliseconds, customerId?.ToString("N") ?? "" };
        foreach (var limit in PromoCode.DistinctLimits(codes))
        {
            arguments.AddRange([limit.Code, limit.MaxTotalUses ?? -1, limit.MaxUsesPerCustomer ?? -1]);
        }

        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(Record, keys, [.. arguments]))!;
        var refused = new List<PromoCodeRefusal>();
        for (var i = 1; i + 1 < result.Length; i += 2)
        {
            refused.Add(new PromoCodeRefusal(result[i].ToString(), result[i + 1].ToString() switch
            {
                "total" => PromoCodeRefusalReason.UsageLimitReached,
                "signin" => PromoCodeRefusalReason.SignInRequired,
                _ => PromoCodeRefusalReason.CustomerUsageLimitReached,
            }));
        }

        return new PromoCodeRecording((int)result[0] == 1, refused);
    }

    public async Task<bool> ReleasePlacedOrderAsync(Guid orderId, CancellationToken cancellationToken)
    {
        // The record's customer never changes once written, so reading it before the script cannot go stale; the
        // script itself decides, atomically, whether this call is the one that gives the uses back.
        var customer = await Db.HashGetAsync(OrderKey(orderId), "customer");
        RedisKey[] keys = customer.IsNullOrEmpty
            ? [OrderKey(orderId), TotalsKey]
            : [OrderKey(orderId), TotalsKey, CustomerKey(Guid.ParseExact(customer.ToString(), "N"))];
        return (int)await Db.ScriptEvaluateAsync(Release, keys) == 1;
    }

    public async Task<BuyerUsage> GetAsync(IReadOnlyCollection<string> codes, Guid? customerId, CancellationToken cancellationToken)
    {
        var normalized = PromoCode.Distinct(codes).ToList();
        var fields = normalized.Select(c => (RedisValue)c).ToArray();
        var totals = fields.Length == 0 ? null : Db.HashGetAsync(TotalsKey, fields);
        var mine = customerId is { } customer ? Db.HashGetAsync(CustomerKey(customer), [.. fields, OrderedMark]) : null;
        var totalValues = totals is null ? [] : await totals;
        var mineValues = mine is null ? null : await mine;
        var uses = normalized
            .Select((code, i) => (code, uses: new PromoCodeUses(Count(totalValues[i]), mineValues is null ? 0 : Count(mineValues[i]))))
            .ToDictionary(x => x.code, x => x.uses, StringComparer.OrdinalIgnoreCase);
        return new BuyerUsage(uses, mineValues is not null && !mineValues[^1].IsNull);
    }

    private RedisKey TotalsKey => _prefix + "uses";

    // "placed:", not the "order:" markers of the counting that checked no limits, whose keys are strings, not records.
    private RedisKey OrderKey(Guid orderId) => _prefix + "placed:" + orderId.ToString("N");

    private RedisKey CustomerKey(Guid customerId) => _prefix + "uses:" + customerId.ToString("N");

    private static long Count(RedisValue value) => value.IsNull ? 0 : long.Parse(value.ToString(), CultureInfo.InvariantCulture);
}
