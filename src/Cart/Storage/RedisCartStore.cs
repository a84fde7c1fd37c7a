using System.Globalization;
using Marketplace.Platform;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Marketplace.Cart.Storage;

/// <summary>
/// A cart is one Redis hash: <c>q:{offer}</c> quantity, <c>m:{offer}</c> seller|price seen|currency|sequence,
/// <c>c:{code}</c> promo codes, and counters <c>v</c> (version), <c>n</c> (lines), <c>k</c> (codes), <c>s</c> (sequence).
/// Each change is one Lua script, which Redis runs atomically: limits are checked and the change applied in one step,
/// never read in the process and written back, and the idle time to live restarts with it.
/// </summary>
internal sealed class RedisCartStore(IConnectionMultiplexer redis, IOptions<CartOptions> options) : ICartStore
{
    private const int CartMissing = -1;
    private const int LineMissing = -2;
    private const int LinesFull = -3;
    private const int OverLimit = -4;
    private const int CodesFull = -5;

    // KEYS: cart, merged-token marker. ARGV: must exist, offer, quantity to add, max per line, max lines, "seller|price|currency", ttl ms
    private const string Add = """
        if redis.call('EXISTS', KEYS[1]) == 0 and (ARGV[1] == '1' or redis.call('EXISTS', KEYS[2]) == 1) then return {-1, 0} end
        local field = 'q:' .. ARGV[2]
        local current = tonumber(redis.call('HGET', KEYS[1], field) or '0')
        local add = tonumber(ARGV[3])
        if current == 0 and tonumber(redis.call('HGET', KEYS[1], 'n') or '0') >= tonumber(ARGV[5]) then return {-3, 0} end
        if current + add > tonumber(ARGV[4]) then return {-4, current} end
        if current == 0 then
          redis.call('HINCRBY', KEYS[1], 'n', 1)
          local sequence = redis.call('HINCRBY', KEYS[1], 's', 1)
          redis.call('HSET', KEYS[1], 'm:' .. ARGV[2], ARGV[6] .. '|' .. sequence)
        end
        local quantity = redis.call('HINCRBY', KEYS[1], field, add)
        redis.call('HINCRBY', KEYS[1], 'v', 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[7])
        return {quantity, 0}
        """;

    // ARGV: offer, quantity, ttl ms
    private const string SetQuantity = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, 0} end
        local field = 'q:' .. ARGV[1]
        if redis.call('HEXISTS', KEYS[1], field) == 0 then return {-2, 0} end
        redis.call('HSET', KEYS[1], field, ARGV[2])
        redis.call('HINCRBY', KEYS[1], 'v', 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return {tonumber(ARGV[2]), 0}
        """;

    // ARGV: offer, ttl ms
    private const string Remove = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, 0} end
        if redis.call('HDEL', KEYS[1], 'q:' .. ARGV[1], 'm:' .. ARGV[1]) == 0 then return {-2, 0} end
        redis.call('HINCRBY', KEYS[1], 'n', -1)
        redis.call('HINCRBY', KEYS[1], 'v', 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return {0, 0}
        """;

    // KEYS: cart, merged-token marker. ARGV: must exist, code, max codes, ttl ms
    private const string AddCode = """
        if redis.call('EXISTS', KEYS[1]) == 0 and (ARGV[1] == '1' or redis.call('EXISTS', KEYS[2]) == 1) then return {-1, 0} end
        local field = 'c:' .. ARGV[2]
        if redis.call('HEXISTS', KEYS[1], field) == 0 then
          if tonumber(redis.call('HGET', KEYS[1], 'k') or '0') >= tonumber(ARGV[3]) then return {-5, 0} end
          redis.call('HSET', KEYS[1], field, redis.call('HINCRBY', KEYS[1], 's', 1))
          redis.call('HINCRBY', KEYS[1], 'k', 1)
          redis.call('HINCRBY', KEYS[1], 'v', 1)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return {0, 0}
        """;

    // ARGV: code, ttl ms
    private const string RemoveCode = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, 0} end
        if redis.call('HDEL', KEYS[1], 'c:' .. ARGV[1]) == 0 then return {-2, 0} end
        redis.call('HINCRBY', KEYS[1], 'k', -1)
        redis.call('HINCRBY', KEYS[1], 'v', 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return {0, 0}
        """;

    // KEYS: guest cart, customer cart, merged-token marker. ARGV: customer, max per line, max lines, max codes, ttl ms, marker ttl ms.
    // Returns {status, offers left behind...}: 1 merged, 0 already merged into this customer, -1 no such guest cart.
    private const string Merge = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          if redis.call('GET', KEYS[3]) == ARGV[1] then return {0} end
          return {-1}
        end
        local result = {1}
        local guest = redis.call('HGETALL', KEYS[1])
        local lines = tonumber(redis.call('HGET', KEYS[2], 'n') or '0')
        local codes = tonumber(redis.call('HGET', KEYS[2], 'k') or '0')
        for i = 1, #guest, 2 do
          local field, value = guest[i], guest[i + 1]
          local kind = string.sub(field, 1, 2)
          if kind == 'q:' then
            local offer = string.sub(field, 3)
            local current = tonumber(redis.call('HGET', KEYS[2], field) or '0')
            if current > 0 then
              redis.call('HSET', KEYS[2], field, math.min(current + tonumber(value), tonumber(ARGV[2])))
            elseif lines < tonumber(ARGV[3]) then
              lines = lines + 1
              local sequence = redis.call('HINCRBY', KEYS[2], 's', 1)
              local meta = string.match(redis.call('HGET', KEYS[1], 'm:' .. offer), '^(.*)|[^|]*$')
              redis.call('HSET', KEYS[2], field, math.min(tonumber(value), tonumber(ARGV[2])), 'm:' .. offer, meta .. '|' .. sequence)
            else
              table.insert(result, offer)
            end
          elseif kind == 'c:' and redis.call('HEXISTS', KEYS[2], field) == 0 and codes < tonumber(ARGV[4]) then
            codes = codes + 1
            redis.call('HSET', KEYS[2], field, redis.call('HINCRBY', KEYS[2], 's', 1))
          end
        end
        redis.call('HSET', KEYS[2], 'n', lines, 'k', codes)
        redis.call('HINCRBY', KEYS[2], 'v', 1)
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        redis.call('DEL', KEYS[1])
        redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[6])
        return result
        """;

    // KEYS: cart, order group marker. ARGV: marker ttl ms, cart ttl ms, then (offer, quantity ordered)...
    private const string RemoveOrdered = """
        if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return 0 end
        if redis.call('EXISTS', KEYS[1]) == 0 then return 1 end
        local changed = false
        for i = 3, #ARGV, 2 do
          local field = 'q:' .. ARGV[i]
          local current = tonumber(redis.call('HGET', KEYS[1], field) or '0')
          if current > 0 then
            changed = true
            local left = current - tonumber(ARGV[i + 1])
            if left > 0 then
              redis.call('HSET', KEYS[1], field, left)
            else
              redis.call('HDEL', KEYS[1], field, 'm:' .. ARGV[i])
              redis.call('HINCRBY', KEYS[1], 'n', -1)
            end
          end
        end
        if changed then
          redis.call('HINCRBY', KEYS[1], 'v', 1)
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 1
        """;

    private readonly string _prefix = options.Value.RedisKeyPrefix + "cart:";

    private IDatabase Db => redis.GetDatabase();

    public async Task<StoredCart?> ReadAsync(CartKey key, CancellationToken cancellationToken)
    {
        var entries = await Db.HashGetAllAsync(Key(key));
        if (entries.Length == 0)
        {
            return key.IsGuest ? null : StoredCart.Empty;
        }

        var fields = entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
        var lines = new List<StoredLine>();
        var codes = new List<(long Sequence, string Code)>();
        foreach (var (name, value) in fields)
        {
            if (name.StartsWith("q:", StringComparison.Ordinal) && fields.TryGetValue("m" + name[1..], out var meta))
            {
                var parts = meta.Split('|');
                lines.Add(new StoredLine(
                    Guid.ParseExact(name[2..], "N"),
                    Guid.ParseExact(parts[0], "N"),
                    int.Parse(value, CultureInfo.InvariantCulture),
                    new Money(decimal.Parse(parts[1], CultureInfo.InvariantCulture), parts[2]),
                    long.Parse(parts[3], CultureInfo.InvariantCulture)));
            }
            else if (name.StartsWith("c:", StringComparison.Ordinal))
            {
                codes.Add((long.Parse(value, CultureInfo.InvariantCulture), name[2..]));
            }
        }

        return new StoredCart(
            fields.TryGetValue("v", out var version) ? long.Parse(version, CultureInfo.InvariantCulture) : 0,
            lines.OrderBy(l => l.Sequence).ToList(),
            codes.OrderBy(c => c.Sequence).Select(c => c.Code).ToList());
    }

    public async Task<bool> WasMergedAsync(CartKey guest, CancellationToken cancellationToken) =>
        await Db.KeyExistsAsync(MergedKey(guest));

    public async Task<CartWrite> AddAsync(CartKey key, NewLine line, CartLimits limits, bool mayCreate, CancellationToken cancellationToken)
    {
        var meta = string.Create(CultureInfo.InvariantCulture, $"{line.SellerId:N}|{line.PriceSeen.Amount}|{line.PriceSeen.Currency}");
        return await WriteAsync(Add, [Key(key), MergedKey(key)],
            [mayCreate ? "0" : "1", Offer(line.OfferId), line.Quantity, limits.MaxQuantityPerLine, limits.MaxLines, meta, Milliseconds(limits.TimeToLive(key))]);
    }

    public Task<CartWrite> SetQuantityAsync(CartKey key, Guid offerId, int quantity, CartLimits limits, CancellationToken cancellationToken) =>
        WriteAsync(SetQuantity, [Key(key)], [Offer(offerId), quantity, Milliseconds(limits.TimeToLive(key))]);

    public Task<CartWrite> RemoveAsync(CartKey key, Guid offerId, CartLimits limits, CancellationToken cancellationToken) =>
        WriteAsync(Remove, [Key(key)], [Offer(offerId), Milliseconds(limits.TimeToLive(key))]);

    public Task<CartWrite> AddPromoCodeAsync(CartKey key, string code, CartLimits limits, bool mayCreate, CancellationToken cancellationToken) =>
        WriteAsync(AddCode, [Key(key), MergedKey(key)], [mayCreate ? "0" : "1", code, limits.MaxPromoCodes, Milliseconds(limits.TimeToLive(key))]);

    public Task<CartWrite> RemovePromoCodeAsync(CartKey key, string code, CartLimits limits, CancellationToken cancellationToken) =>
        WriteAsync(RemoveCode, [Key(key)], [code, Milliseconds(limits.TimeToLive(key))]);

    public async Task<MergeResult> MergeAsync(CartKey guest, CartKey customer, Guid customerId, CartLimits limits, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(
            Merge,
            [Key(guest), Key(customer), MergedKey(guest)],
            [customerId.ToString("N"), limits.MaxQuantityPerLine, limits.MaxLines, limits.MaxPromoCodes,
                Milliseconds(limits.IdleTimeToLive), Milliseconds(limits.MergedTokenMemory)]))!;
        var status = (int)result[0] switch
        {
            1 => MergeStatus.Merged,
            0 => MergeStatus.AlreadyMerged,
            _ => MergeStatus.GuestCartNotFound,
        };
        return new MergeResult(status, result.Skip(1).Select(r => Guid.ParseExact(r.ToString(), "N")).ToList());
    }

    public async Task RemoveOrderedAsync(CartKey key, Guid orderGroupId, IReadOnlyDictionary<Guid, int> ordered, CartLimits limits, CancellationToken cancellationToken)
    {
        var arguments = new List<RedisValue> { Milliseconds(limits.RecordedOrderMemory), Milliseconds(limits.TimeToLive(key)) };
        foreach (var (offerId, quantity) in ordered)
        {
            arguments.AddRange([Offer(offerId), quantity]);
        }

        await Db.ScriptEvaluateAsync(RemoveOrdered, [Key(key), _prefix + "ordered:" + orderGroupId.ToString("N")], [.. arguments]);
    }

    private async Task<CartWrite> WriteAsync(string script, RedisKey[] keys, RedisValue[] arguments)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(script, keys, arguments))!;
        var code = (int)result[0];
        return code switch
        {
            CartMissing => new CartWrite(CartWriteStatus.CartNotFound),
            LineMissing => new CartWrite(CartWriteStatus.LineNotFound),
            LinesFull => new CartWrite(CartWriteStatus.TooManyLines),
            OverLimit => new CartWrite(CartWriteStatus.QuantityOverLimit, (int)result[1]),
            CodesFull => new CartWrite(CartWriteStatus.TooManyPromoCodes),
            _ => new CartWrite(CartWriteStatus.Written, code),
        };
    }

    private RedisKey Key(CartKey key) => _prefix + (key.IsGuest ? "g:" : "c:") + key.Id;

    /// <summary>The marker a merge leaves for a guest cart (a customer cart never has one).</summary>
    private RedisKey MergedKey(CartKey key) => _prefix + "merged:" + (key.IsGuest ? key.Id : "c:" + key.Id);

    private static string Offer(Guid offerId) => offerId.ToString("N");

    private static long Milliseconds(TimeSpan span) => (long)span.TotalMilliseconds;
}
