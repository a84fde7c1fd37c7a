using System.Linq.Expressions;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Ordering.Customers;

/// <summary>
/// Who reads or moves an order as its buyer: a guest by the order's access token (<c>X-Order-Token</c>), or the signed-in
/// customer who bought it. An order that is not the caller's is not found, whoever's it is.
/// </summary>
internal sealed record OrderBuyer(Guid? CustomerId, byte[]? GuestTokenHash)
{
    public OrderActor Actor => OrderActor.Customer(CustomerId);

    /// <summary>The buyer the request speaks for, or the 401 to answer when it names none.</summary>
    public static bool TryRead(HttpContext http, out OrderBuyer buyer, out ProblemHttpResult? refusal)
    {
        refusal = null;
        var token = http.Request.Headers[OrderTokens.Header].ToString();
        if (!string.IsNullOrWhiteSpace(token))
        {
            buyer = new OrderBuyer(null, OrderTokens.Hash(token.Trim()));
            return true;
        }

        if (http.User.Identity?.IsAuthenticated == true && http.User.UserId() is { } customerId)
        {
            buyer = new OrderBuyer(customerId, null);
            return true;
        }

        buyer = new OrderBuyer(null, null);
        refusal = TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Sign in or send the order's token",
            detail: $"A customer reads its orders signed in; a guest sends the order access token from the checkout answer in {OrderTokens.Header}.");
        return false;
    }

    /// <summary>The orders this buyer may read and move.</summary>
    public Expression<Func<SellerOrder, bool>> Owns(OrderingDbContext db, Guid orderId)
    {
        if (GuestTokenHash is { } hash)
        {
            return o => o.Id == orderId && db.OrderGroups.Any(g => g.Id == o.GroupId && g.GuestTokenHash == hash);
        }

        var customerId = CustomerId;
        return o => o.Id == orderId && o.CustomerId != null && o.CustomerId == customerId;
    }
}
