namespace Marketplace.Ordering.Refunds;

/// <summary>What the refund routes promise, said once for the seller's route and the staff's.</summary>
internal static class RefundWords
{
    public const string Issue =
        "Send either lines (lineId and quantity, at most the units bought and not refunded yet; they cost the line's price per unit after discounts) " +
        "or an amount (at most what is not refunded yet of the order's total, delivery included). Idempotency-Key is required (400 without it): the same key " +
        "and body answer the first answer again and refund nothing more; the same key with another body is 422. Concurrent refunds of the same units refund them once, " +
        "and no refund exceeds what was captured. 201 with the refund once the payment provider gave the money back (the customer is mailed); 400 naming the field " +
        "when a line, quantity or amount is above what is left; 409 when the order is not paid for yet (placed: reject or cancel it instead), is cancelled (its " +
        "cancellation refunds it), or its payment could not be refunded (nothing is counted then).";
}
