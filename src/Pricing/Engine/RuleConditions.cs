namespace Marketplace.Pricing.Engine;

/// <summary>
/// Whether a rule's time window and customer segment hold for this customer at this instant. Discounts and free
/// delivery ask the same questions, so they get the same answers and the same words.
/// </summary>
internal sealed class RuleConditions(DateTimeOffset now, PricingCustomer customer, IReadOnlyDictionary<string, HashSet<Guid>> customerLists)
{
    /// <summary>
    /// Why a rule with this window and segment cannot apply, or null when it can. A promo-code problem, when there is
    /// one, ranks after the window and before the segment.
    /// </summary>
    public string? WhyNot(TimeWindow? window, string? promoCodeProblem, CustomerSegment? segment)
    {
        if (!InWindow(window))
        {
            return Reasons.OutsideWindow;
        }

        if (promoCodeProblem is not null)
        {
            return promoCodeProblem;
        }

        return InSegment(segment) ? null : Reasons.NotInSegment;
    }

    private bool InWindow(TimeWindow? window) =>
        window is null || ((window.From is not { } from || now >= from) && (window.To is not { } to || now < to));

    private bool InSegment(CustomerSegment? segment)
    {
        if (segment is null)
        {
            return true;
        }

        if ((segment.NewCustomer is { } isNew && customer.NewCustomer != isNew)
            || (segment.SignedIn is { } signedIn && customer.SignedIn != signedIn))
        {
            return false;
        }

        if (segment.CustomerLists is not { Count: > 0 } lists)
        {
            return true;
        }

        if (customer.CustomerId is not { } id)
        {
            return false;
        }

        // A loop, not Any with a lambda: this runs once per rule, and the lambda would allocate each time.
        for (var k = 0; k < lists.Count; k++)
        {
            if (customerLists.TryGetValue(lists[k], out var members) && members.Contains(id))
            {
                return true;
            }
        }

        return false;
    }
}
