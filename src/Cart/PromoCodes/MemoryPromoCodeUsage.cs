using Marketplace.Cart.Contracts;

namespace Marketplace.Cart.PromoCodes;

/// <summary>
/// Uses in process memory, for the embedded profile (one process). One lock over all counts: checking the limits and
/// counting are one step, as the Redis script is, and a placed order is rare next to a cart read.
/// </summary>
internal sealed class MemoryPromoCodeUsage : IPromoCodeUsage
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Guid, RecordedOrder> _orders = [];
    private readonly Dictionary<string, long> _totals = new(StringComparer.Ordinal);
    private readonly Dictionary<(Guid Customer, string Code), long> _byCustomer = [];
    private readonly HashSet<Guid> _customersWithOrders = [];

    private sealed class RecordedOrder(PromoCodeRecording answer, Guid? customerId, IReadOnlyList<string> codes)
    {
        public PromoCodeRecording Answer { get; } = answer;
        public Guid? CustomerId { get; } = customerId;
        public IReadOnlyList<string> Codes { get; } = codes;
        public bool Released { get; set; }
    }

    public Task<PromoCodeRecording> TryRecordPlacedOrderAsync(Guid orderId, Guid? customerId, IReadOnlyList<PromoCodeLimit> codes, CancellationToken cancellationToken)
    {
        var limits = PromoCode.DistinctLimits(codes);
        lock (_lock)
        {
            if (_orders.TryGetValue(orderId, out var known))
            {
                return Task.FromResult(known.Answer);
            }

            var refused = limits.Select(limit => PromoCode.Refusal(
                    limit, _totals.GetValueOrDefault(limit.Code), customerId is { } c ? _byCustomer.GetValueOrDefault((c, limit.Code)) : 0, customerId is not null))
                .OfType<PromoCodeRefusal>()
                .ToList();
            var answer = new PromoCodeRecording(refused.Count == 0, refused);
            _orders[orderId] = new RecordedOrder(answer, customerId, answer.Recorded ? limits.Select(l => l.Code).ToList() : []);
            if (answer.Recorded)
            {
                Count(customerId, limits.Select(l => l.Code), +1);
                if (customerId is { } customer)
                {
                    _customersWithOrders.Add(customer);
                }
            }

            return Task.FromResult(answer);
        }
    }

    public Task<bool> ReleasePlacedOrderAsync(Guid orderId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_orders.TryGetValue(orderId, out var order) || !order.Answer.Recorded || order.Released)
            {
                return Task.FromResult(false);
            }

            order.Released = true;
            Count(order.CustomerId, order.Codes, -1);
            return Task.FromResult(true);
        }
    }

    public Task<BuyerUsage> GetAsync(IReadOnlyCollection<string> codes, Guid? customerId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var uses = PromoCode.Distinct(codes).ToDictionary(
                code => code,
                code => new PromoCodeUses(_totals.GetValueOrDefault(code), customerId is { } customer ? _byCustomer.GetValueOrDefault((customer, code)) : 0),
                StringComparer.OrdinalIgnoreCase);
            return Task.FromResult(new BuyerUsage(uses, customerId is { } c && _customersWithOrders.Contains(c)));
        }
    }

    private void Count(Guid? customerId, IEnumerable<string> codes, int by)
    {
        foreach (var code in codes)
        {
            _totals[code] = _totals.GetValueOrDefault(code) + by;
            if (customerId is { } customer)
            {
                _byCustomer[(customer, code)] = _byCustomer.GetValueOrDefault((customer, code)) + by;
            }
        }
    }
}
