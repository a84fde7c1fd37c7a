using System.Collections.Concurrent;
using Marketplace.Cart.Contracts;

namespace Marketplace.Cart.PromoCodes;

/// <summary>Uses in process memory, for the embedded profile; an order id is counted the first time only.</summary>
internal sealed class MemoryPromoCodeUsage : IPromoCodeUsage
{
    private readonly ConcurrentDictionary<Guid, byte> _orders = new();
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(Guid Customer, string Code), long> _byCustomer = new();

    public Task<bool> RecordPlacedOrderAsync(Guid orderId, Guid? customerId, IReadOnlyCollection<string> codes, CancellationToken cancellationToken)
    {
        if (!_orders.TryAdd(orderId, 0))
        {
            return Task.FromResult(false);
        }

        foreach (var code in PromoCode.Distinct(codes))
        {
            _totals.AddOrUpdate(code, 1, (_, n) => n + 1);
            if (customerId is { } customer)
            {
                _byCustomer.AddOrUpdate((customer, code), 1, (_, n) => n + 1);
            }
        }

        return Task.FromResult(true);
    }

    public Task<IReadOnlyDictionary<string, PromoCodeUses>> GetAsync(IReadOnlyCollection<string> codes, Guid? customerId, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, PromoCodeUses> uses = PromoCode.Distinct(codes).ToDictionary(
            code => code,
            code => new PromoCodeUses(
                _totals.GetValueOrDefault(code),
                customerId is { } customer ? _byCustomer.GetValueOrDefault((customer, code)) : 0),
            StringComparer.OrdinalIgnoreCase);
        return Task.FromResult(uses);
    }
}
