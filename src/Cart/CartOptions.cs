namespace Marketplace.Cart;

/// <summary>Limits of the cart, bound from the <c>Cart</c> configuration section.</summary>
internal sealed class CartOptions
{
    /// <summary>How long a customer's cart lives after its last change; every change starts the period again.</summary>
    public TimeSpan IdleTimeToLive { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a guest cart lives after its last change. Short, because anyone can make guest carts: the shopper who
    /// signs in keeps the cart by merging it, and one who comes back later starts again.
    /// </summary>
    public TimeSpan GuestIdleTimeToLive { get; set; } = TimeSpan.FromDays(2);

    /// <summary>
    /// Most guest carts the in-process store (embedded profile) admits. When full, expired carts are swept out, and if
    /// none are, a new guest cart is refused (503) while existing carts keep working: evicting a live cart would lose a
    /// shopper's lines without a word, and would let whoever makes carts fastest push everyone else's out. A customer's
    /// cart is always admitted, so a flood of anonymous tokens cannot lock signed-in shoppers out.
    /// </summary>
    public int MaxMemoryCarts { get; set; } = 100_000;

    /// <summary>Most units of one offer a cart line may hold.</summary>
    public int MaxQuantityPerLine { get; set; } = 99;

    /// <summary>Most lines (distinct offers) one cart may hold.</summary>
    public int MaxLines { get; set; } = 100;

    /// <summary>Most promo codes one cart may carry at once.</summary>
    public int MaxPromoCodes { get; set; } = 5;

    /// <summary>Longest promo code accepted.</summary>
    public int MaxPromoCodeLength { get; set; } = 32;

    /// <summary>How long a merged guest token is remembered, so that repeating the merge answers the same.</summary>
    public TimeSpan MergedTokenMemory { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long a placed order is remembered: its promo-code uses (so recording the order twice counts once, and a
    /// release finds what to give back) and its removal from the cart (so removing it twice removes once).
    /// </summary>
    public TimeSpan RecordedOrderMemory { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Prefix of every Redis key the cart writes, so environments can share one Redis.</summary>
    public string RedisKeyPrefix { get; set; } = "marketplace:";
}
