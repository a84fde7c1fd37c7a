namespace Marketplace.Delivery.Carriers.Cdek;

/// <summary>
/// The CDEK API v2 adapter's settings, section <c>Delivery:Carriers:Cdek</c>. The carrier is registered only when
/// <see cref="BaseUrl"/>, <see cref="ClientId"/> and <see cref="ClientSecret"/> are all set.
/// </summary>
internal sealed class CdekOptions
{
    public const string Section = "Delivery:Carriers:Cdek";

    /// <summary>The API root, with its version: <c>https://api.cdek.ru/v2</c>, or <c>https://api.edu.cdek.ru/v2</c> to test.</summary>
    public Uri? BaseUrl { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>How long one HTTP attempt may take before it counts as failed (and, for a call safe to repeat, is retried).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one call may take with all its retries.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a call safe to repeat (reads, the token, the tariff calculator, deletion) after a transient failure.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; later ones back off exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The share of failed calls in <see cref="BreakerSamplingDuration"/> that opens the circuit.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls in the sampling window before the breaker judges at all.</summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open (every call fails at once, quotes drop CDEK) before one call tries again.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A token is renewed this long before CDEK says it expires, so no call starts with a token about to die.</summary>
    public TimeSpan TokenRenewalMargin { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long booking waits for CDEK to accept an order (it is asynchronous) and for its label.</summary>
    public TimeSpan OrderDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Pause between two reads of an order or a label being made.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>CDEK tariff codes offered to customers; every tariff CDEK answers with when empty.</summary>
    public List<int> Tariffs { get; set; } = [];

    /// <summary>Where sellers' parcels leave from (CDEK prices from it): ISO country code.</summary>
    public string FromCountryCode { get; set; } = "RU";

    public string? FromPostalCode { get; set; }

    public string? FromCity { get; set; }

    /// <summary>The CDEK office parcels are dropped at, for tariffs that start at a warehouse.</summary>
    public string? ShipmentPoint { get; set; }

    /// <summary>The sender CDEK prints on the label and calls.</summary>
    public string SenderCompany { get; set; } = "Marketplace";

    public string? SenderName { get; set; }

    public string? SenderPhone { get; set; }

    /// <summary>Heaviest package, in grams, and longest side, in mm: parcels are packed to these before they are priced.</summary>
    public int MaxPackageWeightGrams { get; set; } = 30_000;

    public int MaxPackageSideMm { get; set; } = 1_500;

    /// <summary>CDEK's volumetric divisor in cm³ per kg.</summary>
    public int VolumetricDivisor { get; set; } = 5_000;

    /// <summary>Whether a seller group that qualifies for free delivery gets CDEK's options free, as the rules' services do.</summary>
    public bool FreeDeliveryEligible { get; set; } = true;

    /// <summary>Most pickup points one listing answers.</summary>
    public int MaxPickupPoints { get; set; } = 100;

    /// <summary>
    /// The secret last segment of the webhook address CDEK is subscribed with
    /// (<c>/api/v1/delivery/webhooks/cdek/{secret}</c>). CDEK signs nothing and sends no header of ours, so this
    /// unguessable path is what authenticates its calls; at least <see cref="MinWebhookSecretLength"/> characters.
    /// Unset, the webhook answers 404 to every call and tracking relies on polling.
    /// </summary>
    public string? WebhookSecret { get; set; }

    public const int MinWebhookSecretLength = 32;

    public bool IsConfigured => BaseUrl is not null && !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);

    /// <summary>Polly's own minimums apply to the breaker (throughput 2, windows 500 ms) and timeouts (10 ms).</summary>
    public bool IsValid =>
        Timeout >= TimeSpan.FromMilliseconds(10) && TotalTimeout >= Timeout && MaxRetries is >= 0 and <= 10 && RetryDelay > TimeSpan.Zero
        && BreakerFailureRatio is > 0 and <= 1 && BreakerMinimumThroughput >= 2
        && BreakerSamplingDuration >= TimeSpan.FromMilliseconds(500) && BreakDuration >= TimeSpan.FromMilliseconds(500)
        && TokenRenewalMargin >= TimeSpan.Zero && OrderDeadline > TimeSpan.Zero && PollInterval > TimeSpan.Zero
        && MaxPackageWeightGrams > 0 && MaxPackageSideMm > 0 && VolumetricDivisor > 0 && MaxPickupPoints > 0
        && !string.IsNullOrWhiteSpace(FromCountryCode)
        && (WebhookSecret is null || (WebhookSecret.Length >= MinWebhookSecretLength && WebhookSecret.All(char.IsAsciiLetterOrDigit)));
}
