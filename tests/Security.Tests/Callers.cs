using Marketplace.TestSupport;

namespace Marketplace.Security.Tests;

/// <summary>Who sends a hostile request.</summary>
public enum Role
{
    Anonymous,
    Customer,
    SellerOwner,
    Admin,
}

/// <summary>Routes for staff alone (admins, marketing, the sandbox's dispute controls): the staff test covers them, and the hostile-input tests call them as an admin.</summary>
public static class StaffRoutes
{
    public static bool Contains(ApiOperation operation) =>
        operation.Path.StartsWith("/api/v1/admin/", StringComparison.Ordinal) || operation.Path.StartsWith("/api/v1/marketing/", StringComparison.Ordinal)
        || operation.OperationId is "CreateBrand" or "CreateCategory" or "OpenSandboxDispute" or "CloseSandboxDispute";
}

/// <summary>
/// The callers of the hostile-input tests, on resources of their own (a seller, a customer, a guest cart), so that
/// whatever a hostile request manages to change touches nothing the other tests read.
/// </summary>
public sealed class Callers
{
    private Callers(SecurityHost host, SellerWorld seller, CustomerSession customer, CustomerSession staffTarget, Guid staffTargetSellerId, string guestToken)
    {
        Host = host;
        Seller = seller;
        Customer = customer;
        StaffTarget = staffTarget;
        StaffTargetSellerId = staffTargetSellerId;
        GuestToken = guestToken;
    }

    public SecurityHost Host { get; }

    public SellerWorld Seller { get; }

    public CustomerSession Customer { get; }

    /// <summary>The account the admin routes name, so that a hostile role change hits no one else.</summary>
    public CustomerSession StaffTarget { get; }

    /// <summary>
    /// The seller the admin routes name: a hostile request that suspends it must not leave <see cref="Seller"/>
    /// suspended, or every later seller route would answer 403 before its handler saw the hostile input.
    /// </summary>
    public Guid StaffTargetSellerId { get; }

    public string GuestToken { get; }

    public static async Task<Callers> ArrangeAsync(SecurityHost host, string name)
    {
        var client = host.CreateClient();
        var seller = await host.NewSellerWorldAsync(name);
        var customer = await IdentityFlows.RegisterCustomerAsync(client);
        var target = await IdentityFlows.RegisterCustomerAsync(client);
        var targetSeller = await IdentityFlows.CreateSellerAsync(client, $"{name} staff target");
        var guest = await SecurityHost.Expect(await client.PostAsync("/api/v1/cart/guest", null), System.Net.HttpStatusCode.Created);
        return new Callers(host, seller, customer, target, targetSeller.SellerId, guest.GetProperty("token").GetString()!);
    }

    /// <summary>
    /// The role that gets past a route's authorization, so that hostile input reaches the handler: the seller's owner
    /// on seller routes, an admin on staff routes, a customer elsewhere.
    /// </summary>
    public static Role RoleFor(ApiOperation operation) =>
        StaffRoutes.Contains(operation) ? Role.Admin
        : operation.Path.Contains("{sellerId}", StringComparison.Ordinal) && operation.OperationId != "GetSeller" ? Role.SellerOwner
        : Role.Customer;

    public HttpRequestMessage Authenticate(HttpRequestMessage request, Role role) => role switch
    {
        Role.Customer => request.WithBearer(Customer.AccessToken),
        Role.SellerOwner => request.WithBearer(Seller.Owner.AccessToken),
        Role.Admin => request.WithBearer(Host.AdminToken),
        _ => request,
    };

    /// <summary>A real id for a parameter of the operation, where the callers own one.</summary>
    public string? KnownValue(ApiOperation operation, string name) =>
        name == "sellerId" && StaffRoutes.Contains(operation) ? StaffTargetSellerId.ToString() : KnownValue(name);

    /// <summary>A real id for a parameter or property of this name, where the callers own one.</summary>
    public string? KnownValue(string name) => name switch
    {
        "sellerId" => Seller.SellerId.ToString(),
        "productId" => Seller.SecondProductId.ToString(),
        "skuId" => Seller.SkuId.ToString(),
        "keyId" => Seller.SpareKeyId.ToString(),
        "offerId" => Seller.OfferId.ToString(),
        "categoryId" or "category" or "parentId" => Host.CategoryId.ToString(),
        "userId" => StaffTarget.UserId.ToString(),
        "brand" => Host.BrandSlug,
        "section" => "pricing",
        "code" => "WELCOME10",
        _ => null,
    };
}
