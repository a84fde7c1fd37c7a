using Marketplace.Ordering.Admin.Find;
using Marketplace.Platform.Http;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Ordering;

/// <summary>Orders as marketplace staff find them for a support case.</summary>
internal static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin/orders")
            .WithTags("Admin orders")
            .RequireAuthorization(MarketplaceClaims.Policies.Admin)
            .NeverStored()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/", FindOrders.Handle)
            .WithName("FindOrders")
            .WithSummary("Find order groups by number (the group's or a seller order's), contact email or seller, newest first, with every order's full history");
        return api;
    }
}
