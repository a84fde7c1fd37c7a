namespace Marketplace.Pricing.Engine;

/// <summary>
/// Turns a finished <see cref="LineLedger"/> into the <see cref="PricedCart"/> the caller reads: line totals, seller
/// groups in the order their first line appears, free delivery measured after every discount, and what became of
/// each promo code.
/// </summary>
internal static class PricedCartAssembly
{
    public static PricedCart Assemble(
        LineLedger ledger,
        RuleIndex index,
        RuleConditions conditions,
        EnteredPromoCodes promoCodes,
        List<AppliedDiscount> cartDiscounts,
        List<RuleNotApplied> notApplied)
    {
        var lines = ledger.Lines;
        var pricedLines = new PricedLine[lines.Count];
        var sellerIds = new List<Guid>();
        var sellerPosition = new Dictionary<Guid, int>();
        var sellerSums = new List<(decimal List, decimal Discount)>();
        var total = 0m;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var lineTotal = ledger.ListTotal[i] - ledger.Discount[i];
            total += lineTotal;
            pricedLines[i] = new PricedLine
            {
                LineId = line.LineId,
                OfferId = line.OfferId,
                SellerId = line.SellerId,
                Quantity = line.Quantity,
                UnitListPrice = ledger.InCurrency(line.UnitListPrice.Amount),
                ListTotal = ledger.InCurrency(ledger.ListTotal[i]),
                Discounts = (IReadOnlyList<AppliedDiscount>?)ledger.Discounts[i] ?? [],
                Discount = ledger.InCurrency(ledger.Discount[i]),
                Total = ledger.InCurrency(lineTotal),
                RulesNotApplied = (IReadOnlyList<RuleNotApplied>?)ledger.NotApplied[i] ?? [],
            };
            if (!sellerPosition.TryGetValue(line.SellerId, out var position))
            {
                position = sellerPosition[line.SellerId] = sellerIds.Count;
                sellerIds.Add(line.SellerId);
                sellerSums.Add((0m, 0m));
            }

            sellerSums[position] = (sellerSums[position].List + ledger.ListTotal[i], sellerSums[position].Discount + ledger.Discount[i]);
        }

        var freeDelivery = new FreeDeliveryThresholds(index.FreeDelivery, ledger.Currency, conditions, notApplied);
        var orderFreeDelivery = freeDelivery.ForOrder(total);
        var sellers = new SellerGroupPrice[sellerIds.Count];
        for (var s = 0; s < sellers.Length; s++)
        {
            var (list, off) = sellerSums[s];
            sellers[s] = new SellerGroupPrice
            {
                SellerId = sellerIds[s],
                Subtotal = ledger.InCurrency(list),
                Discount = ledger.InCurrency(off),
                Total = ledger.InCurrency(list - off),
                FreeDelivery = freeDelivery.ForSeller(sellerIds[s], list - off, orderFreeDelivery),
            };
        }

        return new PricedCart
        {
            Currency = ledger.Currency,
            Lines = pricedLines,
            Sellers = sellers,
            Subtotal = ledger.InCurrency(ledger.OrderList),
            Discount = ledger.InCurrency(ledger.OrderDiscount),
            Total = ledger.InCurrency(total),
            Discounts = cartDiscounts,
            OrderFreeDelivery = orderFreeDelivery,
            PromoCodes = promoCodes.Outcomes(index, notApplied),
            RulesNotApplied = notApplied,
        };
    }
}
