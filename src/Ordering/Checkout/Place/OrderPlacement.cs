using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Cart.Contracts;
using Marketplace.Catalog.Contracts;
using Marketplace.Delivery.Contracts;
using Marketplace.Ordering.Checkout.Idempotency;
using Marketplace.Ordering.Checkout.Settlement;
using Marketplace.Ordering.Customers;
using Marketplace.Ordering.Orders;
using Marketplace.Ordering.Persistence;
using Marketplace.Ordering.Reading;
using Marketplace.Payments.Contracts;
using Marketplace.Platform;
using Marketplace.Platform.Http;
using Marketplace.Platform.Persistence;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Marketplace.Ordering.Checkout.Place;

/// <summary>
/// One checkout, in the order that keeps every promise: everything that can refuse without side effects first (the
/// cart repriced, the quotes checked); then the order group and its Idempotency-Key in one transaction under the key's
/// unique index; then the promo-code uses, the stock and the payment, each undone when a later step refuses, so that a
/// refusal leaves nothing held. The answer is stored with the key and replayed to every repeat.
/// </summary>
internal sealed class OrderPlacement(
    OrderingDbContext db,
    ICartCheckout carts,
    IDeliveryQuotes quotes,
    IStockReservations reservations,
    IPromoCodeUsage promoCodes,
    IPayments payments,
    GroupSettlement settlement,
    StoppedCheckoutFinisher stopped,
    ThisRunner runner,
    OrderTokens tokens,
    OrderingMetrics metrics,
    IOptions<OrderingOptions> options,
    TimeProvider clock)
{
    private const string JsonType = "application/json; charset=utf-8";
    private const string ProblemType = "application/problem+json; charset=utf-8";

    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    /// <summary>Set while the payment is being authorised, so that a failure there counts as a payment error.</summary>
    private bool _authorizing;

    public async Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> PlaceAsync(PlaceOrderRequest request, HttpContext http, CancellationToken cancellationToken)
    {
        if (IdempotencyKeys.Read(http.Request, out var keyRefusal) is not { } key)
        {
            return CheckoutProblems.KeyMissing(keyRefusal!);
        }

        var (caller, callerProblem) = carts.CallerOf(http);
        if (caller is null)
        {
            return callerProblem!;
        }

        var email = string.IsNullOrWhiteSpace(request.Email) ? (caller.CustomerId is null ? null : AccountEmail(http.User)) : request.Email.Trim();
        if (email is null)
        {
            return TypedResults.ValidationProblem(ValidationFilterExtensions.FieldError("email", "A guest gives the email address receipts go to."));
        }

        var requestHash = IdempotencyKeys.Fingerprint(request);
        if (await IdempotencyKeys.FindAsync(db, caller.OwnerKey, key, cancellationToken) is { } earlier)
        {
            return await RepeatAsync(earlier, requestHash, http.Response, cancellationToken);
        }

        metrics.CheckoutStarted();
        try
        {
            var answer = await PlaceNewAsync(request, http, caller, email, key, requestHash, cancellationToken);
            metrics.CheckoutAnswered(answer.Result);
            return answer;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.CheckoutFailed(_authorizing ? "payment_error" : "other");
            throw;
        }
    }

    private async Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> PlaceNewAsync(
        PlaceOrderRequest request, HttpContext http, CheckoutCaller caller, string email, string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        var cart = await carts.PriceAsync(caller, cancellationToken);
        if (CheckoutProblems.Unbuyable(cart) is { } unbuyable)
        {
            return unbuyable;
        }

        var (quoted, deliveryProblem) = await CheckDeliveryAsync(request, cart!, cancellationToken);
        if (deliveryProblem is not null)
        {
            return deliveryProblem;
        }

        var currency = cart!.Currency!;
        var itemsTotal = cart.Total!.Value.Amount;
        var deliveryTotal = quoted.Values.Sum(q => q.Option.Price.Amount);
        var total = Currencies.Round(itemsTotal + deliveryTotal, currency);
        if ((request.CartFingerprint is { } fingerprint && !string.Equals(fingerprint, cart.Fingerprint, StringComparison.Ordinal))
            || (request.ExpectedTotal is { } seen && seen != total))
        {
            return CheckoutProblems.PriceChanged(cart, request.ExpectedTotal, total);
        }

        var now = clock.GetUtcNow();
        var language = CustomerLanguages.FromAcceptLanguage(http.Request.Headers.AcceptLanguage);
        var group = NewGroup(request, caller, cart, quoted, email, language, itemsTotal, deliveryTotal, total, now);
        var keyRow = new IdempotencyRecord
        {
            Id = Guid.NewGuid(),
            OwnerScope = caller.OwnerKey,
            Key = key,
            RequestHash = requestHash,
            OrderGroupId = group.Id,
            RunnerId = runner.Id,
            CreatedAt = now,
            ExpiresAt = now + options.Value.IdempotencyKeyLifetime,
        };
        db.OrderGroups.Add(group);
        db.IdempotencyKeys.Add(keyRow);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (ModuleDbContext.IsUniqueViolation(e))
        {
            // A concurrent duplicate wrote the key first: its checkout is the one; this one answers as a repeat.
            db.ChangeTracker.Clear();
            if (await IdempotencyKeys.FindAsync(db, caller.OwnerKey, key, cancellationToken) is { } winner)
            {
                return await RepeatAsync(winner, requestHash, http.Response, cancellationToken);
            }

            throw;
        }

        var recording = await promoCodes.TryRecordPlacedOrderAsync(group.Id, caller.CustomerId, cart.AppliedPromoCodeLimits, cancellationToken);
        if (!recording.Recorded)
        {
            await ForgetAsync(group, keyRow, cancellationToken);
            return CheckoutProblems.PromoCodesExhausted(recording.Refused);
        }

        // The hold expires a lifetime after the group was written, when the sweeper may abandon the group; a checkout slowed
        // past that point (an overloaded replica) holds nothing and is told to try again.
        var (shortLines, tooLate) = await ReserveAsync(group, now + options.Value.ReservationLifetime, cancellationToken);
        if (tooLate || shortLines.Count > 0)
        {
            await promoCodes.ReleasePlacedOrderAsync(group.Id, cancellationToken);
            return await ForgetOrReplayAsync(
                group, keyRow, () => tooLate ? CheckoutProblems.TooSlow(options.Value.CheckoutRetryAfter, http.Response) : CheckoutProblems.OutOfStock(shortLines), cancellationToken);
        }

        if (!runner.MayAct(clock.GetUtcNow(), options.Value))
        {
            // This process has not beaten for two intervals (a stall, the database out of reach): another replica may take
            // this checkout for stopped and finish it, so it must not ask for money now. Nothing stays held.
            await ReleaseAsync(group, "The checkout stalled before its payment.", cancellationToken);
            await promoCodes.ReleasePlacedOrderAsync(group.Id, cancellationToken);
            return await ForgetOrReplayAsync(group, keyRow, () => CheckoutProblems.TooSlow(options.Value.CheckoutRetryAfter, http.Response), cancellationToken);
        }

        _authorizing = true;
        var payment = await payments.AuthorizeAsync(new AuthorizePayment(group.Id, Money.Of(total, currency), request.PaymentMethodId!, email), cancellationToken);
        _authorizing = false;
        if (payment.Kind == PaymentResultKind.Invalid || payment.Payment is null)
        {
            await ReleaseAsync(group, "The payment request was refused.", cancellationToken);
            await promoCodes.ReleasePlacedOrderAsync(group.Id, cancellationToken);
            await ForgetAsync(group, keyRow, cancellationToken);
            return TypedResults.ValidationProblem(payment.Errors?.ToDictionary(e => e.Key == "amount" ? "expectedTotal" : e.Key, e => e.Value)
                ?? ValidationFilterExtensions.FieldError("paymentMethodId", "The payment could not be requested."));
        }

        var state = payment.Payment;
        for (var attempt = 1; ; attempt++)
        {
            await settlement.ApplyOutcomeAsync(group, state, cancellationToken);
            (keyRow.ResponseStatus, keyRow.ResponseBody) = CheckoutAnswers.Of(group, state);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                break;
            }
            catch (DbUpdateException e) when (attempt < 3 && (e is DbUpdateConcurrencyException || ModuleDbContext.IsUniqueViolation(e)))
            {
                // Payments' event reached the consumer first and settled the group meanwhile: read it as it now is, and
                // answer from that (settling again changes nothing).
                db.ChangeTracker.Clear();
                group = await db.OrderGroups.Include(g => g.Orders).ThenInclude(o => o.Lines).SingleAsync(g => g.Id == group.Id, cancellationToken);
                keyRow = await db.IdempotencyKeys.SingleAsync(k => k.Id == keyRow.Id, cancellationToken);
            }
        }

        await settlement.RemoveOrderedFromCartAsync(group, caller, cancellationToken);

        return await ReplayAsync(keyRow, cancellationToken);
    }

    private async Task<(Dictionary<Guid, QuotedDeliveryOption> Quoted, ProblemHttpResult? Problem)> CheckDeliveryAsync(
        PlaceOrderRequest request, CheckoutCart cart, CancellationToken cancellationToken)
    {
        var quoted = new Dictionary<Guid, QuotedDeliveryOption>();
        var choices = request.Delivery!.ToDictionary(c => c.SellerId);
        if (choices.Keys.FirstOrDefault(id => cart.Sellers.All(s => s.SellerId != id)) is var stranger && stranger != Guid.Empty)
        {
            return (quoted, CheckoutProblems.Delivery("delivery_seller_not_in_cart", $"The cart holds nothing of seller {stranger} any more.", stranger));
        }

        if (cart.Sellers.FirstOrDefault(s => !choices.ContainsKey(s.SellerId)) is { } unchosen)
        {
            return (quoted, CheckoutProblems.Delivery("delivery_missing", $"Choose a delivery option for seller {unchosen.SellerId}.", unchosen.SellerId));
        }

        var lookups = await quotes.GetQuotedOptionsAsync(
            cart.Sellers.Select(s => new QuotedOptionChoice(choices[s.SellerId].QuoteId, s.SellerId, choices[s.SellerId].OptionId!)).ToList(), cancellationToken);
        foreach (var (group, lookup) in cart.Sellers.Zip(lookups))
        {
            var choice = choices[group.SellerId];
            switch (lookup)
            {
                case QuotedOptionLookup.Expired expired:
                    return (quoted, CheckoutProblems.Delivery("quote_expired", $"Quote {expired.QuoteId} expired at {expired.ExpiredAt:O}.", group.SellerId));
                case QuotedOptionLookup.NotFound notFound:
                    return (quoted, CheckoutProblems.Delivery("quote_not_found", notFound.Detail, group.SellerId));
                case QuotedOptionLookup.Found found:
                    if (!request.ShippingAddress!.IsWhere(found.Quoted.Destination))
                    {
                        return (quoted, CheckoutProblems.Delivery("quote_for_another_address", $"Quote {choice.QuoteId} was made for another address.", group.SellerId));
                    }

                    if (!CheckoutCartShapes.SameItems(found.Quoted.Items, CheckoutCartShapes.Items(group))
                        || !string.Equals(found.Quoted.Option.Price.Currency, cart.Currency, StringComparison.Ordinal))
                    {
                        return (quoted, CheckoutProblems.Delivery("quote_for_other_items", $"Quote {choice.QuoteId} was made for other units of seller {group.SellerId}'s lines.", group.SellerId));
                    }

                    quoted[group.SellerId] = found.Quoted;
                    break;
            }
        }

        return (quoted, null);
    }

    private OrderGroup NewGroup(
        PlaceOrderRequest request, CheckoutCaller caller, CheckoutCart cart, Dictionary<Guid, QuotedDeliveryOption> quoted, string email, string language,
        decimal itemsTotal, decimal deliveryTotal, decimal total, DateTimeOffset now)
    {
        var groupId = Guid.NewGuid();
        var number = NewNumber(now);
        var group = new OrderGroup
        {
            Id = groupId,
            Number = number,
            CustomerId = caller.CustomerId,
            ContactEmail = email,
            CheckoutLanguage = language,
            GuestTokenHash = caller.CustomerId is null ? OrderTokens.Hash(tokens.TokenFor(groupId)) : null,
            ShippingAddress = request.ShippingAddress!.ToShipping(),
            Currency = cart.Currency!,
            ItemsTotal = itemsTotal,
            DeliveryTotal = deliveryTotal,
            Total = total,
            PromoCodes = string.Join(',', cart.AppliedPromoCodeLimits.Select(p => p.Code)),
            CartOwner = caller.OwnerKey,
            CreatedAt = now,
        };
        var index = 0;
        foreach (var seller in cart.Sellers)
        {
            var option = quoted[seller.SellerId].Option;
            var orderId = Guid.NewGuid();
            var goods = seller.Total?.Amount ?? 0m;
            group.Orders.Add(new SellerOrder
            {
                Id = orderId,
                GroupId = groupId,
                SellerId = seller.SellerId,
                Number = $"{number}-{++index}",
                DeliveryKind = option.Kind switch
                {
                    DeliveryServiceKind.PickupPoint => DeliveryKind.PickupPoint,
                    DeliveryServiceKind.SellerOwnDelivery => DeliveryKind.SellerOwnDelivery,
                    _ => DeliveryKind.CourierToDoor,
                },
                CustomerId = caller.CustomerId,
                Currency = cart.Currency!,
                ItemsTotal = goods,
                Total = Currencies.Round(goods + option.Price.Amount, cart.Currency!),
                CreatedAt = now,
                Delivery = new DeliverySnapshot
                {
                    QuoteId = quoted[seller.SellerId].QuoteId,
                    OptionId = option.OptionId,
                    CarrierId = option.CarrierId,
                    ServiceId = option.ServiceId,
                    ServiceName = option.ServiceName,
                    Price = option.Price.Amount,
                    EtaEarliest = option.Eta.Earliest,
                    EtaLatest = option.Eta.Latest,
                    DispatchDays = quoted[seller.SellerId].Items.Select(i => i.DispatchDays).DefaultIfEmpty(0).Max(),
                },
                Lines = seller.Lines.Select(line => new OrderLine
                {
                    Id = Guid.NewGuid(),
                    OrderId = orderId,
                    OfferId = line.OfferId,
                    SkuId = line.SkuId ?? Guid.Empty,
                    CategoryId = line.CategoryId ?? Guid.Empty,
                    SkuCode = line.SkuCode ?? "",
                    Title = line.ProductTitle ?? "",
                    Quantity = line.Quantity,
                    UnitPrice = line.UnitListPrice?.Amount ?? 0m,
                    Discount = line.Discount?.Amount ?? 0m,
                    LineTotal = line.Total?.Amount ?? 0m,
                    PricingExplanation = JsonSerializer.Serialize(new { discounts = line.Discounts, rulesNotApplied = line.RulesNotApplied }, Json),
                }).ToList(),
            });
        }

        return group;
    }

    /// <summary>
    /// Holds every seller order's units under the order's id, all in one call to Catalog, or nothing: when a line is short,
    /// or the hold's expiry has come before Catalog was asked (it holds nothing already expired), or this process has not
    /// beaten for two intervals (another may be finishing this checkout as stopped), nothing is held.
    /// </summary>
    private async Task<(IReadOnlyList<ShortLine> ShortLines, bool TooLate)> ReserveAsync(OrderGroup group, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now >= expiresAt || !runner.MayAct(now, options.Value))
        {
            return ([], true);
        }

        var holds = group.Orders.Select(o => new StockHold(o.Id, o.Lines.Select(l => new ReservedLine(l.OfferId, l.Quantity)).ToList())).ToList();
        var result = await reservations.ReserveAsync(holds, expiresAt, cancellationToken);
        return result.Outcome switch
        {
            ReserveOutcome.Reserved => ([], false),
            ReserveOutcome.InsufficientStock => (result.ShortLines, false),
            _ => throw new InvalidOperationException($"Catalog answered {result.Outcome} for the new orders of group {group.Id}."),
        };
    }

    private async Task ReleaseAsync(OrderGroup group, string reason, CancellationToken cancellationToken)
    {
        foreach (var order in group.Orders)
        {
            await reservations.ReleaseAsync(order.Id, reason, cancellationToken);
        }
    }

    /// <summary>
    /// Forgets a group refused before its payment was asked for (<see cref="ForgetAsync"/>) and gives the refusal; when the
    /// sweeper, or a repeat on another replica, settled the group meanwhile and answered its key in the same save, that
    /// answer stands and is replayed instead. The refusal is made only when it is given, so a replay carries none of its
    /// headers (Retry-After).
    /// </summary>
    private async Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> ForgetOrReplayAsync(
        OrderGroup group, IdempotencyRecord keyRow, Func<ProblemHttpResult> refusal, CancellationToken cancellationToken)
    {
        try
        {
            await ForgetAsync(group, keyRow, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return await ReplayAsync(await db.IdempotencyKeys.AsNoTracking().SingleAsync(k => k.Id == keyRow.Id, cancellationToken), cancellationToken);
        }

        return refusal();
    }

    /// <summary>
    /// Removes a group that was refused before its payment was asked for, with its key: nothing of the attempt remains,
    /// and the key is free for the corrected request.
    /// </summary>
    private async Task ForgetAsync(OrderGroup group, IdempotencyRecord keyRow, CancellationToken cancellationToken)
    {
        db.IdempotencyKeys.Remove(keyRow);
        db.OrderGroups.Remove(group);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// A request under a key already used: refused when it is another request or the first is still running (one that
    /// stopped with its runner is finished first, see <see cref="StoppedCheckoutFinisher"/>), else the first request's
    /// answer, marked <c>Idempotent-Replayed: true</c> (as Stripe marks it) so a client can tell.
    /// </summary>
    private async Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> RepeatAsync(
        IdempotencyRecord record, byte[] requestHash, HttpResponse response, CancellationToken cancellationToken)
    {
        switch (IdempotencyKeys.Judge(record, requestHash))
        {
            case KeyVerdict.OtherRequest:
                return CheckoutProblems.KeyReused();
            case KeyVerdict.StillRunning:
                var answered = await IdempotencyKeys.AwaitAnswerAsync(db, record, options.Value.IdempotencyWait, clock, cancellationToken);
                if (answered is null && await stopped.FinishIfStoppedAsync(record.OrderGroupId, cancellationToken))
                {
                    // Its checkout had stopped (its runner died under it): finished now, as the sweeper would, so the
                    // repeat learns the outcome rather than 409 until the next sweep.
                    answered = await db.IdempotencyKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == record.Id, cancellationToken);
                }

                if (answered?.ResponseStatus is null)
                {
                    return CheckoutProblems.KeyRunning();
                }

                response.Headers[IdempotencyKeys.ReplayedHeader] = "true";
                return await ReplayAsync(answered, cancellationToken);
            default:
                response.Headers[IdempotencyKeys.ReplayedHeader] = "true";
                return await ReplayAsync(record, cancellationToken);
        }
    }

    /// <summary>The stored answer, with the secrets it withholds derived again: the guest's order token, the payment's client secret.</summary>
    private async Task<Results<ContentHttpResult, ProblemHttpResult, ValidationProblem>> ReplayAsync(IdempotencyRecord record, CancellationToken cancellationToken)
    {
        var status = record.ResponseStatus!.Value;
        if (status != StatusCodes.Status201Created)
        {
            return TypedResults.Content(record.ResponseBody, ProblemType, Encoding.UTF8, status);
        }

        var answer = JsonSerializer.Deserialize<CheckoutResponse>(record.ResponseBody!, Json)!;
        if (answer.OrderAccessToken is not null)
        {
            answer = answer with { OrderAccessToken = tokens.TokenFor(answer.OrderGroupId) };
        }

        if (answer.Payment is { NextAction: { } next, PaymentId: { } paymentId })
        {
            var secret = (await payments.GetAsync(paymentId, cancellationToken))?.NextAction?.ClientSecret ?? CheckoutAnswers.Withheld;
            answer = answer with { Payment = answer.Payment with { NextAction = next with { ClientSecret = secret } } };
        }

        return TypedResults.Content(JsonSerializer.Serialize(answer, Json), JsonType, Encoding.UTF8, status);
    }

    private static string? AccountEmail(ClaimsPrincipal user) =>
        user.FindFirst("email")?.Value ?? user.FindFirst(ClaimTypes.Email)?.Value;

    /// <summary>A number a person can read out: the day, then eight characters that avoid 0/O and 1/I; the unique index has the last word.</summary>
    private static string NewNumber(DateTimeOffset now)
    {
        const string alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        Span<char> tail = stackalloc char[8];
        for (var i = 0; i < tail.Length; i++)
        {
            tail[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return $"MP{now:yyMMdd}-{tail}";
    }
}
