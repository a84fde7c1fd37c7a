using System.Net;
using Marketplace.TestSupport;

namespace Marketplace.Cart.Tests.CreateGuest;

/// <summary>
/// The guest-cart limit set through the rate-limit registry's section: two requests per two-second window, while the
/// older Cart:GuestRequestsPerMinute (set high by every cart factory) says otherwise.
/// </summary>
public sealed class RegistryLimitedCartFactory : CartTestFactory
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    public RegistryLimitedCartFactory()
    {
        Settings["RateLimits:cart-guest:PermitLimit"] = "2";
        Settings["RateLimits:cart-guest:Window"] = Window.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class GuestRateLimitSettingsTests(RegistryLimitedCartFactory factory) : IClassFixture<RegistryLimitedCartFactory>
{
    [Fact]
    public async Task The_guest_cart_limit_and_window_come_from_the_rate_limits_section_over_the_older_setting()
    {
        var client = IPAddress.Parse("203.0.113.41");
        var guest = CartArrange.Guest(factory.CreateClient(client), await CartArrange.NewGuestCartAsync(factory.CreateClient(client)));

        var second = await guest.GetAsync("/api/v1/cart");
        var third = await guest.GetAsync("/api/v1/cart");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await third.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(third.Headers.RetryAfter is not null, "No Retry-After header on the 429.");

        // A one-minute window (the older setting's) would refuse for far longer than this deadline.
        var later = await Eventually.ReadAsync(() => guest.GetAsync("/api/v1/cart"), r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }
}
