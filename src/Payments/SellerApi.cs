using Marketplace.Payments.Invoices.List;
using Marketplace.Payments.Invoices.Read;
using Marketplace.Payments.Ledger.Balance;
using Marketplace.Payments.Ledger.Statement;
using Marketplace.Payments.Payouts.Accounts;
using Marketplace.Platform.Http;
using Marketplace.Platform.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Marketplace.Payments;

/// <summary>
/// A seller's money: its balance and its statement, read from the ledger. One group under
/// <c>/sellers/{sellerId}</c> that checks the caller acts for that seller.
/// </summary>
internal static class SellerApi
{
    public static IEndpointRouteBuilder MapSellerApi(this IEndpointRouteBuilder app)
    {
        var seller = app.MapGroup("/api/v1/sellers/{sellerId:guid}")
            .WithTags("Seller money")
            .RequireAuthorization(MarketplaceClaims.Policies.Seller)
            .AddEndpointFilter<SellerAccessFilter>()
            .NeverStored()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        seller.MapGet("/balance", ReadSellerBalance.Handle)
            .WithName("GetSellerBalance")
            .WithSummary("What the platform owes the seller, per currency: its captured orders' shares less commission, from the ledger");
        seller.MapGet("/statement", ReadSellerStatement.Handle)
            .WithName("GetSellerStatement")
            .WithSummary("The seller's statement: every movement on its balance with the order and the reason, oldest first, keyset-paged")
            .WithDescription(
                "JSON pages by default (limit, cursor). With format=csv, or Accept: text/csv, the whole statement downloads as CSV "
                + "(sequence,recorded_at,transaction_id,kind,reason,order_id,order_number,amount,currency), streamed.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();
        seller.MapGet("/invoices", ListSellerInvoices.Handle)
            .WithName("ListSellerInvoices")
            .WithSummary("The seller's invoices, one per captured order, newest first, keyset-paged")
            .ProducesValidationProblem();
        seller.MapGet("/invoices/{number:long}", ReadSellerInvoice.Handle)
            .WithName("GetSellerInvoice")
            .WithSummary("One invoice: the order, its total, what was paid and refunded, each movement from the ledger")
            .WithDescription(
                "JSON by default; with Accept: text/html, the printable page (as GET /invoices/{number}.html). Numbers count the seller's invoices "
                + "from 1 with no gaps. Payments knows an order's total, not its lines; those are on the order.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);
        seller.MapGet("/invoices/{number:long}.html", ReadSellerInvoice.HandleHtml)
            .WithName("GetSellerInvoicePage")
            .WithSummary("One invoice as a printable HTML page")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var payouts = app.MapGroup("/api/v1/sellers/{sellerId:guid}/payout-account")
            .WithTags("Seller payouts")
            .RequireAuthorization(MarketplaceClaims.Policies.Seller)
            .AddEndpointFilter<SellerAccessFilter>()
            .NeverStored()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        payouts.MapPost("/", OnboardPayoutAccount.Handle)
            .WithName("OnboardSellerPayoutAccount")
            .WithSummary("Create the seller's payout account at the payment provider (once) and get a fresh onboarding link")
            .WithDescription(
                "With Stripe: an Express connected account with the transfers capability (made once per seller, whatever the repeats), and an "
                + "account link of type account_onboarding that returns to returnUrl (or refreshUrl when it expired). The sandbox's account is "
                + "ready at once and its link is returnUrl. Until the account is ready the seller's balance accrues; it is paid on the next payout run after.")
            .Validate<OnboardPayoutAccountRequest>()
            .ProducesValidationProblem();
        payouts.MapGet("/", ReadPayoutAccount.Handle)
            .WithName("GetSellerPayoutAccount")
            .WithSummary("The seller's payout account and its readiness, read again from the payment provider")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
