namespace Marketplace.Payments.Payouts;

/// <summary>
/// Where a seller is paid: its connected account at the provider (Stripe: an Express account), and whether the provider
/// last said it can take transfers. Read again from the provider whenever the seller asks, and by the payout run for a
/// seller whose money waits on it, so a seller who finishes onboarding is paid on the next run.
/// </summary>
internal sealed class SellerPayoutAccount
{
    public const int MaxAccountIdLength = 100;
    public const int MaxRequirementsLength = 2000;

    public Guid SellerId { get; set; }

    /// <summary>The provider the account is at; a payout goes through the provider that took the payment.</summary>
    public string Provider { get; set; } = "";

    public string AccountId { get; set; } = "";

    public bool ChargesEnabled { get; set; }

    public bool PayoutsEnabled { get; set; }

    /// <summary>Whether the account's transfers capability is active: without it the provider refuses a transfer.</summary>
    public bool TransfersActive { get; set; }

    /// <summary>What the provider still needs from the seller (Stripe's <c>requirements.currently_due</c>), comma-separated.</summary>
    public string RequirementsDue { get; set; } = "";

    /// <summary><see cref="RequirementsDue"/> as a list.</summary>
    public IReadOnlyList<string> RequirementsDueList => RequirementsDue.Length == 0 ? [] : RequirementsDue.Split(',');

    /// <summary>Paid by the payout run: transfers are accepted and reach the seller's bank.</summary>
    public bool Ready { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the provider was last asked.</summary>
    public DateTimeOffset CheckedAt { get; set; }

    /// <summary>Takes what the provider says of the account now.</summary>
    public void Apply(Providers.ProviderSellerAccount answer, DateTimeOffset at)
    {
        AccountId = answer.AccountId;
        ChargesEnabled = answer.ChargesEnabled;
        PayoutsEnabled = answer.PayoutsEnabled;
        TransfersActive = answer.TransfersActive;
        var due = string.Join(',', answer.RequirementsDue);
        RequirementsDue = due.Length <= MaxRequirementsLength ? due : due[..MaxRequirementsLength];
        Ready = answer.Ready;
        CheckedAt = at;
    }
}

/// <summary>
/// One transfer of a seller order's share less commission to its seller: at most one per seller order (the order is the
/// key), made under the provider idempotency key <c>payout:{orderId}</c> and booked with the ledger key of the same name.
/// </summary>
internal sealed class Payout
{
    public const int MaxReferenceLength = 100;

    public Guid OrderId { get; set; }

    public Guid SellerId { get; set; }

    public Guid OrderGroupId { get; set; }

    public Guid PaymentId { get; set; }

    public long AmountMinor { get; set; }

    public string Currency { get; set; } = "";

    public string Provider { get; set; } = "";

    /// <summary>The seller's account it went to.</summary>
    public string Destination { get; set; } = "";

    /// <summary>The provider's id of the transfer (Stripe: <c>tr_…</c>).</summary>
    public string TransferReference { get; set; } = "";

    public DateTimeOffset PaidAt { get; set; }

    /// <summary>The key of the order's payout in the ledger, and of its first transfer attempt at the provider.</summary>
    public static string KeyOf(Guid orderId) => $"payout:{orderId}";

    /// <summary>
    /// The provider's idempotency key of the order's transfer after <paramref name="refusals"/> refusals: the first
    /// attempt's is <see cref="KeyOf"/>, each later one its own (<see cref="Escrow.EscrowOrder.PayoutAttempt"/>).
    /// </summary>
    public static string TransferKeyOf(Guid orderId, int refusals) => refusals == 0 ? KeyOf(orderId) : $"{KeyOf(orderId)}:retry-{refusals}";
}
