namespace Marketplace.Ordering.Checkout.Place;

/// <summary>The order group a checkout made.</summary>
/// <param name="OrderGroupId">The checkout's id.</param>
/// <param name="Number">The number the customer quotes.</param>
/// <param name="Currency">The currency of every amount.</param>
/// <param name="ItemsTotal">The goods after discounts.</param>
/// <param name="DeliveryTotal">The chosen deliveries together.</param>
/// <param name="Total">What the payment covers.</param>
/// <param name="Payment">Where the payment stands, and what the client must do next when it needs the customer.</param>
/// <param name="Orders">One order per seller.</param>
/// <param name="OrderAccessToken">
/// For a guest only: the token that reads and cancels these orders (send it in <c>X-Order-Token</c>). Keep it: it is
/// shown in this answer (and its replays) only, and stored hashed.
/// </param>
public sealed record CheckoutResponse(
    Guid OrderGroupId,
    string Number,
    string Currency,
    decimal ItemsTotal,
    decimal DeliveryTotal,
    decimal Total,
    CheckoutPaymentResponse Payment,
    IReadOnlyList<CheckoutOrderResponse> Orders,
    string? OrderAccessToken);

/// <summary>The payment of the group.</summary>
/// <param name="PaymentId">The payment.</param>
/// <param name="Status">pending, requires_action, authorized, declined or canceled.</param>
/// <param name="NextAction">With requires_action: what the client must do (3-D Secure) before the payment settles.</param>
public sealed record CheckoutPaymentResponse(Guid? PaymentId, string Status, CheckoutNextAction? NextAction);

/// <summary>The customer's step the payment waits for.</summary>
/// <param name="Type">use_sandbox_confirmation with the sandbox; use_stripe_sdk with Stripe.</param>
/// <param name="ClientSecret">Hand it to the payer's client only.</param>
/// <param name="ConfirmationPath">The sandbox's confirmation route; null with a real provider.</param>
/// <param name="ExpiresAt">When the payment, and the order, are cancelled if the step is not completed.</param>
public sealed record CheckoutNextAction(string Type, string ClientSecret, string? ConfirmationPath, DateTimeOffset ExpiresAt);

/// <summary>One seller's order of the group.</summary>
/// <param name="Id">The order (read it at <c>/api/v1/orders/{id}</c>).</param>
/// <param name="Number">Its number.</param>
/// <param name="SellerId">The seller.</param>
/// <param name="Status">pending_payment, placed or cancelled right after checkout.</param>
/// <param name="ItemsTotal">Its goods after discounts.</param>
/// <param name="DeliveryPrice">Its delivery.</param>
/// <param name="Total">Goods and delivery.</param>
public sealed record CheckoutOrderResponse(Guid Id, string Number, Guid SellerId, string Status, decimal ItemsTotal, decimal DeliveryPrice, decimal Total);
