using System.Globalization;
using System.Runtime.InteropServices;
using Marketplace.Platform;

namespace Marketplace.Pricing.Engine;

/// <summary>The words a customer reads when a rule gives nothing.</summary>
internal static class Reasons
{
    public const string OutsideWindow = "outside its time window";
    public const string NotInSegment = "not in customer segment";
    public const string HigherExclusiveApplied = "a higher-priority exclusive rule applied";
    public const string ExclusiveAfterOthers = "exclusive, and a higher-priority rule already applied";
    public const string CapReached = "cap reached";
    public const string NothingLeft = "nothing left to discount";
    public const string NothingInScope = "nothing in the cart is in its scope";
    public const string BundleIncomplete = "bundle incomplete";
    public const string BundleNotCheaper = "the bundle price is not below the price of its items";
    public const string UnknownPromoCode = "unknown promo code";
    public const string PromoCodeNotYetValid = "promo code not yet valid";
    public const string PromoCodeExpired = "promo code expired";
    public const string UsageLimitReached = "usage limit reached";
    public const string CustomerUsageLimitReached = "usage limit per customer reached";
    public const string PromoCodeNeedsSignIn = "sign in to use this promo code";
    public const string PromoCodeUnused = "no discount uses this promo code";

    public static string OtherCurrency(string ruleCurrency, string cartCurrency) =>
        $"its amounts are in {ruleCurrency}, the cart is in {cartCurrency}";
}

/// <summary>
/// One pricing of one cart: the running state (what each line has left, which lines an exclusive rule holds) and the
/// explanation gathered on the way. Lives for one <see cref="PricingEngine.Price"/> call.
/// </summary>
internal sealed class PricingRun
{
    private readonly PricingRequest request;
    private readonly RuleIndex index;
    private readonly DateTimeOffset now;
    private readonly IReadOnlyList<PricingLine> lines;
    private readonly string currency;
    private readonly int minorUnits;
    private readonly decimal[] listTotal;
    private readonly decimal[] discount;

    // List total less discount, kept alongside because every rule reads it for every line.
    private readonly decimal[] remaining;
    private readonly bool[] heldByExclusive;
    private readonly List<AppliedDiscount>?[] lineDiscounts;
    private readonly List<RuleNotApplied>?[] lineNotApplied;
    private readonly decimal[] amounts;
    private readonly bool[] capped;

    // Scratch space reused by every rule of this run.
    private readonly int[] touchableLines;
    private readonly int[] orderedLines;
    private readonly decimal[] unitPriceKeys;
    private readonly List<AppliedDiscount> cartDiscounts = [];
    private readonly List<RuleNotApplied> notApplied = [];
    private readonly Dictionary<string, string?> promoCodeProblems = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> promoCodesApplied = new(StringComparer.OrdinalIgnoreCase);
    private readonly decimal orderList;

    // The document's limits in money, worked out once per cart rather than once per rule and line.
    private readonly decimal[]? lineLimit;
    private readonly decimal? orderLimit;
    private decimal orderDiscount;

    public PricingRun(PricingRequest request, RuleIndex index, DateTimeOffset now)
    {
        if (!Currencies.IsSupported(request.Currency))
        {
            throw new ArgumentException($"Unsupported currency '{request.Currency}'.", nameof(request));
        }

        this.request = request;
        this.index = index;
        this.now = now;
        lines = request.Lines ?? [];
        currency = Currencies.Normalize(request.Currency);
        minorUnits = Currencies.MinorUnitsOf(currency);
        var count = lines.Count;
        listTotal = new decimal[count];
        discount = new decimal[count];
        remaining = new decimal[count];
        heldByExclusive = new bool[count];
        lineDiscounts = new List<AppliedDiscount>?[count];
        lineNotApplied = new List<RuleNotApplied>?[count];
        amounts = new decimal[count];
        capped = new bool[count];
        touchableLines = new int[count];
        orderedLines = new int[count];
        unitPriceKeys = new decimal[count];
        for (var i = 0; i < count; i++)
        {
            var line = lines[i];
            if (!string.Equals(line.UnitListPrice.Currency, currency, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Line {line.LineId} is priced in {line.UnitListPrice.Currency}, the cart in {currency}.", nameof(request));
            }

            if (line.Quantity < 1 || line.UnitListPrice.Amount < 0m)
            {
                throw new ArgumentException($"Line {line.LineId} needs at least one unit and a price that is not negative.", nameof(request));
            }

            listTotal[i] = Currencies.Round(line.UnitListPrice.Amount * line.Quantity, currency);
            remaining[i] = listTotal[i];
            orderList += listTotal[i];
        }

        if (index.Limits?.MaxLineDiscountPercent is { } linePercent)
        {
            lineLimit = listTotal.Select(list => MinorUnitMath.Floor(list * linePercent / 100m, minorUnits)).ToArray();
        }

        if (index.Limits?.MaxOrderDiscountPercent is { } orderPercent)
        {
            orderLimit = MinorUnitMath.Floor(orderList * orderPercent / 100m, minorUnits);
        }
    }

    public PricedCart Price()
    {
        CheckPromoCodes();
        var (scopeStart, scopeLines) = LinesInScope();
        for (var rank = 0; rank < index.Discounts.Length; rank++)
        {
            var rule = index.Discounts[rank];
            var scoped = new ArraySegment<int>(scopeLines, scopeStart[rank], scopeStart[rank + 1] - scopeStart[rank]);

            // A rule with nothing in scope is mentioned only when the customer typed its code, to say why it gave nothing.
            if (scoped.Count > 0 || (rule.PromoCode is { } code && promoCodeProblems.ContainsKey(code)))
            {
                Apply(rule, scoped);
            }
        }

        return Result();
    }

    private decimal Remaining(int line) => remaining[line];

    private string Format(decimal amount) => amount.ToString("N" + minorUnits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private Money InCurrency(decimal amount) => new(amount, currency);

    private void CheckPromoCodes()
    {
        foreach (var usage in request.PromoCodes ?? [])
        {
            var code = usage.Code?.Trim();
            if (string.IsNullOrEmpty(code) || promoCodeProblems.ContainsKey(code))
            {
                continue;
            }

            promoCodeProblems[code] = PromoCodeProblem(code, usage);
        }
    }

    private string? PromoCodeProblem(string code, PromoCodeUsage usage)
    {
        if (!index.PromoCodes.TryGetValue(code, out var promo))
        {
            return Reasons.UnknownPromoCode;
        }

        if (promo.Window?.From is { } from && now < from)
        {
            return Reasons.PromoCodeNotYetValid;
        }

        if (promo.Window?.To is { } to && now >= to)
        {
            return Reasons.PromoCodeExpired;
        }

        if (promo.MaxUses is { } maxUses && usage.TimesUsed >= maxUses)
        {
            return Reasons.UsageLimitReached;
        }

        if (promo.MaxUsesPerCustomer is { } perCustomer)
        {
            if (request.Customer?.CustomerId is null)
            {
                return Reasons.PromoCodeNeedsSignIn;
            }

            if (usage.TimesUsedByCustomer >= perCustomer)
            {
                return Reasons.CustomerUsageLimitReached;
            }
        }

        return null;
    }

    /// <summary>
    /// The lines in each rule's scope, ascending, flat: the lines of the rule of rank r are
    /// <c>Lines[Start[r]..Start[r + 1]]</c>. One array for all rules rather than a list per rule keeps pricing cheap.
    /// </summary>
    private (int[] Start, int[] Lines) LinesInScope()
    {
        var rules = index.Discounts;
        var start = new int[rules.Length + 1];
        var lastSeenOnLine = new int[rules.Length];
        var candidates = new List<int>(64);
        var matched = new List<int>(lines.Count * 8);
        var lineEnds = new int[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            candidates.Clear();
            index.CollectCandidates(lines[i], candidates);
            candidates.AddRange(index.Unscoped);
            foreach (var rank in candidates)
            {
                if (lastSeenOnLine[rank] == i + 1)
                {
                    continue;
                }

                lastSeenOnLine[rank] = i + 1;
                // A rule scoped by one dimension matches every line its index led to; only the others need checking.
                if (!rules[rank].NeedsMatching || rules[rank].Matches(lines[i]))
                {
                    matched.Add(rank);
                    start[rank + 1]++;
                }
            }

            lineEnds[i] = matched.Count;
        }

        for (var rank = 0; rank < rules.Length; rank++)
        {
            start[rank + 1] += start[rank];
        }

        // Lines are visited in ascending order, so each rule's lines come out ascending.
        var flat = new int[matched.Count];
        var next = start[..^1];
        var k = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            for (; k < lineEnds[i]; k++)
            {
                flat[next[matched[k]]++] = i;
            }
        }

        return (start, flat);
    }

    /// <summary>Why the rule cannot apply to this cart at all; <paramref name="hidden"/> when it must not even be mentioned.</summary>
    private string? Ineligibility(CompiledDiscount rule, out bool hidden)
    {
        hidden = false;
        string? codeProblem = null;
        if (rule.PromoCode is { } code && !promoCodeProblems.TryGetValue(code, out codeProblem))
        {
            // A rule behind a code nobody entered stays unmentioned: the explanation must not leak promo codes.
            hidden = true;
            return null;
        }

        if (rule.Currency is { } ruleCurrency && ruleCurrency != currency)
        {
            return Reasons.OtherCurrency(ruleCurrency, currency);
        }

        if (!InWindow(rule.Source.Window))
        {
            return Reasons.OutsideWindow;
        }

        if (codeProblem is not null)
        {
            return codeProblem;
        }

        return InSegment(rule.Source.Segment) ? null : Reasons.NotInSegment;
    }

    private bool InWindow(TimeWindow? window) =>
        window is null || ((window.From is not { } from || now >= from) && (window.To is not { } to || now < to));

    private bool InSegment(CustomerSegment? segment)
    {
        if (segment is null)
        {
            return true;
        }

        var customer = request.Customer ?? PricingCustomer.Guest;
        if ((segment.NewCustomer is { } isNew && customer.NewCustomer != isNew)
            || (segment.SignedIn is { } signedIn && customer.SignedIn != signedIn))
        {
            return false;
        }

        if (segment.CustomerLists is not { Count: > 0 } lists)
        {
            return true;
        }

        return customer.CustomerId is { } id
            && lists.Any(list => index.CustomerLists.TryGetValue(list, out var members) && members.Contains(id));
    }

    private void Apply(CompiledDiscount rule, ArraySegment<int> scoped)
    {
        var ineligible = Ineligibility(rule, out var hidden);
        if (hidden)
        {
            return;
        }

        if (ineligible is not null || scoped.Count == 0)
        {
            NotApplied(rule, ineligible ?? Reasons.NothingInScope);
            return;
        }

        var touchableCount = 0;
        string? blocked = null;
        foreach (var i in scoped)
        {
            var lineBlocked = heldByExclusive[i] ? Reasons.HigherExclusiveApplied
                : rule.Exclusive && discount[i] > 0m ? Reasons.ExclusiveAfterOthers
                : null;
            if (lineBlocked is null)
            {
                touchableLines[touchableCount++] = i;
                amounts[i] = 0m;
                capped[i] = false;
            }
            else
            {
                LineNotApplied(i, rule, lineBlocked);
                blocked ??= lineBlocked;
            }
        }

        if (touchableCount == 0)
        {
            NotApplied(rule, blocked!);
            return;
        }

        var touchable = new ArraySegment<int>(touchableLines, 0, touchableCount);

        var kindProblem = rule.Kind switch
        {
            RuleKind.Percentage => PercentOff(rule, touchable),
            RuleKind.Fixed => FixedOff(rule, touchable),
            RuleKind.CartThreshold => ThresholdOff(rule, scoped, touchable),
            RuleKind.BuyXGetY => CheapestUnitsOff(rule, touchable),
            RuleKind.Bundle => BundleOff(rule, touchable),
            _ => throw new InvalidOperationException($"Unhandled rule kind {rule.Kind}."),
        };
        if (kindProblem is not null)
        {
            NotApplied(rule, kindProblem);
            return;
        }

        var anyCapped = ApplyCaps(rule, touchable);
        var given = 0m;
        foreach (var i in touchable)
        {
            var amount = amounts[i];
            if (amount > 0m)
            {
                discount[i] += amount;
                remaining[i] -= amount;
                heldByExclusive[i] |= rule.Exclusive;
                (lineDiscounts[i] ??= []).Add(new AppliedDiscount(rule.Id, rule.Name, rule.KindName, InCurrency(amount)));
                given += amount;
            }
            else if (capped[i])
            {
                LineNotApplied(i, rule, Reasons.CapReached);
            }
        }

        if (given == 0m)
        {
            NotApplied(rule, anyCapped ? Reasons.CapReached : blocked ?? Reasons.NothingLeft);
            return;
        }

        orderDiscount += given;
        cartDiscounts.Add(new AppliedDiscount(rule.Id, rule.Name, rule.KindName, InCurrency(given)));
        if (rule.PromoCode is { } code)
        {
            promoCodesApplied.Add(code);
        }
    }

    private string? PercentOff(CompiledDiscount rule, ArraySegment<int> touchable)
    {
        var fraction = rule.Fraction ?? 0m;
        foreach (var i in touchable)
        {
            amounts[i] = Currencies.Round(Remaining(i) * fraction, currency);
        }

        return null;
    }

    private string? FixedOff(CompiledDiscount rule, ArraySegment<int> touchable)
    {
        var perUnit = rule.Source.AmountOff?.Amount ?? 0m;
        foreach (var i in touchable)
        {
            amounts[i] = Math.Min(Remaining(i), Currencies.Round(perUnit * lines[i].Quantity, currency));
        }

        return null;
    }

    private string? ThresholdOff(CompiledDiscount rule, ArraySegment<int> scoped, ArraySegment<int> touchable)
    {
        // Measured on everything in scope (the customer buys all of it), taken off only what the rule may touch.
        var measured = 0m;
        foreach (var i in scoped)
        {
            measured += Remaining(i);
        }

        var threshold = rule.Source.Threshold?.Amount ?? 0m;
        if (measured < threshold)
        {
            return $"threshold not met: {Format(measured)} of {Format(threshold)}";
        }

        var touchableValue = 0m;
        foreach (var i in touchable)
        {
            touchableValue += Remaining(i);
        }

        var off = rule.Fraction is { } fraction
            ? Currencies.Round(touchableValue * fraction, currency)
            : Math.Min(touchableValue, rule.Source.AmountOff?.Amount ?? 0m);
        SpreadOverRemaining(off, touchable);
        return null;
    }

    private string? CheapestUnitsOff(CompiledDiscount rule, ArraySegment<int> touchable)
    {
        var buy = Math.Max(1, rule.Source.Buy ?? 1);
        var get = Math.Max(1, rule.Source.Get ?? 1);
        var units = 0;
        foreach (var i in touchable)
        {
            units += lines[i].Quantity;
        }

        var freeUnits = units / (buy + get) * get;
        if (freeUnits == 0)
        {
            return $"buy {buy} get {get}: {units} of {buy + get} units in the cart";
        }

        var fraction = rule.Fraction ?? 1m;
        foreach (var i in ByUnitPrice(touchable))
        {
            var free = Math.Min(lines[i].Quantity, freeUnits);
            freeUnits -= free;
            amounts[i] = free == 0 ? 0m : Currencies.Round(Remaining(i) * free / lines[i].Quantity * fraction, currency);
        }

        return null;
    }

    private string? BundleOff(CompiledDiscount rule, ArraySegment<int> touchable)
    {
        var items = rule.BundleItems;
        var byPrice = ByUnitPrice(touchable);
        var bundles = int.MaxValue;
        foreach (var item in items)
        {
            var units = 0;
            foreach (var i in touchable)
            {
                units += CompiledDiscount.BundleItemMatches(item, lines[i]) ? lines[i].Quantity : 0;
            }

            bundles = Math.Min(bundles, units / Math.Max(1, item.Quantity));
        }

        var used = new int[lines.Count];
        while (bundles > 0 && !TryFillBundles(items, bundles, byPrice, used))
        {
            bundles--;
        }

        if (bundles <= 0 || items.Length == 0)
        {
            return Reasons.BundleIncomplete;
        }

        var inBundles = new List<int>(touchable.Count);
        var value = 0m;
        foreach (var i in touchable)
        {
            if (used[i] > 0)
            {
                inBundles.Add(i);
                amounts[i] = Remaining(i) * used[i] / lines[i].Quantity;
                value += amounts[i];
            }
        }

        var off = rule.Source.BundlePrice is { } price
            ? Math.Max(0m, Currencies.Round(value - (bundles * price.Amount), currency))
            : Currencies.Round(value * (rule.Fraction ?? 0m), currency);
        if (off <= 0m)
        {
            return Reasons.BundleNotCheaper;
        }

        MinorUnitMath.Spread(Math.Min(off, Currencies.Round(value, currency)), CollectionsMarshal.AsSpan(inBundles), amounts, amounts, minorUnits);
        return null;
    }

    /// <summary>Takes the cheapest units for each item of <paramref name="bundles"/> bundles; false when some item runs short.</summary>
    private bool TryFillBundles(BundleItem[] items, int bundles, ArraySegment<int> byPrice, int[] used)
    {
        Array.Clear(used);
        foreach (var item in items)
        {
            var needed = bundles * Math.Max(1, item.Quantity);
            foreach (var i in byPrice)
            {
                if (needed == 0)
                {
                    break;
                }

                if (CompiledDiscount.BundleItemMatches(item, lines[i]))
                {
                    var take = Math.Min(lines[i].Quantity - used[i], needed);
                    used[i] += take;
                    needed -= take;
                }
            }

            if (needed > 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The lines cheapest unit first (what is left of the line per unit), ties by line order.</summary>
    private ArraySegment<int> ByUnitPrice(ArraySegment<int> touchable)
    {
        // An insertion sort over keys worked out once: carts are small and this runs per rule.
        for (var k = 0; k < touchable.Count; k++)
        {
            var line = touchable[k];
            var key = Remaining(line) / lines[line].Quantity;
            var at = k;
            while (at > 0 && unitPriceKeys[at - 1] > key)
            {
                unitPriceKeys[at] = unitPriceKeys[at - 1];
                orderedLines[at] = orderedLines[at - 1];
                at--;
            }

            unitPriceKeys[at] = key;
            orderedLines[at] = line;
        }

        return new ArraySegment<int>(orderedLines, 0, touchable.Count);
    }

    private void SpreadOverRemaining(decimal total, ArraySegment<int> touchable)
    {
        foreach (var i in touchable)
        {
            amounts[i] = Remaining(i);
        }

        MinorUnitMath.Spread(total, touchable, amounts, amounts, minorUnits);
    }

    /// <summary>Holds the rule's amounts to every limit that applies; true when any limit cut something.</summary>
    private bool ApplyCaps(CompiledDiscount rule, ArraySegment<int> touchable)
    {
        var source = rule.Source;
        var anyCapped = false;
        var sum = 0m;
        foreach (var i in touchable)
        {
            var amount = Math.Min(amounts[i], Remaining(i));
            var limit = source.MaxPerLine?.Amount ?? decimal.MaxValue;
            if (rule.CombinedCapFraction is { } combined)
            {
                limit = Math.Min(limit, MinorUnitMath.Floor(listTotal[i] * combined, minorUnits) - discount[i]);
            }

            if (lineLimit is not null)
            {
                limit = Math.Min(limit, lineLimit[i] - discount[i]);
            }

            if (amount > limit)
            {
                amount = Math.Max(0m, limit);
                capped[i] = true;
                anyCapped = true;
            }

            amounts[i] = amount;
            sum += amount;
        }

        var orderCap = source.MaxPerOrder?.Amount ?? decimal.MaxValue;
        if (orderLimit is { } limitOfOrder)
        {
            orderCap = Math.Min(orderCap, Math.Max(0m, limitOfOrder - orderDiscount));
        }

        if (sum > orderCap && orderCap == 0m)
        {
            foreach (var i in touchable)
            {
                capped[i] |= amounts[i] > 0m;
                amounts[i] = 0m;
            }

            anyCapped = true;
        }
        else if (sum > orderCap)
        {
            var before = touchable.Select(i => amounts[i]).ToArray();
            MinorUnitMath.Spread(orderCap, touchable, amounts, amounts, minorUnits);
            for (var k = 0; k < touchable.Count; k++)
            {
                capped[touchable[k]] |= amounts[touchable[k]] < before[k];
            }

            anyCapped = true;
        }

        return anyCapped;
    }

    private void NotApplied(CompiledDiscount rule, string reason) => notApplied.Add(new RuleNotApplied(rule.Id, rule.Name, reason));

    private void LineNotApplied(int line, CompiledDiscount rule, string reason) =>
        (lineNotApplied[line] ??= []).Add(new RuleNotApplied(rule.Id, rule.Name, reason));

    private PricedCart Result()
    {
        var pricedLines = new PricedLine[lines.Count];
        var sellerIds = new List<Guid>();
        var sellerPosition = new Dictionary<Guid, int>();
        var sellerSums = new List<(decimal List, decimal Discount)>();
        var total = 0m;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var lineTotal = listTotal[i] - discount[i];
            total += lineTotal;
            pricedLines[i] = new PricedLine
            {
                LineId = line.LineId,
                OfferId = line.OfferId,
                SellerId = line.SellerId,
                Quantity = line.Quantity,
                UnitListPrice = InCurrency(line.UnitListPrice.Amount),
                ListTotal = InCurrency(listTotal[i]),
                Discounts = (IReadOnlyList<AppliedDiscount>?)lineDiscounts[i] ?? [],
                Discount = InCurrency(discount[i]),
                Total = InCurrency(lineTotal),
                RulesNotApplied = (IReadOnlyList<RuleNotApplied>?)lineNotApplied[i] ?? [],
            };
            if (!sellerPosition.TryGetValue(line.SellerId, out var position))
            {
                position = sellerPosition[line.SellerId] = sellerIds.Count;
                sellerIds.Add(line.SellerId);
                sellerSums.Add((0m, 0m));
            }

            sellerSums[position] = (sellerSums[position].List + listTotal[i], sellerSums[position].Discount + discount[i]);
        }

        var orderFreeDelivery = FreeDeliveryForOrder(total);
        var sellers = new SellerGroupPrice[sellerIds.Count];
        for (var s = 0; s < sellers.Length; s++)
        {
            var (list, off) = sellerSums[s];
            sellers[s] = new SellerGroupPrice
            {
                SellerId = sellerIds[s],
                Subtotal = InCurrency(list),
                Discount = InCurrency(off),
                Total = InCurrency(list - off),
                FreeDelivery = FreeDeliveryForSeller(sellerIds[s], list - off, orderFreeDelivery),
            };
        }

        return new PricedCart
        {
            Currency = currency,
            Lines = pricedLines,
            Sellers = sellers,
            Subtotal = InCurrency(orderList),
            Discount = InCurrency(orderDiscount),
            Total = InCurrency(total),
            Discounts = cartDiscounts,
            OrderFreeDelivery = orderFreeDelivery,
            PromoCodes = PromoCodeOutcomes(),
            RulesNotApplied = notApplied,
        };
    }

    private FreeDeliveryStatus? FreeDeliveryForOrder(decimal orderTotal)
    {
        FreeDeliveryStatus? best = null;
        foreach (var rule in index.FreeDelivery)
        {
            var source = rule.Source;
            var problem = !string.Equals(source.Threshold.Currency, currency, StringComparison.OrdinalIgnoreCase)
                ? Reasons.OtherCurrency(source.Threshold.Currency, currency)
                : !InWindow(source.Window) ? Reasons.OutsideWindow
                : !InSegment(source.Segment) ? Reasons.NotInSegment
                : null;
            if (problem is not null)
            {
                notApplied.Add(new RuleNotApplied(source.Id, source.Name, problem));
            }
            else if (rule.WholeOrder)
            {
                best = Nearer(best, Status(source, orderTotal));
            }
        }

        return best;
    }

    private FreeDeliveryStatus? FreeDeliveryForSeller(Guid sellerId, decimal sellerTotal, FreeDeliveryStatus? order)
    {
        var best = order;
        foreach (var rule in index.FreeDelivery)
        {
            var source = rule.Source;
            if (!rule.WholeOrder && rule.CoversSeller(sellerId)
                && string.Equals(source.Threshold.Currency, currency, StringComparison.OrdinalIgnoreCase)
                && InWindow(source.Window) && InSegment(source.Segment))
            {
                best = Nearer(best, Status(source, sellerTotal));
            }
        }

        return best;
    }

    private FreeDeliveryStatus Status(FreeDeliveryRule rule, decimal value)
    {
        var threshold = rule.Threshold.Amount;
        var met = value >= threshold;
        return new FreeDeliveryStatus(rule.Id, rule.Name, InCurrency(threshold), met, InCurrency(met ? 0m : threshold - value));
    }

    /// <summary>The status to publish: a met threshold over an unmet one, then the lower threshold or the smaller gap.</summary>
    private static FreeDeliveryStatus? Nearer(FreeDeliveryStatus? current, FreeDeliveryStatus candidate)
    {
        if (current is null || (candidate.Met && !current.Met))
        {
            return candidate;
        }

        if (candidate.Met != current.Met)
        {
            return current;
        }

        var better = candidate.Met
            ? candidate.Threshold.Amount < current.Threshold.Amount
            : candidate.Missing.Amount < current.Missing.Amount;
        return better ? candidate : current;
    }

    private List<PromoCodeOutcome> PromoCodeOutcomes()
    {
        var outcomes = new List<PromoCodeOutcome>();
        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var usage in request.PromoCodes ?? [])
        {
            var code = usage.Code?.Trim();
            if (string.IsNullOrEmpty(code) || !reported.Add(code))
            {
                continue;
            }

            var problem = promoCodeProblems[code];
            outcomes.Add(problem is not null ? new PromoCodeOutcome(usage.Code!, false, problem)
                : promoCodesApplied.Contains(code) ? new PromoCodeOutcome(usage.Code!, true, null)
                : new PromoCodeOutcome(usage.Code!, false, FirstReasonOfCode(code)));
        }

        return outcomes;
    }

    private string FirstReasonOfCode(string code)
    {
        if (!index.RulesByPromoCode.TryGetValue(code, out var ranks))
        {
            return Reasons.PromoCodeUnused;
        }

        var ruleIds = ranks.Select(rank => index.Discounts[rank].Id).ToHashSet(StringComparer.Ordinal);
        return notApplied.FirstOrDefault(n => ruleIds.Contains(n.RuleId))?.Reason ?? Reasons.NothingInScope;
    }
}
