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
    private readonly PricingRequest _request;
    private readonly RuleIndex _index;
    private readonly DateTimeOffset _now;
    private readonly IReadOnlyList<PricingLine> _lines;
    private readonly string _currency;
    private readonly int _minorUnits;
    private readonly decimal[] _listTotal;
    private readonly decimal[] _discount;

    // List total less discount, kept alongside because every rule reads it for every line.
    private readonly decimal[] _remaining;
    private readonly bool[] _heldByExclusive;
    private readonly List<AppliedDiscount>?[] _lineDiscounts;
    private readonly List<RuleNotApplied>?[] _lineNotApplied;
    private readonly decimal[] _amounts;
    private readonly bool[] _capped;

    // Scratch space reused by every rule of this run.
    private readonly int[] _touchableLines;
    private readonly int[] _orderedLines;
    private readonly decimal[] _unitPriceKeys;
    private readonly List<AppliedDiscount> _cartDiscounts = [];
    private readonly List<RuleNotApplied> _notApplied = [];
    private readonly Dictionary<string, string?> _promoCodeProblems = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _promoCodesApplied = new(StringComparer.OrdinalIgnoreCase);
    private readonly decimal _orderList;

    // The document's limits in money, worked out once per cart rather than once per rule and line.
    private readonly decimal[]? _lineLimit;
    private readonly decimal? _orderLimit;
    private decimal _orderDiscount;

    public PricingRun(PricingRequest request, RuleIndex index, DateTimeOffset now)
    {
        if (!Currencies.IsSupported(request.Currency))
        {
            throw new ArgumentException($"Unsupported currency '{request.Currency}'.", nameof(request));
        }

        _request = request;
        _index = index;
        _now = now;
        _lines = request.Lines ?? [];
        _currency = Currencies.Normalize(request.Currency);
        _minorUnits = Currencies.MinorUnitsOf(_currency);
        var count = _lines.Count;
        _listTotal = new decimal[count];
        _discount = new decimal[count];
        _remaining = new decimal[count];
        _heldByExclusive = new bool[count];
        _lineDiscounts = new List<AppliedDiscount>?[count];
        _lineNotApplied = new List<RuleNotApplied>?[count];
        _amounts = new decimal[count];
        _capped = new bool[count];
        _touchableLines = new int[count];
        _orderedLines = new int[count];
        _unitPriceKeys = new decimal[count];
        for (var i = 0; i < count; i++)
        {
            var line = _lines[i];
            if (!string.Equals(line.UnitListPrice.Currency, _currency, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Line {line.LineId} is priced in {line.UnitListPrice.Currency}, the cart in {_currency}.", nameof(request));
            }

            if (line.Quantity < 1 || line.UnitListPrice.Amount < 0m)
            {
                throw new ArgumentException($"Line {line.LineId} needs at least one unit and a price that is not negative.", nameof(request));
            }

            _listTotal[i] = Currencies.Round(line.UnitListPrice.Amount * line.Quantity, _currency);
            _remaining[i] = _listTotal[i];
            _orderList += _listTotal[i];
        }

        if (index.Limits?.MaxLineDiscountPercent is { } linePercent)
        {
            _lineLimit = _listTotal.Select(list => MinorUnitMath.Floor(list * linePercent / 100m, _minorUnits)).ToArray();
        }

        if (index.Limits?.MaxOrderDiscountPercent is { } orderPercent)
        {
            _orderLimit = MinorUnitMath.Floor(_orderList * orderPercent / 100m, _minorUnits);
        }
    }

    public PricedCart Price()
    {
        CheckPromoCodes();
        var (scopeStart, scopeLines) = LinesInScope();
        for (var rank = 0; rank < _index.Discounts.Length; rank++)
        {
            var rule = _index.Discounts[rank];
            var scoped = new ArraySegment<int>(scopeLines, scopeStart[rank], scopeStart[rank + 1] - scopeStart[rank]);

            // A rule with nothing in scope is mentioned only when the customer typed its code, to say why it gave nothing.
            if (scoped.Count > 0 || (rule.PromoCode is { } code && _promoCodeProblems.ContainsKey(code)))
            {
                Apply(rule, scoped);
            }
        }

        return Result();
    }

    private decimal Remaining(int line) => _remaining[line];

    private string Format(decimal amount) => amount.ToString("N" + _minorUnits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private Money InCurrency(decimal amount) => new(amount, _currency);

    private void CheckPromoCodes()
    {
        foreach (var usage in _request.PromoCodes ?? [])
        {
            var code = usage.Code?.Trim();
            if (string.IsNullOrEmpty(code) || _promoCodeProblems.ContainsKey(code))
            {
                continue;
            }

            _promoCodeProblems[code] = PromoCodeProblem(code, usage);
        }
    }

    private string? PromoCodeProblem(string code, PromoCodeUsage usage)
    {
        if (!_index.PromoCodes.TryGetValue(code, out var promo))
        {
            return Reasons.UnknownPromoCode;
        }

        if (promo.Window?.From is { } from && _now < from)
        {
            return Reasons.PromoCodeNotYetValid;
        }

        if (promo.Window?.To is { } to && _now >= to)
        {
            return Reasons.PromoCodeExpired;
        }

        if (promo.MaxUses is { } maxUses && usage.TimesUsed >= maxUses)
        {
            return Reasons.UsageLimitReached;
        }

        if (promo.MaxUsesPerCustomer is { } perCustomer)
        {
            if (_request.Customer?.CustomerId is null)
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
        var rules = _index.Discounts;
        var start = new int[rules.Length + 1];
        var lastSeenOnLine = new int[rules.Length];
        var candidates = new List<int>(64);
        var matched = new List<int>(_lines.Count * 8);
        var lineEnds = new int[_lines.Count];
        for (var i = 0; i < _lines.Count; i++)
        {
            candidates.Clear();
            _index.CollectCandidates(_lines[i], candidates);
            candidates.AddRange(_index.Unscoped);
            foreach (var rank in candidates)
            {
                if (lastSeenOnLine[rank] == i + 1)
                {
                    continue;
                }

                lastSeenOnLine[rank] = i + 1;
                // A rule scoped by one dimension matches every line its index led to; only the others need checking.
                if (!rules[rank].NeedsMatching || rules[rank].Matches(_lines[i]))
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
        for (var i = 0; i < _lines.Count; i++)
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
        if (rule.PromoCode is { } code && !_promoCodeProblems.TryGetValue(code, out codeProblem))
        {
            // A rule behind a code nobody entered stays unmentioned: the explanation must not leak promo codes.
            hidden = true;
            return null;
        }

        if (rule.Currency is { } ruleCurrency && ruleCurrency != _currency)
        {
            return Reasons.OtherCurrency(ruleCurrency, _currency);
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
        window is null || ((window.From is not { } from || _now >= from) && (window.To is not { } to || _now < to));

    private bool InSegment(CustomerSegment? segment)
    {
        if (segment is null)
        {
            return true;
        }

        var customer = _request.Customer ?? PricingCustomer.Guest;
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
            && lists.Any(list => _index.CustomerLists.TryGetValue(list, out var members) && members.Contains(id));
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
            var lineBlocked = _heldByExclusive[i] ? Reasons.HigherExclusiveApplied
                : rule.Exclusive && _discount[i] > 0m ? Reasons.ExclusiveAfterOthers
                : null;
            if (lineBlocked is null)
            {
                _touchableLines[touchableCount++] = i;
                _amounts[i] = 0m;
                _capped[i] = false;
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

        var touchable = new ArraySegment<int>(_touchableLines, 0, touchableCount);

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
            var amount = _amounts[i];
            if (amount > 0m)
            {
                _discount[i] += amount;
                _remaining[i] -= amount;
                _heldByExclusive[i] |= rule.Exclusive;
                (_lineDiscounts[i] ??= []).Add(new AppliedDiscount(rule.Id, rule.Name, rule.KindName, InCurrency(amount)));
                given += amount;
            }
            else if (_capped[i])
            {
                LineNotApplied(i, rule, Reasons.CapReached);
            }
        }

        if (given == 0m)
        {
            NotApplied(rule, anyCapped ? Reasons.CapReached : blocked ?? Reasons.NothingLeft);
            return;
        }

        _orderDiscount += given;
        _cartDiscounts.Add(new AppliedDiscount(rule.Id, rule.Name, rule.KindName, InCurrency(given)));
        if (rule.PromoCode is { } code)
        {
            _promoCodesApplied.Add(code);
        }
    }

    private string? PercentOff(CompiledDiscount rule, ArraySegment<int> touchable)
    {
        var fraction = rule.Fraction ?? 0m;
        foreach (var i in touchable)
        {
            _amounts[i] = Currencies.Round(Remaining(i) * fraction, _currency);
        }

        return null;
    }

    private string? FixedOff(CompiledDiscount rule, ArraySegment<int> touchable)
    {
        var perUnit = rule.Source.AmountOff?.Amount ?? 0m;
        foreach (var i in touchable)
        {
            _amounts[i] = Math.Min(Remaining(i), Currencies.Round(perUnit * _lines[i].Quantity, _currency));
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
            ? Currencies.Round(touchableValue * fraction, _currency)
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
            units += _lines[i].Quantity;
        }

        var freeUnits = units / (buy + get) * get;
        if (freeUnits == 0)
        {
            return $"buy {buy} get {get}: {units} of {buy + get} units in the cart";
        }

        var fraction = rule.Fraction ?? 1m;
        foreach (var i in ByUnitPrice(touchable))
        {
            var free = Math.Min(_lines[i].Quantity, freeUnits);
            freeUnits -= free;
            _amounts[i] = free == 0 ? 0m : Currencies.Round(Remaining(i) * free / _lines[i].Quantity * fraction, _currency);
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
                units += CompiledDiscount.BundleItemMatches(item, _lines[i]) ? _lines[i].Quantity : 0;
            }

            bundles = Math.Min(bundles, units / Math.Max(1, item.Quantity));
        }

        var used = new int[_lines.Count];
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
                _amounts[i] = Remaining(i) * used[i] / _lines[i].Quantity;
                value += _amounts[i];
            }
        }

        var off = rule.Source.BundlePrice is { } price
            ? Math.Max(0m, Currencies.Round(value - (bundles * price.Amount), _currency))
            : Currencies.Round(value * (rule.Fraction ?? 0m), _currency);
        if (off <= 0m)
        {
            return Reasons.BundleNotCheaper;
        }

        MinorUnitMath.Spread(Math.Min(off, Currencies.Round(value, _currency)), CollectionsMarshal.AsSpan(inBundles), _amounts, _amounts, _minorUnits);
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

                if (CompiledDiscount.BundleItemMatches(item, _lines[i]))
                {
                    var take = Math.Min(_lines[i].Quantity - used[i], needed);
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
            var key = Remaining(line) / _lines[line].Quantity;
            var at = k;
            while (at > 0 && _unitPriceKeys[at - 1] > key)
            {
                _unitPriceKeys[at] = _unitPriceKeys[at - 1];
                _orderedLines[at] = _orderedLines[at - 1];
                at--;
            }

            _unitPriceKeys[at] = key;
            _orderedLines[at] = line;
        }

        return new ArraySegment<int>(_orderedLines, 0, touchable.Count);
    }

    private void SpreadOverRemaining(decimal total, ArraySegment<int> touchable)
    {
        foreach (var i in touchable)
        {
            _amounts[i] = Remaining(i);
        }

        MinorUnitMath.Spread(total, touchable, _amounts, _amounts, _minorUnits);
    }

    /// <summary>Holds the rule's amounts to every limit that applies; true when any limit cut something.</summary>
    private bool ApplyCaps(CompiledDiscount rule, ArraySegment<int> touchable)
    {
        var source = rule.Source;
        var anyCapped = false;
        var sum = 0m;
        foreach (var i in touchable)
        {
            var amount = Math.Min(_amounts[i], Remaining(i));
            var limit = source.MaxPerLine?.Amount ?? decimal.MaxValue;
            if (rule.CombinedCapFraction is { } combined)
            {
                limit = Math.Min(limit, MinorUnitMath.Floor(_listTotal[i] * combined, _minorUnits) - _discount[i]);
            }

            if (_lineLimit is not null)
            {
                limit = Math.Min(limit, _lineLimit[i] - _discount[i]);
            }

            if (amount > limit)
            {
                amount = Math.Max(0m, limit);
                _capped[i] = true;
                anyCapped = true;
            }

            _amounts[i] = amount;
            sum += amount;
        }

        var orderCap = source.MaxPerOrder?.Amount ?? decimal.MaxValue;
        if (_orderLimit is { } limitOfOrder)
        {
            orderCap = Math.Min(orderCap, Math.Max(0m, limitOfOrder - _orderDiscount));
        }

        if (sum > orderCap && orderCap == 0m)
        {
            foreach (var i in touchable)
            {
                _capped[i] |= _amounts[i] > 0m;
                _amounts[i] = 0m;
            }

            anyCapped = true;
        }
        else if (sum > orderCap)
        {
            var before = touchable.Select(i => _amounts[i]).ToArray();
            MinorUnitMath.Spread(orderCap, touchable, _amounts, _amounts, _minorUnits);
            for (var k = 0; k < touchable.Count; k++)
            {
                _capped[touchable[k]] |= _amounts[touchable[k]] < before[k];
            }

            anyCapped = true;
        }

        return anyCapped;
    }

    private void NotApplied(CompiledDiscount rule, string reason) => _notApplied.Add(new RuleNotApplied(rule.Id, rule.Name, reason));

    private void LineNotApplied(int line, CompiledDiscount rule, string reason) =>
        (_lineNotApplied[line] ??= []).Add(new RuleNotApplied(rule.Id, rule.Name, reason));

    private PricedCart Result()
    {
        var pricedLines = new PricedLine[_lines.Count];
        var sellerIds = new List<Guid>();
        var sellerPosition = new Dictionary<Guid, int>();
        var sellerSums = new List<(decimal List, decimal Discount)>();
        var total = 0m;
        for (var i = 0; i < _lines.Count; i++)
        {
            var line = _lines[i];
            var lineTotal = _listTotal[i] - _discount[i];
            total += lineTotal;
            pricedLines[i] = new PricedLine
            {
                LineId = line.LineId,
                OfferId = line.OfferId,
                SellerId = line.SellerId,
                Quantity = line.Quantity,
                UnitListPrice = InCurrency(line.UnitListPrice.Amount),
                ListTotal = InCurrency(_listTotal[i]),
                Discounts = (IReadOnlyList<AppliedDiscount>?)_lineDiscounts[i] ?? [],
                Discount = InCurrency(_discount[i]),
                Total = InCurrency(lineTotal),
                RulesNotApplied = (IReadOnlyList<RuleNotApplied>?)_lineNotApplied[i] ?? [],
            };
            if (!sellerPosition.TryGetValue(line.SellerId, out var position))
            {
                position = sellerPosition[line.SellerId] = sellerIds.Count;
                sellerIds.Add(line.SellerId);
                sellerSums.Add((0m, 0m));
            }

            sellerSums[position] = (sellerSums[position].List + _listTotal[i], sellerSums[position].Discount + _discount[i]);
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
            Currency = _currency,
            Lines = pricedLines,
            Sellers = sellers,
            Subtotal = InCurrency(_orderList),
            Discount = InCurrency(_orderDiscount),
            Total = InCurrency(total),
            Discounts = _cartDiscounts,
            OrderFreeDelivery = orderFreeDelivery,
            PromoCodes = PromoCodeOutcomes(),
            RulesNotApplied = _notApplied,
        };
    }

    private FreeDeliveryStatus? FreeDeliveryForOrder(decimal orderTotal)
    {
        FreeDeliveryStatus? best = null;
        foreach (var rule in _index.FreeDelivery)
        {
            var source = rule.Source;
            var problem = !string.Equals(source.Threshold.Currency, _currency, StringComparison.OrdinalIgnoreCase)
                ? Reasons.OtherCurrency(source.Threshold.Currency, _currency)
                : !InWindow(source.Window) ? Reasons.OutsideWindow
                : !InSegment(source.Segment) ? Reasons.NotInSegment
                : null;
            if (problem is not null)
            {
                _notApplied.Add(new RuleNotApplied(source.Id, source.Name, problem));
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
        foreach (var rule in _index.FreeDelivery)
        {
            var source = rule.Source;
            if (!rule.WholeOrder && rule.CoversSeller(sellerId)
                && string.Equals(source.Threshold.Currency, _currency, StringComparison.OrdinalIgnoreCase)
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
        foreach (var usage in _request.PromoCodes ?? [])
        {
            var code = usage.Code?.Trim();
            if (string.IsNullOrEmpty(code) || !reported.Add(code))
            {
                continue;
            }

            var problem = _promoCodeProblems[code];
            outcomes.Add(problem is not null ? new PromoCodeOutcome(usage.Code!, false, problem)
                : _promoCodesApplied.Contains(code) ? new PromoCodeOutcome(usage.Code!, true, null)
                : new PromoCodeOutcome(usage.Code!, false, FirstReasonOfCode(code)));
        }

        return outcomes;
    }

    private string FirstReasonOfCode(string code)
    {
        if (!_index.RulesByPromoCode.TryGetValue(code, out var ranks))
        {
            return Reasons.PromoCodeUnused;
        }

        var ruleIds = ranks.Select(rank => _index.Discounts[rank].Id).ToHashSet(StringComparer.Ordinal);
        return _notApplied.FirstOrDefault(n => ruleIds.Contains(n.RuleId))?.Reason ?? Reasons.NothingInScope;
    }
}
