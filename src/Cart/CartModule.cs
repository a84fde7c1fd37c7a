using FluentValidation;
using Marketplace.Cart.Checkout;
using Marketplace.Cart.Contracts;
using Marketplace.Cart.CreateGuest;
using Marketplace.Cart.Lines;
using Marketplace.Cart.Merge;
using Marketplace.Cart.Owners;
using Marketplace.Cart.Pricing;
using Marketplace.Cart.PromoCodes;
using Marketplace.Cart.Reading;
using Marketplace.Cart.Storage;
using Marketplace.Config;
using Marketplace.Platform.Hosting;
using Marketplace.Platform.Http;
using Marketplace.Platform.Security;
using Marketplace.Pricing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Cart;

/// <summary>
/// The Cart context: guest and customer carts in Redis (or process memory on the embedded profile), re-priced on
/// every read against the live offers and the pricing rules in force.
/// </summary>
public static class CartModule
{
    public const string Name = "Cart";

    /// <summary>
    /// Rate-limit policy of the cart routes (<c>RateLimits:cart-guest</c>): per client network for requests that carry a
    /// guest token or create one, because a token is a secret and guessing one must be slow.
    /// </summary>
    private const string GuestPolicy = "cart-guest";

    public static WebApplicationBuilder AddCartModule(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CartOptions>()
            .Bind(builder.Configuration.GetSection(Name))
            .Validate(o => o.MaxQuantityPerLine > 0 && o.MaxLines > 0 && o.MaxPromoCodes > 0 && o.MaxPromoCodeLength > 0 && o.MaxMemoryCarts > 0,
                "Cart limits must be positive.")
            .Validate(o => o.IdleTimeToLive > TimeSpan.Zero && o.GuestIdleTimeToLive > TimeSpan.Zero && o.MergedTokenMemory > TimeSpan.Zero && o.RecordedOrderMemory > TimeSpan.Zero,
                "Cart times to live must be positive.")
            .ValidateOnStart();
        // Validators hold no per-request state; building one compiles its rules, so build each once.
        services.AddValidatorsFromAssemblyContaining<CartReader>(ServiceLifetime.Singleton, includeInternalTypes: true);

        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Redis")))
        {
            services.AddSingleton<ICartStore, MemoryCartStore>();
            services.AddSingleton<IPromoCodeUsage, MemoryPromoCodeUsage>();
            services.AddSingleton(new ComponentAdapter("cart", "in-process memory"));
        }
        else
        {
            services.AddSingleton<ICartStore, RedisCartStore>();
            services.AddSingleton<IPromoCodeUsage, RedisPromoCodeUsage>();
            services.AddSingleton(new ComponentAdapter("cart", "redis"));
        }

        // The runtime section "pricing" (Consul key or config/runtime/pricing.json), validated before it takes effect;
        // every read takes the rules in force from IOptionsMonitor<PricingRules>.
        builder.AddRuntimeRules("pricing", new PricingRulesValidator());
        services.AddSingleton<CartPricing>();
        services.AddScoped<CartReader>();
        services.AddScoped<ICartCheckout, CartCheckout>();
        services.AddRateLimitPolicy(builder.Configuration, GuestPolicy, 600, GuestPartition, $"{Name}:GuestRequestsPerMinute");
        return builder;
    }

    /// <summary>Requests that carry a guest token or create one count per client network; a customer's are not limited here.</summary>
    private static string? GuestPartition(HttpContext http) =>
        http.Request.Headers.ContainsKey(GuestToken.Header) || (HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Value?.EndsWith("/guest", StringComparison.Ordinal) == true)
            ? RateLimits.ClientKey(http)
            : null;

    public static IEndpointRouteBuilder MapCartApi(this IEndpointRouteBuilder app)
    {
        var cart = app.MapGroup("/api/v1/cart")
            .WithTags("Cart")
            .RequireRateLimiting(GuestPolicy)
            .NeverStored()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        cart.MapPost("/guest", CreateGuestCart.Handle)
            .WithName("CreateGuestCart")
            .WithSummary("Start a guest cart: the answer holds its token, to send in X-Cart-Token from then on; the cart is stored from its first line")
            .WithDescription("Nothing is stored until the token adds a line or a promo code; until then the cart reads as empty. A guest cart lives Cart:GuestIdleTimeToLive after its last change.");
        cart.MapPost("/merge", MergeCart.Handle)
            .WithName("MergeGuestCart")
            .WithSummary("After sign-in, merge the guest cart named by X-Cart-Token into the customer's cart (idempotent)")
            .RequireAuthorization(MarketplaceClaims.Policies.Customer)
            .RequireHeaderToken(CartCredentials.GuestTokenToo)
            .ProducesProblem(StatusCodes.Status404NotFound);

        // Every route below works on the cart the request names: X-Cart-Token for a guest cart, else the signed-in customer's.
        var own = cart.MapGroup("")
            .AddEndpointFilter<CartOwnerFilter>()
            .RequireHeaderToken(CartCredentials.GuestTokenOrCustomer)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        own.MapGet("/", ReadCart.Handle)
            .WithName("GetCart")
            .WithSummary("The cart priced now, grouped by seller, with lines flagged whose offer changed, ran short or is gone");
        var lines = own.MapGroup("/lines");
        lines.MapPost("/", AddLine.Handle)
            .WithName("AddCartLine")
            .WithSummary("Add units of an offer; adding an offer the cart holds adds to its quantity")
            .Validate<AddLineRequest>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        lines.MapPut("/{offerId:guid}", UpdateLine.Handle)
            .WithName("UpdateCartLine")
            .WithSummary("Set the quantity of a line")
            .Validate<UpdateLineRequest>();
        lines.MapDelete("/{offerId:guid}", RemoveLine.Handle)
            .WithName("RemoveCartLine")
            .WithSummary("Remove a line");
        var codes = own.MapGroup("/promo-codes");
        codes.MapPost("/", ApplyPromoCode.Apply)
            .WithName("ApplyPromoCode")
            .WithSummary("Enter a promo code; the cart says on every read whether it applies and why not")
            .Validate<ApplyPromoCodeRequest>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        codes.MapDelete("/{code}", ApplyPromoCode.Remove)
            .WithName("RemovePromoCode")
            .WithSummary("Take a promo code out of the cart");
        return app;
    }
}
