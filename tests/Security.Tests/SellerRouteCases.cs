using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.TestSupport;

namespace Marketplace.Security.Tests;

/// <summary>What a seller-route case knows when it builds its request.</summary>
/// <param name="Host">The host.</param>
/// <param name="Target">The seller whose resources the request names.</param>
/// <param name="OutsiderEmail">An existing account that is not a member of <paramref name="Target"/>.</param>
public sealed record CaseContext(SecurityHost Host, SellerWorld Target, string OutsiderEmail);

/// <summary>
/// A well-formed request on one seller route: path parameters come from the target seller's resources, the body and
/// headers are ones the seller itself would send with success (the control test proves it), so that a refusal of
/// another seller is the authorization speaking, not validation.
/// </summary>
/// <param name="OperationId">The documented operation.</param>
/// <param name="PeopleOnly">Only a member's token may call it, never an API key (credentials and membership).</param>
/// <param name="Fill">Adds the body and headers.</param>
public sealed record SellerRouteCase(string OperationId, bool PeopleOnly, Func<CaseContext, HttpRequestMessage, Task> Fill)
{
    /// <summary>
    /// Who succeeds with the request: the seller's owner, unless the route belongs to someone the seller addressed
    /// (an invitee answering an invitation). Every other caller is the other party, refused.
    /// </summary>
    public Func<SellerWorld, CustomerSession> Rightful { get; init; } = world => world.Owner;

    public override string ToString() => OperationId;
}

/// <summary>
/// Every documented route that names a seller, with the request that exercises it. The guard test fails when the
/// OpenAPI document grows a route naming a seller (or an order, a cart, a payment…) that is not listed here.
/// </summary>
public static class SellerRouteCases
{
    /// <summary>Path parameters that name something a seller or a customer owns.</summary>
    public static readonly string[] OwnerScopedParameters =
        ["sellerId", "orderId", "subOrderId", "cartId", "customerId", "paymentId", "refundId", "shipmentId", "payoutId", "invitationId", "memberId", "webhookId", "deliveryId"];

    /// <summary>Routes that name a seller but are public on purpose, with the reason a reviewer can check.</summary>
    public static readonly IReadOnlyDictionary<string, string> Public = new Dictionary<string, string>
    {
        ["GetSeller"] = "a seller's public profile (name, country, registration date) is shown on every product page",
        ["GetOrder"] = "a buyer's route: the customer's bearer or the guest's X-Order-Token opens the order, whoever calls; Ordering's CustomerOrderTests show another customer's or a wrong token gets 404",
        ["CancelOrder"] = "a buyer's route, opened like GetOrder by the buyer's bearer or X-Order-Token (CustomerOrderTests)",
        ["ConfirmOrderReceipt"] = "a buyer's route, opened like GetOrder by the buyer's bearer or X-Order-Token (CustomerOrderTests)",
        ["GetOrderInvoice"] = "a buyer's route, opened like GetOrder by the buyer's bearer or X-Order-Token (Ordering's OrderInvoiceTests: another customer or token gets 404)",
        ["ConfirmSandboxPaymentAction"] =
            "the payer may be a guest, so the payment's client secret authorizes it, not the caller; PaymentSecretTests shows any other secret gets 404 and changes nothing",
    };

    /// <summary>
    /// Routes that name a seller but belong to staff: no seller acts on them, not even the one they name, so their
    /// case is <c>Staff_routes_refuse_customers_sellers_and_anonymous_callers</c> (sellers' owners, keys and customers
    /// get 403 on seller A), and the guard checks that test really covers them.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> StaffOnly = new Dictionary<string, string>
    {
        ["SuspendSeller"] = "only an admin suspends a seller; a seller suspending a rival, or lifting its own suspension, is the attack",
        ["ReinstateSeller"] = "only an admin reinstates a seller; a suspended seller reinstating itself is the attack",
        ["GetSellerPerformanceForStaff"] = "staff read any seller's performance; a seller reads its own through GetSellerPerformance",
        ["RefundOrderForStaff"] = "staff refund any order on a support case; a seller refunds its own through RefundSellerOrder",
        ["ListOrderRefundsForStaff"] = "staff read any order's refunds; a seller reads its own through ListSellerOrderRefunds",
        ["GetOrderInvoiceForStaff"] = "staff read any order's invoice; a seller reads its own through GetSellerInvoice, a buyer through GetOrderInvoice",
    };

    private static readonly List<SellerRouteCase> Cases =
    [
        new("CreateApiKey", true, (_, r) => Json(r, new { name = "bola" })),
        new("ListApiKeys", false, (_, _) => Task.CompletedTask),
        new("RotateApiKey", true, (_, _) => Task.CompletedTask),
        new("RevokeApiKey", true, (_, _) => Task.CompletedTask),
        new("ListSellerMembers", true, (_, _) => Task.CompletedTask),
        new("InviteSellerMember", true, (c, r) => Json(r, new { email = c.OutsiderEmail })),
        new("RemoveSellerMember", true, (_, _) => Task.CompletedTask),
        new("WithdrawInvitation", true, (_, _) => Task.CompletedTask),
        // With the genuine code from the mail, so that only the invitation's addressee stands between another party and
        // the membership.
        new("AcceptInvitation", true, async (c, r) => await Json(r, new { code = await IdentityFlows.InvitationCodeAsync(c.Host, c.Target.ToAccept.InvitationId) }))
        {
            Rightful = world => world.ToAccept.Invitee,
        },
        new("DeclineInvitation", true, (_, _) => Task.CompletedTask) { Rightful = world => world.ToDecline.Invitee },
        new("CreateSellerProduct", false, (c, r) => Json(r, c.Host.ProductBody("BOLA product", NewCode()))),
        new("UpdateSellerProduct", false, async (c, r) =>
        {
            // The current version, as the owner would send it: the refusal must not hinge on a stale ETag.
            var product = await c.Host.CreateClient().GetFromJsonAsync<JsonElement>($"/api/v1/products/{c.Target.ProductId}");
            r.Headers.TryAddWithoutValidation("If-Match", $"\"{product.GetProperty("version").GetInt32()}\"");
            await Json(r, new
            {
                title = "Taken over", categoryId = c.Host.CategoryId, brand = c.Host.BrandSlug, description = "<p>mine now</p>",
                attributes = new Dictionary<string, object> { ["material"] = "paper" }, images = new[] { "https://cdn.example.com/x.jpg" },
            });
        }),
        new("AddSellerSku", false, (_, r) => Json(r, new { code = NewCode(), weightGrams = 1, lengthMm = 1, widthMm = 1, heightMm = 1 })),
        new("UpdateSellerSku", false, (c, r) => Json(r, new { code = c.Target.SkuCode, weightGrams = 999, lengthMm = 1, widthMm = 1, heightMm = 1 })),
        new("BulkUpsertSellerProducts", false, (c, r) => JsonLines(r, new
        {
            sku = NewCode(), title = "Bulk BOLA", categoryId = c.Host.CategoryId, brand = c.Host.BrandSlug, weightGrams = 1, lengthMm = 1, widthMm = 1, heightMm = 1,
        })),
        new("ListSellerOffers", false, (_, _) => Task.CompletedTask),
        new("UpsertSellerOffer", false, (_, r) => Json(r, new { price = 0.01m, currency = "EUR", stock = 0 })),
        new("DeleteSellerOffer", false, (_, _) => Task.CompletedTask),
        new("BulkUpsertSellerOffers", false, (c, r) => JsonLines(r, new { sku = c.Target.SkuCode, price = 0.01m, currency = "EUR", stock = 0 })),
        new("ListSellerOrders", false, (_, _) => Task.CompletedTask),
        new("BulkChangeSellerOrderStatus", false, (c, r) => JsonLines(r, new { orderId = c.Target.Orders["GetSellerOrder"], action = "accept", version = 0 })),
        new("GetSellerOrder", false, (_, _) => Task.CompletedTask),
        new("GetSellerPerformance", false, (_, _) => Task.CompletedTask),
        new("AcceptSellerOrder", false, (_, r) => IfMatchAny(r)),
        new("RejectSellerOrder", false, (_, r) => IfMatchAny(r, new { reason = "BOLA" })),
        new("ShipSellerOrder", false, (_, r) => IfMatchAny(r, new { carrier = "DHL", trackingNumber = "JJD000390007" })),
        new("DeliverSellerOrder", false, (_, r) => IfMatchAny(r)),
        new("CreateWebhookEndpoint", false, (_, r) => Json(r, new { url = SellerWebhooks.Url, eventTypes = new[] { "order.shipped" } })),
        new("ListWebhookEndpoints", false, (_, _) => Task.CompletedTask),
        new("GetWebhookEndpoint", false, (_, _) => Task.CompletedTask),
        new("UpdateWebhookEndpoint", false, (_, r) => Json(r, new { url = SellerWebhooks.Url + "/taken", eventTypes = new[] { "order.placed", "order.cancelled" }, enabled = true })),
        new("DeleteWebhookEndpoint", false, (_, _) => Task.CompletedTask),
        new("RotateWebhookSecret", false, (_, _) => Task.CompletedTask),
        new("SendTestWebhook", false, (_, _) => Task.CompletedTask),
        new("ListWebhookDeliveries", false, (_, _) => Task.CompletedTask),
        new("RedeliverWebhook", false, (_, _) => Task.CompletedTask),
        new("ShipSellerOrderParcels", false, (_, r) => Keyed(r, new { parcels = new[] { new { carrier = "DHL", trackingNumber = $"JJD{Guid.NewGuid():N}"[..16] } } })),
        new("BulkShipSellerOrders", false, (c, r) => JsonLines(r, new { orderId = c.Target.Orders["ShipSellerOrderParcels"], carrier = "DHL", trackingNumber = "JJD000390009" })),
        new("RefundSellerOrder", false, (_, r) => Keyed(r, new { amount = 0.01m, reason = "BOLA" })),
        new("ListSellerOrderRefunds", false, (_, _) => Task.CompletedTask),
        new("GetSellerBalance", false, (_, _) => Task.CompletedTask),
        new("GetSellerStatement", false, (_, _) => Task.CompletedTask),
        new("ListSellerInvoices", false, (_, _) => Task.CompletedTask),
        new("GetSellerInvoice", false, (c, _) => FirstInvoiceIssuedAsync(c)),
        new("GetSellerInvoicePage", false, (c, _) => FirstInvoiceIssuedAsync(c)),
        new("OnboardSellerPayoutAccount", false, (_, r) => Json(r, PayoutAccountBody())),
        // The target seller has onboarded (by its owner's own call), so that only the caller stands between it and the account.
        new("GetSellerPayoutAccount", false, async (c, _) =>
        {
            var made = await c.Host.CreateClient(c.Target.Owner.AccessToken).PostAsJsonAsync($"/api/v1/sellers/{c.Target.SellerId}/payout-account", PayoutAccountBody());
            made.EnsureSuccessStatusCode();
        }),
        new("ReplaceProductLinks", false, (c, r) => Json(r, new { links = new[] { new { productId = c.Target.SecondProductId, kind = "Related" } } })),
    ];

    public static IReadOnlyList<SellerRouteCase> Listed => Cases;

    public static SellerRouteCase? Find(string operationId) => Cases.Find(c => c.OperationId == operationId);

    /// <summary>The operation's path with every parameter filled from the target seller's resources.</summary>
    public static string PathFor(ApiOperation operation, SellerWorld target)
    {
        var path = operation.Path;
        foreach (var name in operation.PathParameters)
        {
            var value = name switch
            {
                "sellerId" => target.SellerId.ToString(),
                "productId" => target.ProductId.ToString(),
                "skuId" => target.SkuId.ToString(),
                "keyId" => target.SpareKeyId.ToString(),
                "userId" => target.Member.UserId.ToString(),
                "orderId" => target.Orders[operation.OperationId].ToString(),
                "webhookId" => (operation.OperationId == "DeleteWebhookEndpoint" ? target.Webhooks.ToDelete : target.Webhooks.WebhookId).ToString(),
                "deliveryId" => target.Webhooks.DeliveryId.ToString(),

                // The seller's first invoice: its accepted orders are captured and invoiced (FirstInvoiceIssuedAsync waits for it).
                "number" => "1",
                "invitationId" => operation.OperationId switch
                {
                    "AcceptInvitation" => target.ToAccept.InvitationId.ToString(),
                    "DeclineInvitation" => target.ToDecline.InvitationId.ToString(),
                    _ => target.InvitationToWithdraw.ToString(),
                },
                _ => throw new InvalidOperationException($"{operation}: no resource of the target seller fills {{{name}}}; teach SellerRouteCases.PathFor."),
            };
            path = path.Replace($"{{{name}}}", value, StringComparison.Ordinal);
        }

        return path;
    }

    public static async Task<HttpRequestMessage> RequestAsync(ApiOperation operation, SellerRouteCase route, CaseContext context)
    {
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), PathFor(operation, context.Target));
        await route.Fill(context, request);
        return request;
    }

    /// <summary>Waits until the target's accepted orders are captured and its invoice 1 issued, which happens after the arrangement, by events.</summary>
    private static async Task FirstInvoiceIssuedAsync(CaseContext context)
    {
        using var owner = context.Host.CreateClient();
        owner.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", context.Target.Owner.AccessToken);
        await Eventually.ReadAsync(
            async () => (await owner.GetAsync($"/api/v1/sellers/{context.Target.SellerId}/invoices/1")).StatusCode,
            status => status == System.Net.HttpStatusCode.OK,
            TimeSpan.FromSeconds(60));
    }

    private static object PayoutAccountBody() => new { returnUrl = "https://sellers.example.com/payouts/done", refreshUrl = "https://sellers.example.com/payouts/again" };

    private static string NewCode() => $"bola-{Guid.NewGuid():N}"[..20];

    private static Task Json(HttpRequestMessage request, object body)
    {
        request.Content = JsonContent.Create(body);
        return Task.CompletedTask;
    }

    private static Task IfMatchAny(HttpRequestMessage request, object? body = null)
    {
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        return body is null ? Task.CompletedTask : Json(request, body);
    }

    /// <summary>A JSON body under a new Idempotency-Key, as a seller sends every new shipment.</summary>
    private static Task Keyed(HttpRequestMessage request, object body)
    {
        request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());
        return Json(request, body);
    }

    private static Task JsonLines(HttpRequestMessage request, object row)
    {
        request.Content = new StringContent(JsonSerializer.Serialize(row, JsonSerializerOptions.Web) + "\n", Encoding.UTF8, "application/x-ndjson");
        return Task.CompletedTask;
    }
}
